#include "app/service_status.hpp"

namespace rasbroker::app {

std::string_view to_string(ServiceState s) {
  switch (s) {
    case ServiceState::start_pending: return "START_PENDING";
    case ServiceState::running: return "RUNNING";
    case ServiceState::stop_pending: return "STOP_PENDING";
    case ServiceState::stopped: return "STOPPED";
  }
  return "?";
}

void LogStatusReporter::report(const ServiceStatus& status) {
  switch (status.state) {
    case ServiceState::running: log_->info("running; stop with {}", how_to_stop_); break;
    case ServiceState::stopped: break;  // the lifecycle logs the exit code
    default:
      log_->debug("status {} (checkpoint {}, wait hint {} ms)", to_string(status.state), status.checkpoint,
                  status.wait_hint_ms);
  }
}

}  // namespace rasbroker::app
