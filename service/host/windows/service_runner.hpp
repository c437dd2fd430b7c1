#pragma once
// The service's lifecycle, independent of the SCM: start (config, logging, RAS backend,
// broker, pipe) -> run -> stop with progress, reporting every step to a StatusReporter.
// The SCM glue (scm.cpp), console mode (console.cpp) and the tests drive the same code.
//
// Threading: run() runs the io_context on the calling thread — the broker's one
// executor thread. request_stop() may be called from any thread (the SCM's control
// handler, a console control handler); it posts into the io_context.
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <spdlog/logger.h>

#include "config/service_config.hpp"
#include "host/windows/service_status.hpp"
#include "ras/ras_api.hpp"

namespace rasbroker::winhost {

struct RunnerOptions {
  std::string config_path;       // loaded with missing_ok: a missing file means defaults
  std::string log_level;         // overrides log.level when not empty
  bool file_log = true;          // rotating file in log.dir (default %ProgramData%\RasBroker\logs)
  // Makes the RAS backend on the broker's executor; may throw (reported as
  // kExitRasBackend). Called after the configuration loaded; the backend outlives every
  // handler of the io_context.
  std::function<std::unique_ptr<ras::RasApi>(boost::asio::any_io_executor)> make_ras;
  // Called on the io thread once the pipe listens, before RUNNING is reported (tests).
  std::function<void(const std::string& pipe_path)> on_listening;
};

class ServiceRunner {
 public:
  // `log` already has its early sinks (Event Log, console); run() adds the file sink.
  ServiceRunner(RunnerOptions options, StatusReporter& reporter, std::shared_ptr<spdlog::logger> log);

  // start -> run -> stop. Reports START_PENDING ... RUNNING ... STOP_PENDING ... STOPPED;
  // STOPPED is the last thing it does. Returns the exit code reported with STOPPED.
  int run();

  // Thread-safe; idempotent. Before run() has started, the stop happens right after start.
  void request_stop(const std::string& why);

  // Heartbeat while pending: the SCM must see a new checkpoint well within the hint.
  static constexpr std::chrono::milliseconds kHeartbeat{500};

 private:
  int start_and_run(boost::asio::io_context& io, std::unique_ptr<ras::RasApi>& ras);
  void report(ServiceState state, std::uint32_t wait_hint_ms, std::uint32_t exit_code = kExitOk);

  RunnerOptions options_;
  StatusReporter& reporter_;
  std::shared_ptr<spdlog::logger> log_;
  std::uint32_t checkpoint_ = 0;

  std::mutex mutex_;  // guards io_, stop_requested_, stop_reason_
  boost::asio::io_context* io_ = nullptr;
  bool stop_requested_ = false;
  std::string stop_reason_;
  std::function<void(const std::string&)> begin_stop_;  // set while running; on the io thread
};

}  // namespace rasbroker::winhost
