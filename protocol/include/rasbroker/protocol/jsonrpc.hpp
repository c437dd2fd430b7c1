#pragma once
// JSON-RPC 2.0 envelopes: parsing incoming lines into calls, building responses.
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "rasbroker/protocol/errors.hpp"

namespace rasbroker::protocol {

constexpr int kProtocolVersion = 1;

// A well-formed request or notification. Method names and params are not checked
// here (that is methods.hpp): only the envelope.
struct Call {
  nlohmann::json id;          // string, number or null; meaningless for notifications
  bool notification = false;  // no "id" member: never answered
  std::string method;
  nlohmann::json params;      // object, array, or null when absent
};

// One element of an incoming message: a call to dispatch, or a ready error response
// (invalid request, with the id when it could be read, else null).
using Entry = std::variant<Call, nlohmann::json>;

struct Incoming {
  bool batch = false;          // the message was a non-empty array: answer with an array
  std::vector<Entry> entries;  // in order
};

// Parses one line. Invalid JSON (including invalid UTF-8 and a NUL byte anywhere) -> one
// parse error response (-32700, id null). Empty array, or more than kMaxBatchCalls
// elements -> one invalid request (not a batch; nothing of it runs).
Incoming parse_incoming(std::string_view line);

nlohmann::json make_result(const nlohmann::json& id, nlohmann::json result);
nlohmann::json make_error(const nlohmann::json& id, const RpcError& error);
nlohmann::json make_request(const nlohmann::json& id, std::string_view method, nlohmann::json params);
nlohmann::json make_notification(std::string_view method, nlohmann::json params);

}  // namespace rasbroker::protocol
