#include "exit_codes.hpp"

#include <rasbroker/protocol/errors.hpp>

namespace rasbroker::client {

int exit_code_for_rpc_code(int code) noexcept {
  using protocol::ErrorCode;
  switch (static_cast<ErrorCode>(code)) {
    case ErrorCode::not_found: return exit_code::not_found;
    case ErrorCode::ras_failure: return exit_code::ras_failure;
    case ErrorCode::timeout: return exit_code::timeout;
    case ErrorCode::unauthorized: return exit_code::unauthorized;
    case ErrorCode::shutting_down:
    case ErrorCode::busy: return exit_code::unavailable;
    case ErrorCode::parse_error:
    case ErrorCode::invalid_request:
    case ErrorCode::method_not_found:
    case ErrorCode::invalid_params:
    case ErrorCode::internal_error:
    case ErrorCode::response_too_large: return exit_code::protocol;
  }
  return exit_code::protocol;  // a code this client does not know
}

int exit_code_for(const ClientError& error) noexcept {
  switch (error.kind()) {
    case ClientError::Kind::usage: return exit_code::usage;
    case ClientError::Kind::unreachable:
    case ClientError::Kind::disconnected: return exit_code::unreachable;
    case ClientError::Kind::timeout: return exit_code::timeout;
    case ClientError::Kind::busy: return exit_code::unavailable;
    case ClientError::Kind::protocol: return exit_code::protocol;
    case ClientError::Kind::local: return exit_code::failure;
  }
  return exit_code::failure;
}

}  // namespace rasbroker::client
