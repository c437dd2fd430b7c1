#include "client_error.hpp"

namespace rasbroker::client {

std::string_view kind_name(ClientError::Kind kind) noexcept {
  switch (kind) {
    case ClientError::Kind::usage: return "usage_error";
    case ClientError::Kind::unreachable: return "service_unreachable";
    case ClientError::Kind::disconnected: return "service_disconnected";
    case ClientError::Kind::timeout: return "client_timeout";
    case ClientError::Kind::busy: return "service_busy";
    case ClientError::Kind::protocol: return "protocol_error";
    case ClientError::Kind::local: return "local_error";
  }
  return "local_error";
}

}  // namespace rasbroker::client
