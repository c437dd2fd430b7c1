// Validation of every method's params: for each method a good request, each missing
// required field, each mistyped field, each out-of-range value and an unknown field.
#include <gtest/gtest.h>

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "rasbroker/protocol/methods.hpp"

namespace rp = rasbroker::protocol;
using nlohmann::json;

namespace {

// Runs the validation the server runs for `method`.
void validate(const std::string& method, const json& params) {
  if (method == "dial") (void)rp::parse_dial_params(params);
  else if (method == "hangup") (void)rp::parse_hangup_params(params);
  else if (method == "get") (void)rp::parse_get_params(params);
  else if (method == "entries") (void)rp::parse_entries_params(params);
  else rp::parse_empty_params(params, method);  // ping, status, list, subscribe
}

struct ParamsCase {
  std::string name;  // test name suffix
  std::string method;
  json params;
  std::string error;  // "" = valid; else the exact message
  std::string param;  // the data.param expected with a single-field error ("" = no data)
};

// Short names in test listings (ctest shows GetParam()).
void PrintTo(const ParamsCase& c, std::ostream* os) { *os << c.name; }

std::string str(std::size_t n, const std::string& unit = "x") {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += unit;
  return s;
}

const std::string kE = "\xc3\xa9";                // U+00E9: 1 UTF-16 unit, 2 bytes
const std::string kEmoji = "\xf0\x9f\x94\x92";    // U+1F512: 2 UTF-16 units, 4 bytes
const json kDialBase = {{"entry", "Office VPN"}};

json with(json base, const std::string& key, json value) {
  base[key] = std::move(value);
  return base;
}

std::vector<ParamsCase> cases() {
  const std::string ip = "invalid params: ";
  std::vector<ParamsCase> c;
  auto ok = [&](std::string name, std::string method, json params) {
    c.push_back({std::move(name), std::move(method), std::move(params), "", ""});
  };
  auto bad = [&](std::string name, std::string method, json params, std::string error, std::string param = "") {
    c.push_back({std::move(name), std::move(method), std::move(params), ip + error, std::move(param)});
  };

  // ---- ping, status, list, subscribe: no params at all
  for (const std::string m : {"ping", "status", "list", "subscribe"}) {
    ok(m + "_absent", m, nullptr);
    ok(m + "_empty_object", m, json::object());
    ok(m + "_empty_array", m, json::array());
    bad(m + "_unknown", m, {{"verbose", true}}, R"(unknown parameter "verbose")", "verbose");
    bad(m + "_positional", m, json::array({1}), "params must be an object");
    bad(m + "_not_structured", m, "x", "params must be an object");
  }

  // ---- dial
  ok("dial_minimal", "dial", kDialBase);
  ok("dial_full", "dial",
     {{"entry", "Office VPN"}, {"phonebook", R"(C:\Users\alice\AppData\Roaming\Microsoft\Network\Connections\Pbk\rasphone.pbk)"},
      {"username", "alice"}, {"password", "hunter2"}, {"domain", "CONTOSO"}, {"wait", "connected"},
      {"timeout_ms", 60000}, {"redial", {{"attempts", 3}, {"backoff_ms", 2000}}}});
  ok("dial_wait_accepted", "dial", with(kDialBase, "wait", "accepted"));
  ok("dial_nulls_are_absent", "dial",
     {{"entry", "Office VPN"}, {"phonebook", nullptr}, {"username", nullptr}, {"password", nullptr},
      {"domain", nullptr}, {"wait", nullptr}, {"timeout_ms", nullptr}, {"redial", nullptr}});
  ok("dial_empty_strings", "dial",
     {{"entry", "Office VPN"}, {"phonebook", ""}, {"username", ""}, {"password", ""}, {"domain", ""}});
  ok("dial_entry_256", "dial", {{"entry", str(256)}});
  ok("dial_entry_256_non_ascii", "dial", {{"entry", str(256, kE)}});
  ok("dial_entry_128_emoji", "dial", {{"entry", str(128, kEmoji)}});
  ok("dial_phonebook_260", "dial", with(kDialBase, "phonebook", str(260)));
  ok("dial_username_256", "dial", with(kDialBase, "username", str(256)));
  ok("dial_password_256", "dial", with(kDialBase, "password", str(256)));
  ok("dial_domain_256", "dial", with(kDialBase, "domain", str(256)));
  ok("dial_timeout_min", "dial", with(kDialBase, "timeout_ms", 1));
  ok("dial_timeout_max", "dial", with(kDialBase, "timeout_ms", 86400000));
  ok("dial_redial_empty", "dial", with(kDialBase, "redial", json::object()));
  ok("dial_redial_limits_low", "dial", with(kDialBase, "redial", {{"attempts", 0}, {"backoff_ms", 100}}));
  ok("dial_redial_limits_high", "dial", with(kDialBase, "redial", {{"attempts", 100}, {"backoff_ms", 3600000}}));
  // missing required
  bad("dial_absent", "dial", nullptr, R"("entry" is required)", "entry");
  bad("dial_empty", "dial", json::object(), R"("entry" is required)", "entry");
  bad("dial_entry_missing", "dial", {{"username", "alice"}, {"password", "hunter2"}}, R"("entry" is required)", "entry");
  bad("dial_entry_null", "dial", {{"entry", nullptr}}, R"("entry" is required)", "entry");
  // mistyped
  bad("dial_params_array", "dial", json::array({"Office VPN"}), "params must be an object");
  bad("dial_params_empty_array", "dial", json::array(), "params must be an object");
  bad("dial_entry_number", "dial", {{"entry", 5}}, R"("entry" must be a string)", "entry");
  bad("dial_entry_object", "dial", {{"entry", {{"name", "x"}}}}, R"("entry" must be a string)", "entry");
  bad("dial_phonebook_bool", "dial", with(kDialBase, "phonebook", true), R"("phonebook" must be a string)", "phonebook");
  bad("dial_username_number", "dial", with(kDialBase, "username", 1), R"("username" must be a string)", "username");
  bad("dial_password_number", "dial", with(kDialBase, "password", 1234), R"("password" must be a string)", "password");
  bad("dial_domain_array", "dial", with(kDialBase, "domain", json::array()), R"("domain" must be a string)", "domain");
  bad("dial_wait_bool", "dial", with(kDialBase, "wait", true), R"("wait" must be a string)", "wait");
  bad("dial_timeout_string", "dial", with(kDialBase, "timeout_ms", "5000"),
      R"("timeout_ms" must be an integer from 1 to 86400000)", "timeout_ms");
  bad("dial_timeout_fraction", "dial", with(kDialBase, "timeout_ms", 1.5),
      R"("timeout_ms" must be an integer from 1 to 86400000)", "timeout_ms");
  bad("dial_redial_string", "dial", with(kDialBase, "redial", "3"), R"("redial" must be an object)", "redial");
  bad("dial_redial_attempts_string", "dial", with(kDialBase, "redial", {{"attempts", "3"}}),
      R"("redial.attempts" must be an integer from 0 to 100)", "redial.attempts");
  bad("dial_redial_backoff_bool", "dial", with(kDialBase, "redial", {{"backoff_ms", true}}),
      R"("redial.backoff_ms" must be an integer from 100 to 3600000)", "redial.backoff_ms");
  // out of range
  bad("dial_entry_empty", "dial", {{"entry", ""}}, R"("entry" must not be empty)", "entry");
  bad("dial_entry_257", "dial", {{"entry", str(257)}}, R"("entry" must be at most 256 characters)", "entry");
  bad("dial_entry_257_non_ascii", "dial", {{"entry", str(257, kE)}}, R"("entry" must be at most 256 characters)",
      "entry");
  bad("dial_entry_129_emoji", "dial", {{"entry", str(129, kEmoji)}}, R"("entry" must be at most 256 characters)",
      "entry");
  bad("dial_entry_nul", "dial", {{"entry", std::string("Office\0VPN", 10)}},
      R"("entry" must not contain NUL characters)", "entry");
  bad("dial_phonebook_261", "dial", with(kDialBase, "phonebook", str(261)),
      R"("phonebook" must be at most 260 characters)", "phonebook");
  bad("dial_phonebook_nul", "dial", with(kDialBase, "phonebook", std::string("a\0b", 3)),
      R"("phonebook" must not contain NUL characters)", "phonebook");
  bad("dial_username_257", "dial", with(kDialBase, "username", str(257)),
      R"("username" must be at most 256 characters)", "username");
  bad("dial_password_257", "dial", with(kDialBase, "password", str(257)),
      R"("password" must be at most 256 characters)", "password");
  bad("dial_password_nul", "dial", with(kDialBase, "password", std::string("a\0b", 3)),
      R"("password" must not contain NUL characters)", "password");
  bad("dial_domain_257", "dial", with(kDialBase, "domain", str(257)), R"("domain" must be at most 256 characters)",
      "domain");
  bad("dial_wait_unknown", "dial", with(kDialBase, "wait", "gone"), R"("wait" must be "accepted" or "connected")",
      "wait");
  bad("dial_timeout_zero", "dial", with(kDialBase, "timeout_ms", 0),
      R"("timeout_ms" must be an integer from 1 to 86400000)", "timeout_ms");
  bad("dial_timeout_negative", "dial", with(kDialBase, "timeout_ms", -5),
      R"("timeout_ms" must be an integer from 1 to 86400000)", "timeout_ms");
  bad("dial_timeout_too_big", "dial", with(kDialBase, "timeout_ms", 86400001),
      R"("timeout_ms" must be an integer from 1 to 86400000)", "timeout_ms");
  bad("dial_timeout_huge", "dial", with(kDialBase, "timeout_ms", 18446744073709551615ULL),
      R"("timeout_ms" must be an integer from 1 to 86400000)", "timeout_ms");
  bad("dial_redial_attempts_101", "dial", with(kDialBase, "redial", {{"attempts", 101}}),
      R"("redial.attempts" must be an integer from 0 to 100)", "redial.attempts");
  bad("dial_redial_attempts_negative", "dial", with(kDialBase, "redial", {{"attempts", -1}}),
      R"("redial.attempts" must be an integer from 0 to 100)", "redial.attempts");
  bad("dial_redial_backoff_99", "dial", with(kDialBase, "redial", {{"backoff_ms", 99}}),
      R"("redial.backoff_ms" must be an integer from 100 to 3600000)", "redial.backoff_ms");
  bad("dial_redial_backoff_too_big", "dial", with(kDialBase, "redial", {{"backoff_ms", 3600001}}),
      R"("redial.backoff_ms" must be an integer from 100 to 3600000)", "redial.backoff_ms");
  // unknown
  bad("dial_unknown", "dial", with(kDialBase, "pasword", "hunter2"), R"(unknown parameter "pasword")", "pasword");
  bad("dial_unknown_reported_first", "dial", {{"entri", "Office VPN"}}, R"(unknown parameter "entri")", "entri");
  bad("dial_redial_unknown", "dial", with(kDialBase, "redial", {{"attempts", 1}, {"max", 5}}),
      R"(unknown parameter "redial.max")", "redial.max");

  // ---- hangup
  ok("hangup_id", "hangup", {{"id", "c1"}});
  ok("hangup_entry", "hangup", {{"entry", "Office VPN"}});
  ok("hangup_all", "hangup", {{"all", true}});
  ok("hangup_wait_issued", "hangup", {{"id", "c1"}, {"wait", "issued"}});
  ok("hangup_wait_gone", "hangup", {{"id", "c1"}, {"wait", "gone"}});
  ok("hangup_wait_gone_timeout", "hangup", {{"entry", "Office VPN"}, {"wait", "gone"}, {"timeout_ms", 30000}});
  ok("hangup_timeout_with_issued_is_ignored", "hangup", {{"id", "c1"}, {"timeout_ms", 5000}});
  ok("hangup_nulls_are_absent", "hangup", {{"id", "c1"}, {"entry", nullptr}, {"all", nullptr}});
  // missing required (the selector)
  bad("hangup_absent", "hangup", nullptr, R"(give exactly one of "id", "entry" or "all")");
  bad("hangup_empty", "hangup", json::object(), R"(give exactly one of "id", "entry" or "all")");
  bad("hangup_only_wait", "hangup", {{"wait", "gone"}}, R"(give exactly one of "id", "entry" or "all")");
  bad("hangup_id_and_entry", "hangup", {{"id", "c1"}, {"entry", "Office VPN"}},
      R"(give exactly one of "id", "entry" or "all")");
  bad("hangup_id_and_all", "hangup", {{"id", "c1"}, {"all", true}}, R"(give exactly one of "id", "entry" or "all")");
  bad("hangup_all_false", "hangup", {{"all", false}}, R"("all" must be true when given)", "all");
  bad("hangup_all_false_with_id", "hangup", {{"id", "c1"}, {"all", false}}, R"("all" must be true when given)", "all");
  // mistyped
  bad("hangup_params_array", "hangup", json::array({"c1"}), "params must be an object");
  bad("hangup_id_number", "hangup", {{"id", 1}}, R"("id" must be a string)", "id");
  bad("hangup_entry_bool", "hangup", {{"entry", false}}, R"("entry" must be a string)", "entry");
  bad("hangup_all_string", "hangup", {{"all", "true"}}, R"("all" must be a boolean)", "all");
  bad("hangup_wait_number", "hangup", {{"id", "c1"}, {"wait", 0}}, R"("wait" must be a string)", "wait");
  bad("hangup_timeout_string", "hangup", {{"id", "c1"}, {"wait", "gone"}, {"timeout_ms", "30s"}},
      R"("timeout_ms" must be an integer from 1 to 86400000)", "timeout_ms");
  // out of range
  bad("hangup_id_empty", "hangup", {{"id", ""}}, R"("id" must not be empty)", "id");
  bad("hangup_id_257", "hangup", {{"id", str(257)}}, R"("id" must be at most 256 characters)", "id");
  bad("hangup_entry_empty", "hangup", {{"entry", ""}}, R"("entry" must not be empty)", "entry");
  bad("hangup_entry_257", "hangup", {{"entry", str(257)}}, R"("entry" must be at most 256 characters)", "entry");
  bad("hangup_wait_unknown", "hangup", {{"id", "c1"}, {"wait", "connected"}}, R"("wait" must be "issued" or "gone")",
      "wait");
  bad("hangup_timeout_zero", "hangup", {{"id", "c1"}, {"wait", "gone"}, {"timeout_ms", 0}},
      R"("timeout_ms" must be an integer from 1 to 86400000)", "timeout_ms");
  bad("hangup_timeout_too_big", "hangup", {{"id", "c1"}, {"wait", "gone"}, {"timeout_ms", 86400001}},
      R"("timeout_ms" must be an integer from 1 to 86400000)", "timeout_ms");
  // unknown
  bad("hangup_unknown", "hangup", {{"id", "c1"}, {"force", true}}, R"(unknown parameter "force")", "force");

  // ---- get
  ok("get_id", "get", {{"id", "c1"}});
  ok("get_entry", "get", {{"entry", "Office VPN"}});
  bad("get_absent", "get", nullptr, R"(give exactly one of "id" or "entry")");
  bad("get_empty", "get", json::object(), R"(give exactly one of "id" or "entry")");
  bad("get_both", "get", {{"id", "c1"}, {"entry", "Office VPN"}}, R"(give exactly one of "id" or "entry")");
  bad("get_params_array", "get", json::array({"c1"}), "params must be an object");
  bad("get_id_number", "get", {{"id", 1}}, R"("id" must be a string)", "id");
  bad("get_entry_array", "get", {{"entry", json::array()}}, R"("entry" must be a string)", "entry");
  bad("get_id_empty", "get", {{"id", ""}}, R"("id" must not be empty)", "id");
  bad("get_entry_257", "get", {{"entry", str(257)}}, R"("entry" must be at most 256 characters)", "entry");
  bad("get_all_is_unknown", "get", {{"all", true}}, R"(unknown parameter "all")", "all");
  bad("get_unknown", "get", {{"id", "c1"}, {"wait", "gone"}}, R"(unknown parameter "wait")", "wait");

  // ---- entries
  ok("entries_absent", "entries", nullptr);
  ok("entries_empty", "entries", json::object());
  ok("entries_phonebook", "entries", {{"phonebook", R"(C:\ProgramData\Microsoft\Network\Connections\Pbk\rasphone.pbk)"}});
  ok("entries_phonebook_empty", "entries", {{"phonebook", ""}});
  ok("entries_phonebook_260", "entries", {{"phonebook", str(260)}});
  bad("entries_params_array", "entries", json::array({"x"}), "params must be an object");
  bad("entries_phonebook_number", "entries", {{"phonebook", 1}}, R"("phonebook" must be a string)", "phonebook");
  bad("entries_phonebook_261", "entries", {{"phonebook", str(261)}}, R"("phonebook" must be at most 260 characters)",
      "phonebook");
  bad("entries_unknown", "entries", {{"phonebok", "x"}}, R"(unknown parameter "phonebok")", "phonebok");
  return c;
}

}  // namespace

