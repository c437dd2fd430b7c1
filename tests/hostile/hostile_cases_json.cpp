// JSON shape and the JSON-RPC envelope.
#include "hostile_case.hpp"

#include <cstdint>
#include <limits>

namespace rasbroker::hostile {

using nlohmann::json;

namespace {

Reply invalid_request(const json& id, const std::string& detail) {
  return error(id, -32600, "Invalid Request: " + detail);
}

Reply invalid_at(std::size_t byte) {
  return error(nullptr, -32700, "Parse error: invalid JSON or invalid UTF-8 at byte " + std::to_string(byte));
}

const std::string kBadId = R"("id" must be a string, an integer or null)";
const std::string kBadVersion = R"("jsonrpc" must be "2.0")";
const std::string kBadParams = R"("params" must be an object or an array)";

// A ping whose params hold `depth - 1` nested arrays (the request object is level 1 and
// params level 2, so the innermost array is at level `depth`).
std::string ping_nested(int depth) {
  const int arrays = depth - 2;
  return R"({"jsonrpc":"2.0","id":1,"method":"ping","params":{"a":)" + std::string(arrays, '[') +
         std::string(arrays, ']') + "}}\n";
}

// A raw line with `id` written as given.
std::string ping_with_id_text(const std::string& id_text) {
  return R"({"jsonrpc":"2.0","id":)" + id_text + R"(,"method":"ping"})" "\n";
}

}  // namespace

std::vector<HostileCase> json_and_envelope_cases() {
  std::vector<HostileCase> t;
  auto add = [&t](std::string klass, std::string name, std::vector<std::string> writes, std::vector<Reply> replies) {
    t.push_back(sends(std::move(klass), std::move(name), std::move(writes), std::move(replies)));
  };
  const Reply not_an_object = invalid_request(nullptr, "expected a JSON object");
  // ---- JSON shape ----
  add("json", "root_number", {"1\n"}, {not_an_object});
  add("json", "root_string", {"\"ping\"\n"}, {not_an_object});
  add("json", "root_null", {"null\n"}, {not_an_object});
  add("json", "root_true", {"true\n"}, {not_an_object});
  add("json", "truncated_object", {R"({"jsonrpc":"2.0","id":1)" "\n"}, {invalid_at(24)});
  add("json", "garbage_after_the_object", {R"({"jsonrpc":"2.0","id":1,"method":"ping"} x)" "\n"}, {invalid_at(42)});
  add("json", "two_objects_on_one_line",
      {R"({"jsonrpc":"2.0","id":1,"method":"ping"}{"jsonrpc":"2.0","id":2,"method":"ping"})" "\n"}, {invalid_at(41)});
  add("json", "single_quotes", {"{'jsonrpc':'2.0','id':1,'method':'ping'}\n"}, {invalid_at(2)});
  add("json", "nesting_at_the_limit",
      {ping_nested(64)}, {param_error(1, "a", R"(unknown parameter "a")")});
  add("json", "nesting_one_over_the_limit", {ping_nested(65)},
      {invalid_request(nullptr, "JSON nested deeper than 64 levels")});
  add("json", "thirty_thousand_levels", {std::string(30000, '[') + std::string(30000, ']') + "\n"},
      {invalid_request(nullptr, "JSON nested deeper than 64 levels")});
  add("json", "unbalanced_deep_nesting", {std::string(60000, '[') + "\n"}, {invalid_at(60001)});
  // Beyond int64/uint64 nlohmann reads a number as a double: not an integer id.
  add("json", "id_beyond_64_bits", {ping_with_id_text("123456789012345678901234567890")},
      {invalid_request(nullptr, kBadId)});
  add("json", "id_uint64_max", {ping_with_id_text("18446744073709551615")}, {pong(18446744073709551615ull)});
  add("json", "id_int64_min", {ping_with_id_text("-9223372036854775808")},
      {pong(std::numeric_limits<std::int64_t>::min())});
  add("json", "number_overflowing_a_double",
      {R"({"jsonrpc":"2.0","id":1,"method":"dial","params":{"entry":"Quick VPN","timeout_ms":1e400}})" "\n"},
      {error(nullptr, -32700, "Parse error: invalid JSON")});
  // Duplicate keys: nlohmann keeps the last value (docs/protocol.md says so).
  add("json", "duplicate_id_last_wins", {R"({"jsonrpc":"2.0","id":1,"id":2,"method":"ping"})" "\n"}, {pong(2)});
  add("json", "duplicate_method_last_wins", {R"({"jsonrpc":"2.0","id":1,"method":"nope","method":"ping"})" "\n"},
      {pong(1)});
  add("json", "duplicate_parameter_last_wins",
      {R"({"jsonrpc":"2.0","id":1,"method":"dial","params":{"entry":"Quick VPN","timeout_ms":5,"timeout_ms":0}})" "\n"},
      {param_error(1, "timeout_ms", R"("timeout_ms" must be an integer from 1 to 86400000)")});
  // ---- the JSON-RPC envelope ----
  add("envelope", "id_string", {ping_line("abc")}, {pong("abc")});
  add("envelope", "id_empty_string", {ping_line("")}, {pong("")});
  add("envelope", "id_integer", {ping_line(7)}, {pong(7)});
  add("envelope", "id_zero", {ping_line(0)}, {pong(0)});
  add("envelope", "id_negative", {ping_line(-5)}, {pong(-5)});
  add("envelope", "id_null_is_answered", {ping_line(nullptr)}, {pong(nullptr)});
  add("envelope", "id_long_string_echoed", {ping_line(std::string(10000, 'i'))}, {pong(std::string(10000, 'i'))});
  add("envelope", "id_fraction", {ping_with_id_text("1.5")}, {invalid_request(nullptr, kBadId)});
  add("envelope", "id_exponent", {ping_with_id_text("1e3")}, {invalid_request(nullptr, kBadId)});
  add("envelope", "id_true", {ping_with_id_text("true")}, {invalid_request(nullptr, kBadId)});
  add("envelope", "id_object", {ping_with_id_text(R"({"a":1})")}, {invalid_request(nullptr, kBadId)});
  add("envelope", "id_array", {ping_with_id_text("[1]")}, {invalid_request(nullptr, kBadId)});
  add("envelope", "version_missing", {R"({"id":1,"method":"ping"})" "\n"}, {invalid_request(1, kBadVersion)});
  add("envelope", "version_1_0", {R"({"jsonrpc":"1.0","id":1,"method":"ping"})" "\n"}, {invalid_request(1, kBadVersion)});
  add("envelope", "version_as_number", {R"({"jsonrpc":2.0,"id":1,"method":"ping"})" "\n"},
      {invalid_request(1, kBadVersion)});
  add("envelope", "version_with_a_space", {R"({"jsonrpc":"2.0 ","id":1,"method":"ping"})" "\n"},
      {invalid_request(1, kBadVersion)});
  add("envelope", "bad_version_without_id_is_answered", {R"({"jsonrpc":"1.0","method":"ping"})" "\n"},
      {invalid_request(nullptr, kBadVersion)});
  add("envelope", "method_missing", {R"({"jsonrpc":"2.0","id":1})" "\n"},
      {invalid_request(1, R"("method" is required)")});
  add("envelope", "method_number", {R"({"jsonrpc":"2.0","id":1,"method":1})" "\n"},
      {invalid_request(1, R"("method" must be a string)")});
  add("envelope", "method_null", {R"({"jsonrpc":"2.0","id":1,"method":null})" "\n"},
      {invalid_request(1, R"("method" must be a string)")});
  add("envelope", "method_empty", {request(1, "")}, {no_such_method(1)});
  add("envelope", "method_unknown", {request(1, "nope")}, {no_such_method(1)});
  add("envelope", "method_upper_case", {request(1, "PING")}, {no_such_method(1)});
  add("envelope", "method_with_trailing_space", {request(1, "ping ")}, {no_such_method(1)});
  add("envelope", "method_of_the_service_notification", {request(1, "connection.changed")}, {no_such_method(1)});
  add("envelope", "method_rpc_reserved", {request(1, "rpc.discover")}, {no_such_method(1)});
  add("envelope", "params_string", {R"({"jsonrpc":"2.0","id":1,"method":"ping","params":"x"})" "\n"},
      {invalid_request(1, kBadParams)});
  add("envelope", "params_number", {R"({"jsonrpc":"2.0","id":1,"method":"ping","params":1})" "\n"},
      {invalid_request(1, kBadParams)});
  add("envelope", "params_null", {R"({"jsonrpc":"2.0","id":1,"method":"ping","params":null})" "\n"},
      {invalid_request(1, kBadParams)});
  add("envelope", "params_empty_array", {request(1, "ping", json::array())}, {pong(1)});
  add("envelope", "params_empty_object", {request(1, "ping", json::object())}, {pong(1)});
  add("envelope", "params_positional", {request(1, "ping", {1})}, {params_error(1, "params must be an object")});
  add("envelope", "positional_params_for_dial", {request(1, "dial", {"Quick VPN"})},
      {params_error(1, "params must be an object")});
  add("envelope", "unknown_member", {R"({"jsonrpc":"2.0","id":1,"method":"ping","extra":1})" "\n"},
      {invalid_request(1, R"(unknown member "extra")")});
  add("envelope", "result_member_in_a_request", {R"({"jsonrpc":"2.0","id":1,"result":{"pong":true}})" "\n"},
      {invalid_request(1, R"("method" is required)")});
  return t;
}

}  // namespace rasbroker::hostile
