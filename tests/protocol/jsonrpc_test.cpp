#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "rasbroker/protocol/framing.hpp"
#include "rasbroker/protocol/jsonrpc.hpp"

namespace rp = rasbroker::protocol;
using nlohmann::json;

namespace {

const rp::Call& call_at(const rp::Incoming& in, std::size_t i) {
  const auto* c = std::get_if<rp::Call>(&in.entries.at(i));
  if (c == nullptr) throw std::runtime_error("entry " + std::to_string(i) + " is an error: " + std::get<json>(in.entries.at(i)).dump());
  return *c;
}

const json& error_at(const rp::Incoming& in, std::size_t i) {
  const auto* e = std::get_if<json>(&in.entries.at(i));
  if (e == nullptr) throw std::runtime_error("entry " + std::to_string(i) + " is a call");
  return *e;
}

}  // namespace

// ---- valid envelopes ------------------------------------------------------------------

TEST(JsonRpc, RequestWithEveryKindOfId) {
  const std::vector<std::pair<std::string, json>> ids = {
      {R"("abc")", "abc"}, {"1", 1}, {"-7", -7}, {"0", 0}, {"18446744073709551615", 18446744073709551615ULL},
      {"null", nullptr}, {R"("")", ""}};
  for (const auto& [text, id] : ids) {
    SCOPED_TRACE(text);
    const auto in = rp::parse_incoming(R"({"jsonrpc":"2.0","method":"get","params":{"id":"c1"},"id":)" + text + "}");
    EXPECT_FALSE(in.batch);
    ASSERT_EQ(in.entries.size(), 1u);
    const auto& call = call_at(in, 0);
    EXPECT_FALSE(call.notification);
    EXPECT_EQ(call.id, id);
    EXPECT_EQ(call.method, "get");
    EXPECT_EQ(call.params, (json{{"id", "c1"}}));
  }
}

TEST(JsonRpc, ParamsAbsentObjectOrArray) {
  auto in = rp::parse_incoming(R"({"jsonrpc":"2.0","method":"ping","id":1})");
  EXPECT_TRUE(call_at(in, 0).params.is_null());
  in = rp::parse_incoming(R"({"jsonrpc":"2.0","method":"ping","params":{},"id":1})");
  EXPECT_EQ(call_at(in, 0).params, json::object());
  in = rp::parse_incoming(R"({"jsonrpc":"2.0","method":"ping","params":[],"id":1})");
  EXPECT_EQ(call_at(in, 0).params, json::array());
}

TEST(JsonRpc, NotificationHasNoId) {
  const auto in = rp::parse_incoming(R"({"jsonrpc":"2.0","method":"subscribe"})");
  ASSERT_EQ(in.entries.size(), 1u);
  const auto& call = call_at(in, 0);
  EXPECT_TRUE(call.notification);
  EXPECT_TRUE(call.id.is_null());
  EXPECT_EQ(call.method, "subscribe");
}

TEST(JsonRpc, NullIdIsARequestNotANotification) {
  const auto in = rp::parse_incoming(R"({"jsonrpc":"2.0","method":"ping","id":null})");
  EXPECT_FALSE(call_at(in, 0).notification);
}

TEST(JsonRpc, WhitespaceAndMemberOrderDoNotMatter) {
  const auto in = rp::parse_incoming(R"(  { "id" : 5 , "params" : [ ] , "method" : "ping" , "jsonrpc" : "2.0" }  )");
  EXPECT_EQ(call_at(in, 0).id, 5);
}

// ---- invalid input: one table ---------------------------------------------------------

struct BadLine {
  const char* name;
  std::string line;
  int code;
  json id;
  std::string message_part;
};

void PrintTo(const BadLine& c, std::ostream* os) { *os << c.name; }

class JsonRpcInvalid : public ::testing::TestWithParam<BadLine> {};

