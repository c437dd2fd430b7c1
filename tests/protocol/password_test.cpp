// The password must never appear in a response, an error message or a redacted log line;
// the one rule for secret members (secret.hpp) that the service and the client share.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rasbroker/protocol/framing.hpp"
#include "rasbroker/protocol/jsonrpc.hpp"
#include "rasbroker/protocol/methods.hpp"
#include "rasbroker/protocol/secret.hpp"

namespace rp = rasbroker::protocol;
using nlohmann::json;

namespace {

const std::string kPassword = "Quokka-7-Zebra!pw";   // distinctive
const std::string kFragment = "Quokka-7-Zebra";     // must not appear even in part

json dial_params(json extra = json::object()) {
  json p = {{"entry", "Office VPN"}, {"username", "alice"}, {"password", kPassword}};
  for (auto& [k, v] : extra.items()) p[k] = v;
  return p;
}

void expect_clean(const std::string& text) {
  EXPECT_EQ(text.find(kFragment), std::string::npos) << "password leaked into: " << text;
}

// What a server would write back for this line: every response, each serialised.
std::vector<std::string> responses_for(const std::string& line) {
  std::vector<std::string> out;
  const auto in = rp::parse_incoming(line);
  for (const auto& entry : in.entries) {
    if (const auto* error = std::get_if<json>(&entry)) {
      out.push_back(rp::encode_line(*error));
      continue;
    }
    const auto& call = std::get<rp::Call>(entry);
    out.push_back(rp::encode_line(rp::redact(json{{"method", call.method}, {"params", call.params}})));  // log form
    try {
      if (call.method == "dial") {
        const auto p = rp::parse_dial_params(call.params);
        rp::Connection c;
        c.id = "c1";
        c.entry = p.entry;
        out.push_back(rp::encode_line(rp::make_result(call.id, c)));
      } else {
        rp::parse_empty_params(call.params, call.method);
      }
    } catch (const rp::RpcError& e) {
      out.push_back(rp::encode_line(rp::make_error(call.id, e)));
      out.push_back(e.what());
      out.push_back(e.data().dump());
    }
  }
  return out;
}

}  // namespace

TEST(Password, NotInAnyValidationError) {
  const std::vector<json> bad = {
      dial_params({{"entry", ""}}),
      dial_params({{"entry", 5}}),
      dial_params({{"entry", std::string(300, 'e')}}),
      dial_params({{"wait", "soon"}}),
      dial_params({{"timeout_ms", 0}}),
      dial_params({{"redial", {{"attempts", 1000}}}}),
      dial_params({{"redial", {{"bogus", kPassword}}}}),
      dial_params({{"pasword", kPassword}}),
      dial_params({{"domain", kPassword + std::string(300, 'x')}}),
      dial_params({{"password", kPassword + std::string(300, 'x')}}),  // too long
      dial_params({{"password", kPassword + std::string(1, '\0')}}),   // NUL inside
      json{{"entry", "Office VPN"}, {"password", json::array({kPassword})}},  // mistyped
      json{{"password", kPassword}},                                           // entry missing
      json::array({"Office VPN", kPassword}),                                  // positional
  };
  for (const auto& params : bad) {
    SCOPED_TRACE(rp::redact(params).dump());
    try {
      (void)rp::parse_dial_params(params);
      ADD_FAILURE() << "accepted";
    } catch (const rp::RpcError& e) {
      expect_clean(e.what());
      expect_clean(e.data().dump());
      expect_clean(rp::encode_line(rp::make_error(1, e)));
    }
  }
}