class MethodParams : public ::testing::TestWithParam<ParamsCase> {};

TEST_P(MethodParams, Validate) {
  const auto& c = GetParam();
  SCOPED_TRACE(c.method + " " + c.params.dump(-1, ' ', false, json::error_handler_t::replace).substr(0, 200));
  if (c.error.empty()) {
    EXPECT_NO_THROW(validate(c.method, c.params));
    return;
  }
  try {
    validate(c.method, c.params);
    FAIL() << "accepted, expected: " << c.error;
  } catch (const rp::RpcError& e) {
    EXPECT_EQ(e.code(), rp::ErrorCode::invalid_params);
    EXPECT_EQ(std::string(e.what()), c.error);
    if (c.param.empty()) EXPECT_TRUE(e.data().is_null()) << e.data();
    else EXPECT_EQ(e.data(), (json{{"param", c.param}}));
  }
}

INSTANTIATE_TEST_SUITE_P(All, MethodParams, ::testing::ValuesIn(cases()),
                         [](const auto& info) { return info.param.name; });

// ---- parsed values --------------------------------------------------------------------

TEST(Methods, KnownMethods) {
  for (const char* m : {"ping", "status", "dial", "hangup", "list", "get", "entries", "subscribe"}) {
    EXPECT_TRUE(rp::is_known_method(m)) << m;
  }
  EXPECT_FALSE(rp::is_known_method("connection.changed")) << "a notification the server sends, not a method";
  EXPECT_FALSE(rp::is_known_method("PING"));
}

