#include "host/windows/service_status.hpp"

namespace rasbroker::winhost {

SERVICE_STATUS to_service_status(const ServiceStatus& status) {
  SERVICE_STATUS s{};
  s.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
  switch (status.state) {
    case ServiceState::start_pending: s.dwCurrentState = SERVICE_START_PENDING; break;
    case ServiceState::running: s.dwCurrentState = SERVICE_RUNNING; break;
    case ServiceState::stop_pending: s.dwCurrentState = SERVICE_STOP_PENDING; break;
    case ServiceState::stopped: s.dwCurrentState = SERVICE_STOPPED; break;
  }
  // PRESHUTDOWN gives the stop more time at system shutdown than SHUTDOWN's few seconds;
  // POWEREVENT tells the broker the machine resumed (service_controls.hpp).
  if (status.state == ServiceState::running)
    s.dwControlsAccepted =
        SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN | SERVICE_ACCEPT_PRESHUTDOWN | SERVICE_ACCEPT_POWEREVENT;
  if (status.state == ServiceState::stopped && status.exit_code != kExitOk) {
    s.dwWin32ExitCode = ERROR_SERVICE_SPECIFIC_ERROR;
    s.dwServiceSpecificExitCode = status.exit_code;
  }
  s.dwCheckPoint = status.checkpoint;
  s.dwWaitHint = status.wait_hint_ms;
  return s;
}

}  // namespace rasbroker::winhost
