#pragma once
// Helpers for the Windows service host tests (run under Wine): unique pipe names and an
// in-process pipe server. The portable helpers (clients, reporters, the test scenario)
// are the core's test support (tests/app/app_test_support.hpp).
#include <windows.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <spdlog/logger.h>

#include "app/admission.hpp"
#include "app_test_support.hpp"
#include "broker/broker.hpp"
#include "host/windows/pipe_listener.hpp"
#include "ipc/dispatcher.hpp"
#include "simulator/simulator.hpp"

namespace rasbroker::winhost::test {

// Unique per process and call: tests never collide with each other or a real service.
std::string unique_pipe_name(const std::string& tag);

// Gives a file or folder a protected DACL written as SDDL ("D:P(A;;FA;;;SY)..."). Under
// Wine this sets Unix mode bits: Everyone's rights become the "other" bits.
void set_path_dacl(const std::wstring& path, const std::string& dacl_sddl);

// Warnings and errors to stderr (a failing test shows them); the rest is dropped.
std::shared_ptr<spdlog::logger> test_logger();

// The service's pieces without the SCM and without the core's lifecycle: simulator,
// broker, dispatcher, the core's admission and the pipe listener, with the io_context on
// its own thread (the broker's one executor thread). Clients: app::test::LineClient.
class PipeServer {
 public:
  // max_clients_per_user 0: as many as max_clients.
  // before_accept runs on the test's thread once the pipe instance exists, before the
  // listener first calls ConnectNamedPipe on it.
  explicit PipeServer(PipeListenerOptions options, std::size_t max_clients = 64, ipc::SessionLimits limits = {},
                      std::size_t max_clients_per_user = 0, const std::function<void()>& before_accept = {});
  ~PipeServer();
  PipeServer(const PipeServer&) = delete;
  PipeServer& operator=(const PipeServer&) = delete;

  sim::Simulator& ras() { return sim_; }
  // Runs `f` on the io thread and waits for it.
  void on_io_thread(std::function<void()> f);
  PipeListener& listener() { return *listener_; }
  // Clients holding a place (read on the io thread).
  std::size_t connected();

 private:
  sim::Simulator sim_;  // outlives the io_context
  boost::asio::io_context io_{1};
  std::shared_ptr<spdlog::logger> log_;
  std::shared_ptr<broker::Broker> broker_;
  std::optional<PipeListener> listener_;
  std::optional<ipc::Dispatcher> dispatcher_;
  std::optional<app::Admission> admission_;
  std::thread thread_;
};

}  // namespace rasbroker::winhost::test