TEST(Methods, DialDefaults) {
  const auto p = rp::parse_dial_params(kDialBase);
  EXPECT_EQ(p.entry, "Office VPN");
  EXPECT_FALSE(p.phonebook);
  EXPECT_FALSE(p.username);
  EXPECT_TRUE(p.password.empty());
  EXPECT_FALSE(p.domain);
  EXPECT_EQ(p.wait, rp::DialWait::accepted);
  EXPECT_FALSE(p.timeout_ms);
  EXPECT_FALSE(p.redial);

  const auto r = rp::parse_dial_params(with(kDialBase, "redial", json::object()));
  ASSERT_TRUE(r.redial);
  EXPECT_EQ(r.redial->attempts, 0u);
  EXPECT_EQ(r.redial->backoff_ms, 5000u);
}

TEST(Methods, DialFull) {
  const auto p = rp::parse_dial_params({{"entry", "Office VPN"},
                                        {"phonebook", "C:\\pbk\\corp.pbk"},
                                        {"username", "alice"},
                                        {"password", "hunter2"},
                                        {"domain", "CONTOSO"},
                                        {"wait", "connected"},
                                        {"timeout_ms", 60000},
                                        {"redial", {{"attempts", 3}, {"backoff_ms", 2000}}}});
  EXPECT_EQ(p.entry, "Office VPN");
  EXPECT_EQ(p.phonebook, "C:\\pbk\\corp.pbk");
  EXPECT_EQ(p.username, "alice");
  EXPECT_EQ(p.password.reveal(), "hunter2");
  EXPECT_EQ(p.domain, "CONTOSO");
  EXPECT_EQ(p.wait, rp::DialWait::connected);
  EXPECT_EQ(p.timeout_ms, 60000u);
  ASSERT_TRUE(p.redial);
  EXPECT_EQ(p.redial->attempts, 3u);
  EXPECT_EQ(p.redial->backoff_ms, 2000u);
}