TEST(Password, NotInAnyResponseToAWholeLine) {
  const std::string good = rp::encode_line(rp::make_request(1, "dial", dial_params()));
  const std::vector<std::string> lines = {
      good.substr(0, good.size() - 1),                                                          // valid dial
      rp::encode_line(rp::make_request(2, "dial", dial_params({{"wait", 1}}))),                  // invalid params
      rp::encode_line(rp::make_request(3, "ping", dial_params())),                               // wrong method
      R"({"jsonrpc":"2.0","id":4,"method":"dial","params":{"password":")" + kPassword + R"("},"x":1})",  // bad envelope
      R"({"jsonrpc":"2.0","id":5,"method":"dial","params":{"password":")" + kPassword,           // truncated JSON
      R"({"jsonrpc":"2.0","id":6,"method":"dial","params":{"password":")" + kPassword + "\xff\"}}",  // bad UTF-8
      R"({"jsonrpc":"2.0","id":7,"method":"dial","params":{"password":)" + kPassword + "}}",     // unquoted
      R"([{"jsonrpc":"2.0","id":9,"method":"dial","params":{"entry":"Office VPN","password":")" + kPassword +
          R"("}},{"jsonrpc":"2.0","method":"dial","params":{"entry":"","password":")" + kPassword + R"("}}])",
  };
  for (const auto& line : lines) {
    SCOPED_TRACE(line.substr(0, 40));
    const auto out = responses_for(line);
    EXPECT_FALSE(out.empty());
    for (const auto& text : out) expect_clean(text);
  }
}

TEST(Password, RedactedLogForms) {
  const json request = rp::make_request(1, "dial", dial_params());
  expect_clean(rp::redact(request).dump());
  expect_clean(rp::encode_line(rp::redact(request)));
  EXPECT_EQ(rp::redact(request)["params"]["password"], "***");
  expect_clean(rp::redact(json::array({request, request})).dump());

  rp::DialParams p = rp::parse_dial_params(dial_params());
  EXPECT_EQ(p.password.reveal(), kPassword);
  const json wire = rp::to_json(p);
  EXPECT_EQ(wire["password"], kPassword) << "the client's request must carry it";
  expect_clean(rp::redact(wire).dump());
  expect_clean(rp::redact(rp::make_request(2, "dial", wire)).dump());
}

TEST(Password, ResultsNeverCarryIt) {
  const auto p = rp::parse_dial_params(dial_params({{"wait", "connected"}}));
  rp::Connection c;
  c.id = "c1";
  c.entry = p.entry;
  c.state = rp::ConnectionState::connected;
  c.owner = rp::Owner{77, "alice"};
  expect_clean(rp::encode_line(rp::make_result(1, c)));
  expect_clean(rp::encode_line(rp::make_connection_changed(c)));
  rp::ConnectionList list;
  list.connections = {c};
  expect_clean(rp::to_json(list).dump());
}

TEST(Password, SecretIsWipedAndParamsCanBeWiped) {
  json params = dial_params();
  auto p = rp::parse_dial_params(params);
  rp::wipe_secrets(params);  // the server's copy of the request
  expect_clean(params.dump());
  EXPECT_EQ(p.password.reveal(), kPassword);
  auto moved = std::move(p);
  EXPECT_TRUE(p.password.empty());  // NOLINT(bugprone-use-after-move)
  moved.password.clear();
  EXPECT_TRUE(moved.password.empty());
}

// ---- the secret-member rule: redaction and wiping -------------------------------------

TEST(Password, RedactReplacesPasswordsAtAnyDepth) {
  const json message = {
      {"jsonrpc", "2.0"},
      {"id", 1},
      {"method", "dial"},
      {"params",
       {{"entry", "Office VPN"},
        {"password", "s3cret"},
        {"nested", {{"password", 17}, {"list", json::array({{{"password", "x"}, {"keep", "y"}}, "password"})}}}}}};
  const json redacted = rp::redact(message);
  EXPECT_EQ(redacted["params"]["password"], "***");
  EXPECT_EQ(redacted["params"]["nested"]["password"], "***");
  EXPECT_EQ(redacted["params"]["nested"]["list"][0]["password"], "***");
  EXPECT_EQ(redacted["params"]["nested"]["list"][0]["keep"], "y");
  EXPECT_EQ(redacted["params"]["nested"]["list"][1], "password") << "only member names count";
  EXPECT_EQ(redacted["params"]["entry"], "Office VPN");
  EXPECT_EQ(message["params"]["password"], "s3cret") << "the original is untouched";

  const json batch = json::array({message, message});
  const json redacted_batch = rp::redact(batch);
  EXPECT_EQ(redacted_batch[1]["params"]["password"], "***");
  EXPECT_EQ(rp::redact(json("password")), json("password"));
}

