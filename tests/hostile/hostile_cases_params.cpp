// Every parameter of every method (protocol/src/methods.cpp) with wrong types and
// out-of-range values, and hostile names.
#include "hostile_case.hpp"

namespace rasbroker::hostile {

using nlohmann::json;

namespace {

// An error with `code` whose message holds `fragment`: for the broker's messages that
// quote client text (their exact quoting is the log helpers' concern), bounded.
Reply error_saying(const json& id, int code, const std::string& fragment) {
  return checked([id, code, fragment](const json& j) -> std::string {
    if (j.value("id", json()) != id || !j.contains("error")) return "not an error for id " + id.dump();
    if (j["error"].value("code", 0) != code) return "not error " + std::to_string(code);
    const std::string message = j["error"].value("message", "");
    if (message.find(fragment) == std::string::npos) return "the message does not say " + fragment;
    if (message.size() > 1000) return "the message is " + std::to_string(message.size()) + " bytes long";
    return {};
  });
}

const std::string kTimeoutRange = "must be an integer from 1 to 86400000";

// A case of one request (id 1) and one expected answer.
struct OneCall {
  std::string klass, name, method;
  json params;
  Reply reply;
};

// The answer to a dial or get: connection `connection`, to `entry`, in `state`.
Reply connection_in(const json& id, const std::string& connection, const std::string& entry, const std::string& state) {
  return checked([id, connection, entry, state](const json& j) -> std::string {
    if (j.value("id", json()) != id || !j.contains("result")) return "not a result for id " + id.dump();
    if (j["result"].value("id", "") != connection) return "not connection " + connection;
    if (j["result"].value("entry", "") != entry) return "not a connection to " + entry;
    if (j["result"].value("state", "") != state) return "not " + state;
    return {};
  });
}

}  // namespace

std::vector<HostileCase> parameter_and_name_cases() {
  const std::string long257(257, 'a');
  const std::string long261(261, 'p');
  const auto pe = [](const std::string& param, const std::string& problem) {
    return param_error(1, param, "\"" + param + "\" " + problem);
  };
  const auto unknown = [](const std::string& param) {
    return param_error(1, param, "unknown parameter \"" + param + "\"");
  };
  const auto dial = [](json extra) {
    json p = {{"entry", "Quick VPN"}};
    p.update(extra);
    return p;
  };
  const std::vector<OneCall> calls = {
      {"params", "ping_unknown_member", "ping", {{"x", 1}}, unknown("x")},
      {"params", "status_unknown_member", "status", {{"verbose", true}}, unknown("verbose")},
      {"params", "list_unknown_member", "list", {{"all", true}}, unknown("all")},
      {"params", "subscribe_unknown_member", "subscribe", {{"entry", "Quick VPN"}}, unknown("entry")},
      {"params", "list_positional", "list", {1}, params_error(1, "params must be an object")},
      {"params", "dial_without_entry", "dial", json::object(), pe("entry", "is required")},
      {"params", "dial_entry_null_is_absent", "dial", {{"entry", nullptr}}, pe("entry", "is required")},
      {"params", "dial_entry_number", "dial", {{"entry", 1}}, pe("entry", "must be a string")},
      {"params", "dial_entry_array", "dial", {{"entry", {"Quick VPN"}}}, pe("entry", "must be a string")},
      {"params", "dial_entry_empty", "dial", {{"entry", ""}}, pe("entry", "must not be empty")},
      {"params", "dial_entry_too_long", "dial", {{"entry", long257}}, pe("entry", "must be at most 256 characters")},
      {"params", "dial_entry_with_nul", "dial", {{"entry", std::string("Quick\0VPN", 9)}},
       pe("entry", "must not contain NUL characters")},
      {"params", "dial_phonebook_number", "dial", dial({{"phonebook", 7}}), pe("phonebook", "must be a string")},
      {"params", "dial_phonebook_too_long", "dial", dial({{"phonebook", long261}}),
       pe("phonebook", "must be at most 260 characters")},
      {"params", "dial_username_bool", "dial", dial({{"username", true}}), pe("username", "must be a string")},
      {"params", "dial_username_too_long", "dial", dial({{"username", long257}}),
       pe("username", "must be at most 256 characters")},
      {"params", "dial_password_number", "dial", dial({{"password", 1234}}), pe("password", "must be a string")},
      {"params", "dial_password_too_long", "dial", dial({{"password", long257}}),
       pe("password", "must be at most 256 characters")},
      {"params", "dial_domain_array", "dial", dial({{"domain", json::array()}}), pe("domain", "must be a string")},
      {"params", "dial_wait_unknown", "dial", dial({{"wait", "never"}}),
       pe("wait", R"(must be "accepted" or "connected")")},
      {"params", "dial_wait_number", "dial", dial({{"wait", 1}}), pe("wait", "must be a string")},
      {"params", "dial_timeout_zero", "dial", dial({{"timeout_ms", 0}}), pe("timeout_ms", kTimeoutRange)},
      {"params", "dial_timeout_negative", "dial", dial({{"timeout_ms", -1}}), pe("timeout_ms", kTimeoutRange)},
      {"params", "dial_timeout_over_a_day", "dial", dial({{"timeout_ms", 86400001}}), pe("timeout_ms", kTimeoutRange)},
      {"params", "dial_timeout_uint64_max", "dial", dial({{"timeout_ms", 18446744073709551615ull}}),
       pe("timeout_ms", kTimeoutRange)},
      {"params", "dial_timeout_fraction", "dial", dial({{"timeout_ms", 1.5}}), pe("timeout_ms", kTimeoutRange)},
      {"params", "dial_timeout_string", "dial", dial({{"timeout_ms", "5000"}}), pe("timeout_ms", kTimeoutRange)},
      {"params", "dial_redial_string", "dial", dial({{"redial", "yes"}}), pe("redial", "must be an object")},
      {"params", "dial_redial_attempts_over", "dial", dial({{"redial", {{"attempts", 101}}}}),
       pe("redial.attempts", "must be an integer from 0 to 100")},
      {"params", "dial_redial_attempts_negative", "dial", dial({{"redial", {{"attempts", -1}}}}),
       pe("redial.attempts", "must be an integer from 0 to 100")},
      {"params", "dial_redial_backoff_under", "dial", dial({{"redial", {{"backoff_ms", 99}}}}),
       pe("redial.backoff_ms", "must be an integer from 100 to 3600000")},
      {"params", "dial_redial_backoff_over", "dial", dial({{"redial", {{"backoff_ms", 3600001}}}}),
       pe("redial.backoff_ms", "must be an integer from 100 to 3600000")},
      {"params", "dial_redial_unknown_member", "dial", dial({{"redial", {{"tries", 1}}}}), unknown("redial.tries")},
      {"params", "dial_misspelt_password", "dial", dial({{"pasword", "secret"}}), unknown("pasword")},
      {"params", "hangup_nothing_named", "hangup", json::object(),
       params_error(1, R"(give exactly one of "id", "entry" or "all")")},
      {"params", "hangup_two_named", "hangup", {{"id", "c1"}, {"entry", "Quick VPN"}},
       params_error(1, R"(give exactly one of "id", "entry" or "all")")},
      {"params", "hangup_all_false", "hangup", {{"all", false}}, pe("all", "must be true when given")},
      {"params", "hangup_all_string", "hangup", {{"all", "yes"}}, pe("all", "must be a boolean")},
      {"params", "hangup_id_number", "hangup", {{"id", 5}}, pe("id", "must be a string")},
      {"params", "hangup_id_empty", "hangup", {{"id", ""}}, pe("id", "must not be empty")},
      {"params", "hangup_id_too_long", "hangup", {{"id", long257}}, pe("id", "must be at most 256 characters")},
      {"params", "hangup_entry_object", "hangup", {{"entry", json::object()}}, pe("entry", "must be a string")},
      {"params", "hangup_wait_unknown", "hangup", {{"all", true}, {"wait", "soon"}},
       pe("wait", R"(must be "issued" or "gone")")},
      {"params", "hangup_timeout_zero", "hangup", {{"all", true}, {"timeout_ms", 0}}, pe("timeout_ms", kTimeoutRange)},
      {"params", "hangup_of_no_connection", "hangup", {{"id", "c999"}},
       error_saying(1, 1, "no connection with id")},
      {"params", "get_nothing_named", "get", json::object(), params_error(1, R"(give exactly one of "id" or "entry")")},
      {"params", "get_all_is_not_a_parameter", "get", {{"all", true}}, unknown("all")},
      {"params", "get_entry_number", "get", {{"entry", 3}}, pe("entry", "must be a string")},
      {"params", "get_of_no_connection", "get", {{"entry", "Quick VPN"}},
       error_saying(1, 1, "no connection for entry")},
      {"params", "entries_phonebook_number", "entries", {{"phonebook", 1}}, pe("phonebook", "must be a string")},
      {"params", "entries_phonebook_too_long", "entries", {{"phonebook", long261}},
       pe("phonebook", "must be at most 260 characters")},
      {"params", "entries_unknown_member", "entries", {{"entry", "x"}}, unknown("entry")},
      // ---- hostile names ----
      {"names", "entry_with_a_slash", "dial", {{"entry", "VPN/1"}},
       pe("entry", R"(may not contain any of | > < ? * \ / : (RAS refuses them))")},
      {"names", "entry_path_traversal", "dial", {{"entry", "..\\..\\Windows\\x"}}, pe("entry", "may not start with '.'")},
      {"names", "entry_drive_path", "dial", {{"entry", "C:x"}},
       pe("entry", R"(may not contain any of | > < ? * \ / : (RAS refuses them))")},
      {"names", "entry_with_a_newline", "dial", {{"entry", "VPN\nforged log line"}},
       pe("entry", "may not contain control characters")},
      {"names", "entry_with_an_escape_sequence", "dial", {{"entry", "\x1b[31mVPN"}},
       pe("entry", "may not contain control characters")},
      {"names", "entry_with_del", "dial", {{"entry", "VPN\x7f"}}, pe("entry", "may not contain control characters")},
      {"names", "entry_of_punctuation_only", "dial", {{"entry", "---"}}, pe("entry", "needs at least one letter or digit")},
      {"names", "entry_of_256_characters_unknown", "dial", {{"entry", std::string(256, 'n')}},
       error_saying(1, 1, "no phonebook entry named")},
      {"names", "entry_of_a_device_name_unknown", "dial", {{"entry", "CON"}},
       error_saying(1, 1, "no phonebook entry named")},
      // 256 UTF-16 units: 128 characters outside the BMP (4 UTF-8 bytes, 2 units each) are
      // 256, one more is too many.
      {"names", "entry_of_surrogate_pairs_too_long", "dial", {{"entry", [] {
                                                                  std::string s;
                                                                  for (int i = 0; i < 129; ++i) s += "\xf0\x9f\x98\x80";
                                                                  return s;
                                                                }()}},
       pe("entry", "must be at most 256 characters")},
      {"names", "phonebook_unc_path", "entries", {{"phonebook", "\\\\attacker\\share\\evil.pbk"}},
       error_saying(1, 4, "is neither a system phonebook nor in the service's configuration")},
      {"names", "phonebook_traversal", "entries", {{"phonebook", "..\\..\\..\\Windows\\evil.pbk"}},
       error_saying(1, 4, "is neither a system phonebook nor in the service's configuration")},
      {"names", "dial_from_a_foreign_phonebook", "dial", dial({{"phonebook", "/tmp/evil.pbk"}}),
       error_saying(1, 4, "is neither a system phonebook nor in the service's configuration")},
      {"names", "long_method_name", "x" + std::string(60000, 'm'), nullptr, no_such_method(1)},
  };
  std::vector<HostileCase> t;
  for (const auto& c : calls) t.push_back(sends(c.klass, c.name, {request(1, c.method, c.params)}, {c.reply}));
  // Case variants: an entry name matches whatever its case, as RAS matches it; the
  // connection keeps the name as it was dialled.
  t.push_back(sends("names", "entry_in_another_case",
                    {request(1, "dial", {{"entry", "qUICK vpn"}, {"wait", "connected"}}),
                     request(2, "get", {{"entry", "QUICK VPN"}})},
                    {connection_in(1, "c1", "qUICK vpn", "connected"), connection_in(2, "c1", "qUICK vpn", "connected")}));
  return t;
}

}  // namespace rasbroker::hostile
