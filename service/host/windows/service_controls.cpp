#include "host/windows/service_controls.hpp"

#include <utility>

namespace rasbroker::winhost {

void ServiceControls::set_stop_handler(StopHandler handler) {
  std::lock_guard lock(mutex_);
  stop_ = std::move(handler);
}

void ServiceControls::set_host_event_handler(HostEventHandler handler) {
  std::lock_guard lock(mutex_);
  host_event_ = std::move(handler);
}

DWORD ServiceControls::handle(DWORD control, DWORD event_type) {
  const char* why = nullptr;
  switch (control) {
    case SERVICE_CONTROL_STOP: why = "SERVICE_CONTROL_STOP"; break;
    case SERVICE_CONTROL_SHUTDOWN: why = "SERVICE_CONTROL_SHUTDOWN"; break;
    case SERVICE_CONTROL_PRESHUTDOWN: why = "SERVICE_CONTROL_PRESHUTDOWN"; break;
    case SERVICE_CONTROL_POWEREVENT: {
      if (event_type != PBT_APMRESUMEAUTOMATIC) return NO_ERROR;
      std::lock_guard lock(mutex_);
      if (host_event_) host_event_(broker::HostEvent::resumed);
      return NO_ERROR;
    }
    case SERVICE_CONTROL_INTERROGATE: return NO_ERROR;
    default: return ERROR_CALL_NOT_IMPLEMENTED;
  }
  std::lock_guard lock(mutex_);
  if (stop_) stop_(why);
  return NO_ERROR;
}

}  // namespace rasbroker::winhost
