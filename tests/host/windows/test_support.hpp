#pragma once
// Helpers for the Windows service host tests (run under Wine): unique pipe names, a
// pipe client built on the real client's transport, and an in-process pipe server.
#include <windows.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/logger.h>

#include "broker/broker.hpp"
#include "host/windows/pipe_listener.hpp"
#include "ipc/dispatcher.hpp"
#include "simulator/simulator.hpp"
#include "transport.hpp"

namespace rasbroker::winhost::test {

// Unique per process and call: tests never collide with each other or a real service.
std::string unique_pipe_name(const std::string& tag);

// Warnings and errors to stderr (a failing test shows them); the rest is dropped.
std::shared_ptr<spdlog::logger> test_logger();

// A scenario with "Office VPN" (quick connect, 1.5 s teardown) and "Quick VPN".
sim::Scenario test_scenario();

class PipeClient {
 public:
  explicit PipeClient(const std::string& pipe_name);
  void send(const std::string& bytes);
  // The next complete line (without '\n'); nullopt on eof or after `timeout`.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // One request, its answer as JSON (throws on eof/timeout).
  nlohmann::json call(const std::string& method, nlohmann::json params = nullptr);
  void close() { transport_->close(); }

 private:
  std::unique_ptr<client::Transport> transport_;
  std::string buffer_;
  int next_id_ = 1;
};

// The service's pieces without the SCM: simulator, broker, dispatcher, pipe listener,
// with the io_context on its own thread (the broker's one executor thread).
class PipeServer {
 public:
  explicit PipeServer(PipeListenerOptions options);
  ~PipeServer();
  PipeServer(const PipeServer&) = delete;
  PipeServer& operator=(const PipeServer&) = delete;

  sim::Simulator& ras() { return sim_; }
  // Runs `f` on the io thread and waits for it.
  void on_io_thread(std::function<void()> f);
  PipeListener& listener() { return *listener_; }

 private:
  sim::Simulator sim_;  // outlives the io_context
  boost::asio::io_context io_{1};
  std::shared_ptr<spdlog::logger> log_;
  std::shared_ptr<broker::Broker> broker_;
  std::optional<PipeListener> listener_;
  std::optional<ipc::Dispatcher> dispatcher_;
  std::thread thread_;
};

}  // namespace rasbroker::winhost::test
