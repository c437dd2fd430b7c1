#include "host/windows/service_status.hpp"

namespace rasbroker::winhost {

std::string_view to_string(ServiceState s) {
  switch (s) {
    case ServiceState::start_pending: return "START_PENDING";
    case ServiceState::running: return "RUNNING";
    case ServiceState::stop_pending: return "STOP_PENDING";
    case ServiceState::stopped: return "STOPPED";
  }
  return "?";
}

}  // namespace rasbroker::winhost
