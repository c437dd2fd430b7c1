#pragma once
// One call's answer as the dispatcher hands it to the session: a JSON-RPC response object,
// or a success whose result is already JSON text. The second is for results too big to be
// worth a json tree (a 10,000-connection `list`: protocol/json_text.hpp); AnswerLine puts
// the text into the answer line as it is, never parsing it again.
#include <variant>

#include <nlohmann/json.hpp>

#include "rasbroker/protocol/json_text.hpp"

namespace rasbroker::ipc {

struct RawResult {
  nlohmann::json id;
  protocol::RawJson result;
};

using Response = std::variant<nlohmann::json, RawResult>;

// As a json object, the same value either way (tests; it parses a raw result).
inline nlohmann::json to_json(const Response& r) {
  if (const auto* j = std::get_if<nlohmann::json>(&r)) return *j;
  const auto& raw = std::get<RawResult>(r);
  return nlohmann::json{{"jsonrpc", "2.0"}, {"id", raw.id}, {"result", nlohmann::json::parse(raw.result.text)}};
}

}  // namespace rasbroker::ipc