TEST(Methods, DialParamsRoundTrip) {
  rp::DialParams p;
  p.entry = "Office VPN";
  p.phonebook = "";
  p.username = "alice";
  p.password = rp::Secret(std::string("hunter2"));
  p.domain = "CONTOSO";
  p.wait = rp::DialWait::connected;
  p.timeout_ms = 1;
  p.redial = rp::RedialPolicy{100, 3600000};
  const json j = rp::to_json(p);
  EXPECT_EQ(j["password"], "hunter2") << "the wire request carries the password";
  const auto back = rp::parse_dial_params(j);
  EXPECT_EQ(back.entry, p.entry);
  EXPECT_EQ(back.phonebook, p.phonebook);
  EXPECT_EQ(back.username, p.username);
  EXPECT_EQ(back.password.reveal(), p.password.reveal());
  EXPECT_EQ(back.domain, p.domain);
  EXPECT_EQ(back.wait, p.wait);
  EXPECT_EQ(back.timeout_ms, p.timeout_ms);
  ASSERT_TRUE(back.redial);
  EXPECT_EQ(back.redial->attempts, 100u);
  EXPECT_EQ(back.redial->backoff_ms, 3600000u);

  rp::DialParams minimal;
  minimal.entry = "Office VPN";
  EXPECT_EQ(rp::to_json(minimal), (json{{"entry", "Office VPN"}, {"wait", "accepted"}}))
      << "an empty password is not sent";
}

