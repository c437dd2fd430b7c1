#pragma once
// What the service tells whoever runs it — the Service Control Manager on Windows, a log
// otherwise — in portable form. The lifecycle (service_runner.hpp) reports through a
// StatusReporter; the Windows host turns reports into SetServiceStatus calls, console and
// dev hosts log them, tests record them.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <spdlog/logger.h>

namespace rasbroker::app {

enum class ServiceState { start_pending, running, stop_pending, stopped };

std::string_view to_string(ServiceState s);

// One numbering for both hosts, so a code means the same thing wherever it is seen.
// On Windows: SERVICE_STATUS.dwServiceSpecificExitCode (with dwWin32ExitCode =
// ERROR_SERVICE_SPECIFIC_ERROR) and the --console process exit codes; on Linux: the dev
// host's exit codes. Documented in docs/operations.md.
enum ExitCode : std::uint32_t {
  kExitOk = 0,
  kExitUsage = 1,           // command line (CLI11); process exit code only
  kExitBadConfig = 2,       // config file, host-specific settings (allowed_groups, scenario), log level
  kExitCannotListen = 3,    // the clients' endpoint (pipe, socket) is taken or cannot be created
  kExitRasBackend = 4,      // the RAS backend could not be initialised (dev host: or it leaked handles)
  kExitNotUnderScm = 5,     // Windows: StartServiceCtrlDispatcher failed; process exit code only
  kExitInternal = 6,        // unexpected exception
  kExitAdminFailed = 7,     // Windows: an admin verb (set-recovery, ...) failed; process exit code only
};

struct ServiceStatus {
  ServiceState state = ServiceState::start_pending;
  std::uint32_t checkpoint = 0;       // advances while pending; 0 otherwise
  std::uint32_t wait_hint_ms = 0;     // time to the next checkpoint or state change
  std::uint32_t exit_code = kExitOk;  // with state == stopped: 0 or an ExitCode
};

class StatusReporter {
 public:
  virtual ~StatusReporter() = default;
  // Called on the lifecycle's thread (the one running the io_context).
  virtual void report(const ServiceStatus& status) = 0;
  // Called once the configuration is known, with the most a stop can take. Under the
  // SCM this becomes the service's preshutdown timeout (Windows' default, 10 s on
  // current versions, is shorter than stop_timeout_ms). Returns "" or why that failed
  // (logged; the service runs on).
  virtual std::string apply_settings(std::uint32_t /*stop_budget_ms*/) { return {}; }
};

// For a host with no service manager to tell (a console, the Linux dev host): RUNNING is
// logged with how to stop the service, pending steps at debug level; the lifecycle logs
// the exit code itself.
class LogStatusReporter final : public StatusReporter {
 public:
  // `how_to_stop`, e.g. "Ctrl-C or `kill 1234`": logged as "running; stop with ...".
  LogStatusReporter(std::shared_ptr<spdlog::logger> log, std::string how_to_stop)
      : log_(std::move(log)), how_to_stop_(std::move(how_to_stop)) {}
  void report(const ServiceStatus& status) override;

 private:
  std::shared_ptr<spdlog::logger> log_;
  std::string how_to_stop_;
};

}  // namespace rasbroker::app
