#include "rasbroker/protocol/errors.hpp"

#include <limits>
#include <utility>

namespace rasbroker::protocol {

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::parse_error: return "parse_error";
    case ErrorCode::invalid_request: return "invalid_request";
    case ErrorCode::method_not_found: return "method_not_found";
    case ErrorCode::invalid_params: return "invalid_params";
    case ErrorCode::internal_error: return "internal_error";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::ras_failure: return "ras_failure";
    case ErrorCode::timeout: return "timeout";
    case ErrorCode::unauthorized: return "unauthorized";
    case ErrorCode::shutting_down: return "shutting_down";
    case ErrorCode::busy: return "busy";
    case ErrorCode::response_too_large: return "response_too_large";
  }
  return "unknown";
}

RpcError::RpcError(ErrorCode code, std::string message, nlohmann::json data)
    : std::runtime_error(std::move(message)), code_(code), data_(std::move(data)) {}

nlohmann::json RpcError::to_json() const {
  nlohmann::json j = {{"code", static_cast<int>(code_)}, {"message", what()}};
  if (!data_.is_null()) j["data"] = data_;
  return j;
}

RpcError RpcError::from_json(const nlohmann::json& error) {
  if (!error.is_object()) return RpcError(ErrorCode::internal_error, "malformed error object");
  ErrorCode code = ErrorCode::internal_error;
  if (auto it = error.find("code"); it != error.end()) {
    if (it->is_number_unsigned()) {
      const auto v = it->get<std::uint64_t>();
      if (v <= static_cast<std::uint64_t>(std::numeric_limits<int>::max())) code = static_cast<ErrorCode>(static_cast<int>(v));
    } else if (it->is_number_integer()) {
      const auto v = it->get<std::int64_t>();
      if (v >= std::numeric_limits<int>::min() && v <= std::numeric_limits<int>::max()) {
        code = static_cast<ErrorCode>(static_cast<int>(v));
      }
    }
  }
  std::string message;
  if (auto it = error.find("message"); it != error.end() && it->is_string()) message = it->get<std::string>();
  nlohmann::json data;
  if (auto it = error.find("data"); it != error.end()) data = *it;
  return RpcError(code, std::move(message), std::move(data));
}

RpcError RpcError::ras(std::uint32_t ras_error, std::string ras_message, std::string what,
                       std::uint32_t extended_error) {
  std::string message = std::move(what);
  if (!ras_message.empty()) {
    if (!message.empty()) message += ": ";
    message += ras_message;
  }
  if (!message.empty()) message += ' ';
  message += "(RAS error " + std::to_string(ras_error);
  if (extended_error != 0) message += ", extended error " + std::to_string(extended_error);
  message += ")";
  nlohmann::json data = {{"ras_error", ras_error}, {"ras_message", std::move(ras_message)}};
  if (extended_error != 0) data["ras_extended_error"] = extended_error;
  return RpcError(ErrorCode::ras_failure, std::move(message), std::move(data));
}

}  // namespace rasbroker::protocol
