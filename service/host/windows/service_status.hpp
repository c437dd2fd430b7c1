#pragma once
// What the service tells the Service Control Manager, in portable form. The lifecycle
// (service_runner.hpp) reports through StatusReporter; scm.cpp turns reports into
// SetServiceStatus calls, console mode logs them, tests record them.
#include <cstdint>
#include <string>
#include <string_view>

namespace rasbroker::winhost {

enum class ServiceState { start_pending, running, stop_pending, stopped };

std::string_view to_string(ServiceState s);

// The service-specific exit codes (SERVICE_STATUS.dwServiceSpecificExitCode with
// dwWin32ExitCode = ERROR_SERVICE_SPECIFIC_ERROR), also the --console process exit codes.
// Documented in docs/operations.md.
enum ExitCode : std::uint32_t {
  kExitOk = 0,
  kExitUsage = 1,           // command line (CLI11); process exit code only
  kExitBadConfig = 2,       // config file, allowed_groups, log level
  kExitCannotListen = 3,    // pipe name owned by another process, or cannot be created
  kExitRasBackend = 4,      // the RAS backend could not be initialised
  kExitNotUnderScm = 5,     // StartServiceCtrlDispatcher failed (not started by the SCM); process exit code only
  kExitInternal = 6,        // unexpected exception
};

struct ServiceStatus {
  ServiceState state = ServiceState::start_pending;
  std::uint32_t checkpoint = 0;    // advances while pending; 0 otherwise
  std::uint32_t wait_hint_ms = 0;  // time to the next checkpoint or state change
  std::uint32_t exit_code = kExitOk;  // with state == stopped: 0 or a service-specific ExitCode
};

class StatusReporter {
 public:
  virtual ~StatusReporter() = default;
  // Called on the lifecycle's thread (the one running the io_context).
  virtual void report(const ServiceStatus& status) = 0;
  // Called once the configuration is known, with the most a stop can take. Under the
  // SCM this becomes the service's preshutdown timeout (Windows' default, 10 s on
  // current versions, is shorter than stop_timeout_ms), and the display name and
  // description are set. Returns "" or why that failed (logged; the service runs on).
  virtual std::string apply_settings(std::uint32_t /*stop_budget_ms*/) { return {}; }
};

}  // namespace rasbroker::winhost
