#pragma once
// The Service Control Manager glue, and nothing else: the dispatcher, the control
// handler (whose body is ServiceControls) and SetServiceStatus. The lifecycle itself is ServiceRunner.
#include <windows.h>

#include <functional>
#include <string>

#include "host/windows/service_controls.hpp"
#include "host/windows/service_status.hpp"

namespace rasbroker::winhost {

inline constexpr const wchar_t* kServiceName = L"RasBroker";
inline constexpr const wchar_t* kServiceDisplayName = L"RAS Connection Broker";
inline constexpr const wchar_t* kServiceDescription =
    L"Owns every RAS (VPN and dial-up) connection of this machine: programs dial and hang up "
    L"through \\\\.\\pipe\\rasbroker, and the service completes every teardown.";

// What the service body gets on the SCM's service thread.
class ScmSession {
 public:
  virtual ~ScmSession() = default;
  virtual StatusReporter& reporter() = 0;
  // STOP, SHUTDOWN and PRESHUTDOWN call this handler, on the dispatcher's thread.
  // Thread-safe; an empty handler detaches (do so before the target is destroyed).
  virtual void set_stop_handler(StopHandler handler) = 0;
  // SERVICE_CONTROL_POWEREVENT's resume calls this handler (service_controls.hpp), on the
  // dispatcher's thread. Thread-safe; an empty handler detaches.
  virtual void set_host_event_handler(HostEventHandler handler) = 0;
};

// StartServiceCtrlDispatcherW: blocks until the service has stopped. `body` runs on the
// service thread once the control handler is registered. Returns false (with the Win32
// error) when the dispatcher cannot start — e.g. the process was not started by the SCM.
bool run_scm_dispatcher(std::function<void(ScmSession&)> body, DWORD& error);

}  // namespace rasbroker::winhost
