#pragma once
// The service's status as the Service Control Manager takes it. The status itself, the
// reporter interface and the exit codes are the service core's (app/service_status.hpp),
// shared with the Linux dev host; the Windows host uses them under the same names.
#include <windows.h>

#include "app/service_status.hpp"

namespace rasbroker::winhost {

using app::ServiceState;
using app::ServiceStatus;
using app::StatusReporter;
using enum app::ExitCode;

// The SERVICE_STATUS for a report: controls are accepted only while RUNNING; a failed
// stop carries ERROR_SERVICE_SPECIFIC_ERROR and the service-specific code.
SERVICE_STATUS to_service_status(const ServiceStatus& status);

}  // namespace rasbroker::winhost
