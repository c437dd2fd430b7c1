#pragma once
// Helpers for the tests of the service core (tests/app) and of the hosts that run it
// (tests/host/*): a reporter that records what a service manager would see, a backend
// the core can own while the test keeps the simulator, a line client over the real
// client's transport, and a logger whose lines the test can read. Portable: the Windows
// host tests build this file too.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/logger.h>

#include "app/service_runner.hpp"
#include "app/service_status.hpp"
#include "ras/ras_api.hpp"
#include "simulator/simulator.hpp"
#include "tests/ras/forwarding_ras.hpp"
#include "transport.hpp"

namespace rasbroker::app::test {

// Records every report, from the run's thread, for the test's thread. When RUNNING is
// reported it asks `accepting` whether clients can connect at that very moment.
class RecordingReporter final : public StatusReporter {
 public:
  explicit RecordingReporter(std::function<bool()> accepting = {}) : accepting_(std::move(accepting)) {}
  void report(const ServiceStatus& s) override;
  // Records the budget and whether it came before RUNNING; answers `settings_result`.
  std::string apply_settings(std::uint32_t stop_budget_ms) override;

  bool wait_for(ServiceState state, std::chrono::milliseconds timeout = std::chrono::seconds(20));
  std::vector<ServiceStatus> reports();
  bool accepting_when_running();
  // The budget applied while starting (0 if it came later, or never).
  std::uint32_t stop_budget_ms();

  std::string settings_result = "not under a service manager in this test";  // a failure is logged, never fatal

 private:
  std::function<bool()> accepting_;
  std::mutex m_;
  std::condition_variable cv_;
  std::vector<ServiceStatus> reports_;
  bool accepting_when_running_ = false;
  std::uint32_t stop_budget_ms_ = 0;
  bool settings_before_running_ = false;
};

std::vector<ServiceStatus> of_state(const std::vector<ServiceStatus>& all, ServiceState s);

// What a service manager needs from a run that started, served and stopped cleanly while
// a teardown of `teardown` was pending: START_PENDING with advancing checkpoints and a
// hint, RUNNING once, STOP_PENDING with advancing checkpoints and honest hints (each
// longer than the heartbeat, never more than stop_timeout + cleanup), STOPPED last with 0.
void expect_start_run_stop(const std::vector<ServiceStatus>& all, std::chrono::milliseconds stop_timeout);

// The core owns its backend; this one forwards to a simulator the test keeps, so the
// ledger can be checked after the service stopped.
using ras::test::ForwardingRas;

// A scenario with "Office VPN" (quick connect, 1.5 s teardown) and "Quick VPN".
sim::Scenario test_scenario();

// A client speaking JSON-RPC lines over the real client's transport (socket or pipe).
class LineClient {
 public:
  explicit LineClient(const std::string& endpoint);
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

// A fresh folder under the system's temporary folder, removed with its contents.
class TempFolder {
 public:
  explicit TempFolder(const std::string& tag);
  ~TempFolder();
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  const std::filesystem::path& path() const { return path_; }
  // Writes `text` to a file of this folder; its path.
  std::string write(const std::string& name, const std::string& text) const;

 private:
  std::filesystem::path path_;
};

// The service running on a thread of its own, as a host runs it on its main thread; the
// test's thread plays the service manager.
class ServiceThread {
 public:
  ServiceThread(RunnerOptions options, StatusReporter& reporter, std::shared_ptr<spdlog::logger> log);
  ~ServiceThread();  // stops the service if the test did not
  ServiceThread(const ServiceThread&) = delete;
  ServiceThread& operator=(const ServiceThread&) = delete;

  ServiceRunner& runner() { return runner_; }
  // request_stop(why) and wait for run() to return; its exit code.
  int stop(const std::string& why = "test");

 private:
  ServiceRunner runner_;
  int exit_code_ = -1;
  std::thread thread_;
};

// What a client waiting when the service stops gets (with test_scenario(); natively in
// tests/app, over the pipe in tests/host/windows). Each stops `service`.
// A hang-up waiting for `gone` (a 1.5 s teardown) gets its answer: gone.
void expect_hangup_answered_across_stop(ServiceThread& service, const std::string& endpoint);
// A dial waiting to connect gets `shutting_down`, not a RAS error.
void expect_dial_answered_shutting_down_across_stop(ServiceThread& service, const std::string& endpoint);

// A logger at info level writing into a string the test reads (thread-safe), and
// warnings and errors to stderr too, so a failing test shows them. It never flushes by
// itself (no flush_on): flushed_text() is what a flush took, as a file would hold it.
class CapturedLog {
 public:
  CapturedLog();
  std::shared_ptr<spdlog::logger> logger() const { return log_; }
  std::string text() const;
  std::string flushed_text() const;
  bool contains(const std::string& needle) const { return text().find(needle) != std::string::npos; }

 private:
  class StringSink;
  std::shared_ptr<StringSink> sink_;
  std::shared_ptr<spdlog::logger> log_;
};

}  // namespace rasbroker::app::test
