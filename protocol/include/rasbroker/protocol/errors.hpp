#pragma once
// JSON-RPC 2.0 error codes (the spec's) and rasbroker's application codes (stable, >= 1).
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace rasbroker::protocol {

enum class ErrorCode : int {
  parse_error = -32700,
  invalid_request = -32600,
  method_not_found = -32601,
  invalid_params = -32602,
  internal_error = -32603,
  // Application errors: never renumber, only add.
  not_found = 1,      // no such connection / entry
  ras_failure = 2,    // RAS reported an error: data.ras_error, data.ras_message
  timeout = 3,        // the requested wait or timeout_ms ran out
  unauthorized = 4,   // the caller may not do this
  shutting_down = 5,  // the service is stopping: no new dials
  busy = 6,           // too many clients or requests
  response_too_large = 7,  // the answer would exceed kMaxResponseBytes (limits.hpp): ask for less
};

std::string_view error_code_name(ErrorCode code);  // "not_found", "parse_error", ...

// An error to send back. Thrown by validation and by method handlers.
class RpcError : public std::runtime_error {
 public:
  RpcError(ErrorCode code, std::string message, nlohmann::json data = nullptr);
  ErrorCode code() const noexcept { return code_; }
  const nlohmann::json& data() const noexcept { return data_; }
  nlohmann::json to_json() const;  // {"code":..,"message":..[,"data":..]}
  static RpcError from_json(const nlohmann::json& error);  // client side; tolerant

  // A RAS failure: code ras_failure, data {ras_error, ras_message} and, when RAS gave one,
  // ras_extended_error (RasDialFunc2's dwExtendedError).
  static RpcError ras(std::uint32_t ras_error, std::string ras_message, std::string what,
                      std::uint32_t extended_error = 0);

 private:
  ErrorCode code_;
  nlohmann::json data_;
};

}  // namespace rasbroker::protocol