TEST(Password, RedactCoversMisspeltAndRenamedPasswords) {
  auto j = nlohmann::json::parse(R"({"params":{"pasword":"a1","Passwd":"a2","pwd":"a3","client_secret":"a4","entry":"Office VPN"}})");
  auto r = rasbroker::protocol::redact(j);
  for (const char* k : {"pasword", "Passwd", "pwd", "client_secret"}) EXPECT_EQ(r["params"][k], "***") << k;
  EXPECT_EQ(r["params"]["entry"], "Office VPN");
}

TEST(Password, SecretMemberNames) {
  for (const char* name : {"password", "Password", "PASSWORD", "pasword", "Passwd", "passphrase", "pwd", "PWD",
                           "user_pwd", "client_secret", "Secret", "old-password"}) {
    EXPECT_TRUE(rp::is_secret_member(name)) << name;
  }
  for (const char* name : {"entry", "username", "domain", "phonebook", "wait", "timeout_ms", "redial", "id", "",
                           "pas", "pw", "secre"}) {
    EXPECT_FALSE(rp::is_secret_member(name)) << name;
  }
}

TEST(Password, WipeSecretsInPlace) {
  json params = {{"entry", "Office VPN"}, {"password", "s3cret-long-enough-to-be-on-the-heap"}, {"x", {{"password", "p"}}}};
  rp::wipe_secrets(params);
  EXPECT_EQ(params["password"], "");
  EXPECT_EQ(params["x"]["password"], "");
  EXPECT_EQ(params["entry"], "Office VPN");

  // (was the client's own scrub_passwords test: the client now wipes with this rule)
  json request = {{"password", "a"}, {"nested", {{"password", "b"}, {"list", {{{"password", "c"}}}}}}, {"other", "d"}};
  rp::wipe_secrets(request);
  EXPECT_EQ(request,
            (json{{"password", ""}, {"nested", {{"password", ""}, {"list", {{{"password", ""}}}}}}, {"other", "d"}}));
}

// The client used to wipe only members named exactly "password" whose value is a string,
// the service only string values: a member named otherwise, or a mistyped value, kept
// its bytes.
TEST(Password, WipeSecretsCoversEveryNameAndEveryValueShape) {
  json params = {{"entry", "Office VPN"},
                 {"Password", kPassword},
                 {"auth", {{"pwd", kPassword}, {"user", "alice"}}},
                 {"passwords", json::array({kPassword, kPassword})},
                 {"client_secret", {{"value", kPassword}, {"more", json::array({kPassword})}}}};
  rp::wipe_secrets(params);
  expect_clean(params.dump());
  EXPECT_EQ(params["Password"], "");
  EXPECT_EQ(params["auth"]["pwd"], "");
  EXPECT_EQ(params["auth"]["user"], "alice");
  EXPECT_EQ(params["passwords"], json::array({"", ""}));
  EXPECT_EQ(params["client_secret"]["more"], json::array({""}));
  EXPECT_EQ(params["entry"], "Office VPN");
}

TEST(Password, RedactWipesAndHidesEveryValueShape) {
  const json params = {{"Password", kPassword}, {"list", json::array({{{"pwd", json::array({kPassword})}}})}};
  const json redacted = rp::redact(params);
  expect_clean(redacted.dump());
  EXPECT_EQ(redacted["Password"], "***");
  EXPECT_EQ(redacted["list"][0]["pwd"], "***");
  EXPECT_EQ(params["Password"], kPassword) << "the original is untouched";
}