TEST_P(JsonRpcInvalid, AnswersWithTheRightError) {
  const auto& c = GetParam();
  const auto in = rp::parse_incoming(c.line);
  EXPECT_FALSE(in.batch);
  ASSERT_EQ(in.entries.size(), 1u);
  const auto& response = error_at(in, 0);
  EXPECT_EQ(response["jsonrpc"], "2.0");
  EXPECT_EQ(response["id"], c.id);
  EXPECT_EQ(response["error"]["code"], c.code);
  EXPECT_NE(response["error"]["message"].get<std::string>().find(c.message_part), std::string::npos)
      << response["error"]["message"];
  EXPECT_NO_THROW((void)rp::encode_line(response));
}

const std::string kDeep = std::string(65, '[') + std::string(65, ']');
const std::string kDeepOk = std::string(63, '[') + std::string(63, ']');

INSTANTIATE_TEST_SUITE_P(
    Lines, JsonRpcInvalid,
    ::testing::Values(
        // -32700: not JSON, or not UTF-8
        BadLine{"truncated", R"({"jsonrpc":"2.0","method":"ping","id":1)", -32700, nullptr, "Parse error"},
        BadLine{"garbage", "hello", -32700, nullptr, "Parse error"},
        BadLine{"trailing_garbage", R"({"jsonrpc":"2.0","method":"ping","id":1} x)", -32700, nullptr, "Parse error"},
        BadLine{"two_messages", R"({"jsonrpc":"2.0","method":"ping"}{"jsonrpc":"2.0","method":"ping"})", -32700,
                nullptr, "Parse error"},
        BadLine{"invalid_utf8_in_string", "{\"jsonrpc\":\"2.0\",\"method\":\"\xc3\x28\",\"id\":1}", -32700, nullptr,
                "invalid UTF-8"},
        BadLine{"lone_continuation_byte", "{\"jsonrpc\":\"2.0\",\"method\":\"\x80\",\"id\":1}", -32700, nullptr,
                "Parse error"},
        BadLine{"overlong_encoding", "{\"jsonrpc\":\"2.0\",\"method\":\"\xc0\xaf\",\"id\":1}", -32700, nullptr,
                "Parse error"},
        BadLine{"surrogate_encoded_in_utf8", "{\"jsonrpc\":\"2.0\",\"method\":\"\xed\xa0\x80\",\"id\":1}", -32700,
                nullptr, "Parse error"},
        BadLine{"raw_byte_outside_string", "{\"jsonrpc\":\"2.0\",\xff\"method\":\"ping\"}", -32700, nullptr,
                "Parse error"},
        BadLine{"single_quotes", "{'jsonrpc':'2.0'}", -32700, nullptr, "Parse error"},
        BadLine{"number_overflow", R"({"jsonrpc":"2.0","method":"ping","id":1e999})", -32700, nullptr, "Parse error"},
        BadLine{"empty", "", -32700, nullptr, "Parse error"},
        // -32600: JSON, but not a request
        BadLine{"number", "42", -32600, nullptr, "expected a JSON object"},
        BadLine{"string", R"("ping")", -32600, nullptr, "expected a JSON object"},
        BadLine{"null", "null", -32600, nullptr, "expected a JSON object"},
        BadLine{"empty_batch", "[]", -32600, nullptr, "empty batch"},
        BadLine{"missing_jsonrpc", R"({"method":"ping","id":1})", -32600, 1, R"("jsonrpc" must be "2.0")"},
        BadLine{"jsonrpc_1_0", R"({"jsonrpc":"1.0","method":"ping","id":1})", -32600, 1, R"("jsonrpc" must be "2.0")"},
        BadLine{"jsonrpc_number", R"({"jsonrpc":2.0,"method":"ping","id":"x"})", -32600, "x",
                R"("jsonrpc" must be "2.0")"},
        BadLine{"missing_method", R"({"jsonrpc":"2.0","id":1})", -32600, 1, R"("method" is required)"},
        BadLine{"method_number", R"({"jsonrpc":"2.0","method":5,"id":1})", -32600, 1, R"("method" must be a string)"},
        BadLine{"method_null", R"({"jsonrpc":"2.0","method":null,"id":1})", -32600, 1, R"("method" must be a string)"},
        BadLine{"params_string", R"({"jsonrpc":"2.0","method":"ping","params":"x","id":1})", -32600, 1,
                R"("params" must be an object or an array)"},
        BadLine{"params_number", R"({"jsonrpc":"2.0","method":"ping","params":3,"id":1})", -32600, 1,
                R"("params" must be an object or an array)"},
        BadLine{"params_null", R"({"jsonrpc":"2.0","method":"ping","params":null,"id":1})", -32600, 1,
                R"("params" must be an object or an array)"},
        BadLine{"id_fraction", R"({"jsonrpc":"2.0","method":"ping","id":1.5})", -32600, nullptr,
                R"("id" must be a string, an integer or null)"},
        BadLine{"id_float_exponent", R"({"jsonrpc":"2.0","method":"ping","id":1e3})", -32600, nullptr,
                R"("id" must be)"},
        BadLine{"id_object", R"({"jsonrpc":"2.0","method":"ping","id":{"a":1}})", -32600, nullptr, R"("id" must be)"},
        BadLine{"id_array", R"({"jsonrpc":"2.0","method":"ping","id":[1]})", -32600, nullptr, R"("id" must be)"},
        BadLine{"id_bool", R"({"jsonrpc":"2.0","method":"ping","id":true})", -32600, nullptr, R"("id" must be)"},
        BadLine{"unknown_member", R"({"jsonrpc":"2.0","method":"ping","id":9,"extra":1})", -32600, 9,
                R"(unknown member "extra")"},
        BadLine{"unknown_member_notification", R"({"jsonrpc":"2.0","method":"ping","result":1})", -32600, nullptr,
                R"(unknown member "result")"},
        BadLine{"invalid_without_id_is_answered", R"({"jsonrpc":"2.0","method":5})", -32600, nullptr,
                R"("method" must be a string)"},
        BadLine{"too_deep", R"({"jsonrpc":"2.0","method":"ping","params":)" + kDeep + "}", -32600, nullptr,
                "nested deeper than 64"},
        BadLine{"too_deep_bare", kDeep, -32600, nullptr, "nested deeper than 64"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(JsonRpc, ModerateNestingIsFine) {
  const auto in = rp::parse_incoming(R"({"jsonrpc":"2.0","method":"ping","params":)" + kDeepOk + "}");
  EXPECT_TRUE(std::holds_alternative<rp::Call>(in.entries.at(0)));
  // brackets inside strings do not count
  const auto in2 = rp::parse_incoming(R"({"jsonrpc":"2.0","method":")" + kDeep + R"("})");
  EXPECT_EQ(call_at(in2, 0).method, kDeep);
}

// A 64 KiB line can nest 32k levels: it must be refused, not crash the stack (also on
// Windows, where the main thread has 1 MiB).
TEST(JsonRpc, VeryDeepNestingIsRefusedSafely) {
  const std::string deep_arrays = std::string(30000, '[') + std::string(30000, ']');
  EXPECT_EQ(error_at(rp::parse_incoming(deep_arrays), 0)["error"]["code"], -32600);
  std::string deep_objects;
  for (int i = 0; i < 10000; ++i) deep_objects += R"({"a":)";
  deep_objects += "1" + std::string(10000, '}');
  EXPECT_EQ(error_at(rp::parse_incoming(deep_objects), 0)["error"]["code"], -32600);
  EXPECT_EQ(error_at(rp::parse_incoming(std::string(60000, '[')), 0)["error"]["code"], -32700);
}

TEST(JsonRpc, UnknownMemberNameIsQuotedAndShortened) {
  const std::string name(500, 'k');
  const auto in = rp::parse_incoming(R"({"jsonrpc":"2.0","method":"ping","id":1,")" + name + R"(":0})");
  const std::string message = error_at(in, 0)["error"]["message"];
  EXPECT_LT(message.size(), 150u);
  EXPECT_NE(message.find("\"kkkk"), std::string::npos);
}

// ---- batches --------------------------------------------------------------------------

TEST(JsonRpc, BatchMixesCallsAndErrorsInOrder) {
  const auto in = rp::parse_incoming(R"([
      {"jsonrpc":"2.0","method":"ping","id":1},
      5,
      {"jsonrpc":"2.0","method":"list"},
      {"jsonrpc":"2.0","method":"get","id":"x","bogus":true},
      [],
      {"jsonrpc":"2.0","method":"status","id":1.5},
      {"jsonrpc":"2.0","method":"get","params":{"id":"c1"},"id":"y"}
  ])");
  EXPECT_TRUE(in.batch);
  ASSERT_EQ(in.entries.size(), 7u);
  EXPECT_EQ(call_at(in, 0).method, "ping");
  EXPECT_EQ(error_at(in, 1)["error"]["code"], -32600);
  EXPECT_TRUE(error_at(in, 1)["id"].is_null());
  EXPECT_TRUE(call_at(in, 2).notification);
  EXPECT_EQ(error_at(in, 3)["id"], "x");
  EXPECT_EQ(error_at(in, 3)["error"]["code"], -32600);
  EXPECT_EQ(error_at(in, 4)["error"]["code"], -32600) << "an array inside a batch is not a request";
  EXPECT_TRUE(error_at(in, 5)["id"].is_null());
  EXPECT_EQ(call_at(in, 6).id, "y");
}

TEST(JsonRpc, BatchOfInvalidScalars) {
  const auto in = rp::parse_incoming("[1,2,3]");
  EXPECT_TRUE(in.batch);
  ASSERT_EQ(in.entries.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(error_at(in, i)["error"]["code"], -32600);
    EXPECT_TRUE(error_at(in, i)["id"].is_null());
  }
}

TEST(JsonRpc, BatchOfNotificationsOnly) {
  const auto in = rp::parse_incoming(R"([{"jsonrpc":"2.0","method":"subscribe"},{"jsonrpc":"2.0","method":"ping"}])");
  EXPECT_TRUE(in.batch);
  ASSERT_EQ(in.entries.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) EXPECT_TRUE(call_at(in, i).notification);
}

TEST(JsonRpc, SingleElementBatchIsStillABatch) {
  const auto in = rp::parse_incoming(R"([{"jsonrpc":"2.0","method":"ping","id":1}])");
  EXPECT_TRUE(in.batch);
  EXPECT_EQ(in.entries.size(), 1u);
}

// ---- building messages ----------------------------------------------------------------

TEST(JsonRpc, MakeResultAndError) {
  EXPECT_EQ(rp::make_result(3, {{"pong", true}}),
            (json{{"jsonrpc", "2.0"}, {"id", 3}, {"result", {{"pong", true}}}}));
  EXPECT_EQ(rp::make_result("abc", nullptr), (json{{"jsonrpc", "2.0"}, {"id", "abc"}, {"result", nullptr}}));
  const rp::RpcError e(rp::ErrorCode::not_found, R"(no connection "c9")");
  EXPECT_EQ(rp::make_error(nullptr, e),
            (json{{"jsonrpc", "2.0"}, {"id", nullptr}, {"error", {{"code", 1}, {"message", R"(no connection "c9")"}}}}));
}

TEST(JsonRpc, MakeRequestAndNotification) {
  EXPECT_EQ(rp::make_request(12, "get", {{"id", "c1"}}),
            (json{{"jsonrpc", "2.0"}, {"id", 12}, {"method", "get"}, {"params", {{"id", "c1"}}}}));
  EXPECT_EQ(rp::make_request("r-1", "ping", nullptr), (json{{"jsonrpc", "2.0"}, {"id", "r-1"}, {"method", "ping"}}))
      << "null params are left out: \"params\": null is not valid JSON-RPC";
  EXPECT_EQ(rp::make_notification("connection.changed", {{"connection", {{"id", "c1"}}}}),
            (json{{"jsonrpc", "2.0"}, {"method", "connection.changed"}, {"params", {{"connection", {{"id", "c1"}}}}}}));
  EXPECT_FALSE(rp::make_notification("ping", nullptr).contains("id"));
  EXPECT_FALSE(rp::make_notification("ping", nullptr).contains("params"));
}

TEST(JsonRpc, BuiltMessagesParseBack) {
  for (const json& params : {json(nullptr), json::object(), json::array(), json{{"entry", "Office VPN"}}}) {
    SCOPED_TRACE(params.dump());
    auto line = rp::encode_line(rp::make_request(41, "dial", params));
    line.pop_back();
    const auto in = rp::parse_incoming(line);
    const auto& call = call_at(in, 0);
    EXPECT_EQ(call.id, 41);
    EXPECT_EQ(call.method, "dial");
    EXPECT_EQ(call.params, params);

    line = rp::encode_line(rp::make_notification("subscribe", params));
    line.pop_back();
    EXPECT_TRUE(call_at(rp::parse_incoming(line), 0).notification);
  }
}

// ---- limits the hostile-input review asked for ------------------------------------------

TEST(JsonRpc, ANulByteAnywhereIsAParseErrorAndNothingOfTheLineRuns) {
  // nlohmann stops at a NUL as at the end of input: the ping before it used to be
  // answered and the rest dropped without a word.
  const std::string line = std::string(R"({"jsonrpc":"2.0","id":1,"method":"ping"})") + '\0' + R"({"x":1})";
  const auto in = rp::parse_incoming(line);
  ASSERT_EQ(in.entries.size(), 1u);
  EXPECT_FALSE(in.batch);
  const json& e = error_at(in, 0);
  EXPECT_EQ(e["error"]["code"], -32700);
  EXPECT_EQ(e["id"], nullptr);
  EXPECT_EQ(e["error"]["message"], "Parse error: a NUL byte at byte 40; JSON text cannot hold one");
  EXPECT_EQ(error_at(rp::parse_incoming(std::string("\0", 1)), 0)["error"]["code"], -32700);
}

TEST(JsonRpc, ABatchAtTheMaximumRunsAndOneOverIsRefusedWhole) {
  auto batch_of = [](std::size_t n) {
    json b = json::array();
    for (std::size_t i = 0; i < n; ++i) b.push_back({{"jsonrpc", "2.0"}, {"id", i}, {"method", "ping"}});
    return b.dump();
  };
  const auto at_max = rp::parse_incoming(batch_of(rp::kMaxBatchCalls));
  EXPECT_TRUE(at_max.batch);
  EXPECT_EQ(at_max.entries.size(), rp::kMaxBatchCalls);
  EXPECT_EQ(call_at(at_max, rp::kMaxBatchCalls - 1).id, rp::kMaxBatchCalls - 1);

  const auto over = rp::parse_incoming(batch_of(rp::kMaxBatchCalls + 1));
  EXPECT_FALSE(over.batch);
  ASSERT_EQ(over.entries.size(), 1u);
  EXPECT_EQ(error_at(over, 0)["error"]["code"], -32600);
  EXPECT_EQ(error_at(over, 0)["error"]["message"],
            "Invalid Request: a batch holds at most 100 calls; this one holds 101, and none of them was run");
  // Elements that are not even calls count too: [1,1,1,...] is refused in one answer.
  std::string ones = "[1";
  for (int i = 1; i < 30000; ++i) ones += ",1";
  EXPECT_EQ(rp::parse_incoming(ones + "]").entries.size(), 1u);
}
