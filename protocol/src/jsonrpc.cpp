#include "rasbroker/protocol/jsonrpc.hpp"

#include <utility>

#include "params_reader.hpp"
#include "rasbroker/protocol/limits.hpp"

namespace rasbroker::protocol {

namespace {

// Deeper JSON is refused: copying, comparing and dumping nlohmann::json recurse, and a
// 64 KiB line could otherwise nest 32k levels deep.
constexpr int kMaxDepth = 64;

bool nesting_within(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    switch (c) {
      case '"': in_string = true; break;
      case '[':
      case '{':
        if (++depth > limit) return false;
        break;
      case ']':
      case '}': --depth; break;
      default: break;
    }
  }
  return true;
}

nlohmann::json invalid(const nlohmann::json& id, std::string detail) {
  return make_error(id, RpcError(ErrorCode::invalid_request, "Invalid Request: " + detail));
}

bool valid_id(const nlohmann::json& id) {
  // Integers only: the spec says numbers SHOULD NOT have fractional parts.
  return id.is_string() || id.is_number_integer() || id.is_null();
}

Entry parse_element(nlohmann::json& e) {
  if (!e.is_object()) return invalid(nullptr, "expected a JSON object");

  nlohmann::json id;  // null
  bool has_id = false;
  if (auto it = e.find("id"); it != e.end()) {
    if (!valid_id(*it)) return invalid(nullptr, R"("id" must be a string, an integer or null)");
    id = *it;
    has_id = true;
  }
  if (auto it = e.find("jsonrpc"); it == e.end() || !it->is_string() || it->get_ref<const std::string&>() != "2.0") {
    return invalid(id, R"("jsonrpc" must be "2.0")");
  }
  auto method = e.find("method");
  if (method == e.end()) return invalid(id, R"("method" is required)");
  if (!method->is_string()) return invalid(id, R"("method" must be a string)");
  auto params = e.find("params");
  if (params != e.end() && !params->is_object() && !params->is_array()) {
    return invalid(id, R"("params" must be an object or an array)");
  }
  for (const auto& [key, value] : e.items()) {
    if (key != "jsonrpc" && key != "id" && key != "method" && key != "params") {
      return invalid(id, "unknown member " + detail::quote(key));
    }
  }

  Call call;
  call.id = std::move(id);
  call.notification = !has_id;
  call.method = std::move(method->get_ref<std::string&>());
  if (params != e.end()) call.params = std::move(*params);  // moved, not copied: may hold a password
  return call;
}

}  // namespace

Incoming parse_incoming(std::string_view line) {
  Incoming in;
  // nlohmann's parser stops at a NUL as at the end of the input, and would answer the
  // text before it while the rest vanished. JSON text cannot hold a raw NUL (RFC 8259:
  // control characters are escaped in strings, and are not whitespace).
  if (const auto nul = line.find('\0'); nul != std::string_view::npos) {
    in.entries.emplace_back(make_error(
        nullptr, RpcError(ErrorCode::parse_error,
                          "Parse error: a NUL byte at byte " + std::to_string(nul) + "; JSON text cannot hold one")));
    return in;
  }
  nlohmann::json message;
  try {
    message = nlohmann::json::parse(line.begin(), line.end());
  } catch (const nlohmann::json::parse_error& e) {
    // Never include the parser's text: it quotes the input (which may be a password).
    in.entries.emplace_back(make_error(
        nullptr, RpcError(ErrorCode::parse_error,
                          "Parse error: invalid JSON or invalid UTF-8 at byte " + std::to_string(e.byte))));
    return in;
  } catch (const nlohmann::json::exception&) {
    in.entries.emplace_back(make_error(nullptr, RpcError(ErrorCode::parse_error, "Parse error: invalid JSON")));
    return in;
  }
  if (!nesting_within(line, kMaxDepth)) {
    in.entries.emplace_back(make_error(nullptr, RpcError(ErrorCode::invalid_request,
                                                         "Invalid Request: JSON nested deeper than " +
                                                             std::to_string(kMaxDepth) + " levels")));
    return in;
  }
  if (message.is_array()) {
    if (message.empty()) {
      in.entries.emplace_back(invalid(nullptr, "empty batch"));
      return in;
    }
    if (message.size() > kMaxBatchCalls) {
      in.entries.emplace_back(invalid(nullptr, "a batch holds at most " + std::to_string(kMaxBatchCalls) +
                                                   " calls; this one holds " + std::to_string(message.size()) +
                                                   ", and none of them was run"));
      return in;
    }
    in.batch = true;
    in.entries.reserve(message.size());
    for (auto& element : message) in.entries.push_back(parse_element(element));
    return in;
  }
  in.entries.push_back(parse_element(message));
  return in;
}

nlohmann::json make_result(const nlohmann::json& id, nlohmann::json result) {
  return nlohmann::json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

nlohmann::json make_error(const nlohmann::json& id, const RpcError& error) {
  return nlohmann::json{{"jsonrpc", "2.0"}, {"id", id}, {"error", error.to_json()}};
}

nlohmann::json make_request(const nlohmann::json& id, std::string_view method, nlohmann::json params) {
  nlohmann::json j = {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
  if (!params.is_null()) j["params"] = std::move(params);  // "params": null is not valid JSON-RPC
  return j;
}

nlohmann::json make_notification(std::string_view method, nlohmann::json params) {
  nlohmann::json j = {{"jsonrpc", "2.0"}, {"method", method}};
  if (!params.is_null()) j["params"] = std::move(params);
  return j;
}

}  // namespace rasbroker::protocol
