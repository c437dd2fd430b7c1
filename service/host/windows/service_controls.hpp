#pragma once
// What the service does with each control the Service Control Manager sends: the body of
// the SCM's control handler (scm.cpp registers it with RegisterServiceCtrlHandlerExW), in
// a class of its own so tests call it directly, as Windows would on the dispatcher's
// thread, without an SCM.
//
// A control handler must return at once (the SCM waits for it, and gives up after 30 s:
// "LPHANDLER_FUNCTION_EX callback function (winsvc.h)"): every handler here only posts
// into the service's io_context (ServiceRunner::request_stop / notify_host_event).
#include <windows.h>

#include <functional>
#include <mutex>
#include <string>

#include "broker/host_event.hpp"

namespace rasbroker::winhost {

using StopHandler = std::function<void(const std::string& why)>;
using HostEventHandler = std::function<void(broker::HostEvent)>;

class ServiceControls {
 public:
  // Thread-safe; an empty handler detaches (do so before its target is destroyed).
  void set_stop_handler(StopHandler handler);
  void set_host_event_handler(HostEventHandler handler);

  // The control handler's answer to `control` (SERVICE_CONTROL_*) with its `event_type`:
  //   STOP, SHUTDOWN, PRESHUTDOWN: the stop handler, named after the control; NO_ERROR.
  //   POWEREVENT: PBT_APMRESUMEAUTOMATIC ("delivered every time the system resumes") is
  //     HostEvent::resumed; every other power event (PBT_APMSUSPEND, PBT_APMRESUMESUSPEND,
  //     which follows the automatic one when a user is present, PBT_APMPOWERSTATUSCHANGE,
  //     ...) is only acknowledged. NO_ERROR for all of them: HandlerEx grants a power
  //     event with NO_ERROR, and the service never denies one.
  //   INTERROGATE: NO_ERROR (the SCM knows the status); anything else:
  //     ERROR_CALL_NOT_IMPLEMENTED.
  DWORD handle(DWORD control, DWORD event_type);

 private:
  std::mutex mutex_;  // the SCM's thread calls handle() while the service thread sets handlers
  StopHandler stop_;
  HostEventHandler host_event_;
};

}  // namespace rasbroker::winhost