TEST(Methods, HangupValuesAndRoundTrip) {
  auto p = rp::parse_hangup_params({{"all", true}});
  EXPECT_TRUE(p.target.all);
  EXPECT_FALSE(p.target.id);
  EXPECT_FALSE(p.target.entry);
  EXPECT_EQ(p.wait, rp::HangupWait::issued);
  EXPECT_FALSE(p.timeout_ms);

  p = rp::parse_hangup_params({{"entry", "Office VPN"}, {"wait", "gone"}, {"timeout_ms", 30000}});
  EXPECT_EQ(p.target.entry, "Office VPN");
  EXPECT_EQ(p.wait, rp::HangupWait::gone);
  EXPECT_EQ(p.timeout_ms, 30000u);

  for (const json& j : {json{{"id", "c1"}, {"wait", "issued"}}, json{{"entry", "Office VPN"}, {"wait", "gone"}},
                        json{{"all", true}, {"wait", "gone"}, {"timeout_ms", 5}}}) {
    SCOPED_TRACE(j.dump());
    const auto parsed = rp::parse_hangup_params(j);
    EXPECT_EQ(rp::to_json(parsed), j);
  }
}

TEST(Methods, GetAndEntriesRoundTrip) {
  for (const json& j : {json{{"id", "c1"}}, json{{"entry", "Office VPN"}}}) {
    EXPECT_EQ(rp::to_json(rp::parse_get_params(j)), j);
  }
  const auto s = rp::parse_get_params({{"id", "c3"}});
  EXPECT_EQ(s.id, "c3");
  EXPECT_FALSE(s.entry);
  EXPECT_FALSE(s.all);

  EXPECT_EQ(rp::to_json(rp::parse_entries_params(nullptr)), json::object());
  const json pb = {{"phonebook", "C:\\pbk\\corp.pbk"}};
  EXPECT_EQ(rp::to_json(rp::parse_entries_params(pb)), pb);
  EXPECT_EQ(rp::parse_entries_params(pb).phonebook, "C:\\pbk\\corp.pbk");
}
