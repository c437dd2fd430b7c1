// ipc::AnswerLine: the answer line to one request line, within the answer-size limit.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ipc/answer_line.hpp"
#include "rasbroker/protocol/errors.hpp"
#include "rasbroker/protocol/framing.hpp"
#include "rasbroker/protocol/jsonrpc.hpp"

namespace rasbroker::ipc {
namespace {

using nlohmann::json;

json result_of_size(int id, std::size_t pad) { return protocol::make_result(id, {{"pad", std::string(pad, 'x')}}); }
std::size_t line_bytes(const json& message) { return protocol::encode_line(message).size() - 1; }

TEST(AnswerLine, ASingleAnswerUpToTheLimitIsSentAsEncoded) {
  const json answer = result_of_size(1, 1000);
  AnswerLine line(false, line_bytes(answer));
  line.add(answer);
  EXPECT_FALSE(line.replaced());
  EXPECT_EQ(line.take(), protocol::encode_line(answer));
}

TEST(AnswerLine, ASingleAnswerOneByteOverIsResponseTooLargeWithItsId) {
  const json answer = result_of_size(42, 1000);
  AnswerLine line(false, line_bytes(answer) - 1);
  line.add(answer);
  EXPECT_TRUE(line.replaced());
  EXPECT_EQ(line.full_bytes(), line_bytes(answer));
  const json error = json::parse(line.take());
  EXPECT_EQ(error["id"], 42);
  EXPECT_EQ(error["error"]["code"], static_cast<int>(protocol::ErrorCode::response_too_large));
  EXPECT_EQ(error["error"]["data"]["answer_bytes"], line_bytes(answer));
}

TEST(AnswerLine, ABatchIsTheSameBytesAsTheEncodedArrayUpToTheLimit) {
  const json batch = json::array({result_of_size(1, 10), protocol::make_error("x", protocol::RpcError(
                                                                                     protocol::ErrorCode::not_found, "no")),
                                  result_of_size(3, 500)});
  AnswerLine line(true, line_bytes(batch));
  for (const auto& answer : batch) line.add(answer);
  EXPECT_EQ(line.full_bytes(), line_bytes(batch));
  EXPECT_FALSE(line.replaced());
  EXPECT_EQ(line.take(), protocol::encode_line(batch));

  AnswerLine over(true, line_bytes(batch) - 1);
  for (const auto& answer : batch) over.add(answer);
  EXPECT_TRUE(over.replaced());
  const json error = json::parse(over.take());
  EXPECT_TRUE(error["id"].is_null());
  EXPECT_EQ(error["error"]["code"], static_cast<int>(protocol::ErrorCode::response_too_large));
  EXPECT_EQ(error["error"]["data"]["answer_bytes"], line_bytes(batch));
}

// 100 calls of 200 KB each against a 1 MB limit: the answers stop being kept once over.
TEST(AnswerLine, ABatchOverTheLimitStopsHoldingItsAnswers) {
  constexpr std::size_t kLimit = 1'000'000;
  AnswerLine line(true, kLimit);
  std::size_t most_held = 0;
  for (int id = 1; id <= 100; ++id) {
    line.add(result_of_size(id, 200'000));
    most_held = std::max(most_held, line.held_bytes());
  }
  EXPECT_LE(most_held, 2 * kLimit);
  EXPECT_LE(line.held_bytes(), 1024u) << "nothing kept once over the limit";
  EXPECT_GT(line.full_bytes(), 100 * 200'000u);
  EXPECT_NE(json::parse(line.take())["error"]["message"].get<std::string>().find("batch (100)"), std::string::npos);
}

// A result already encoded (a connection list, json_text.hpp) goes into the line as it is:
// the same bytes as the json response, alone or in a batch, and the same bound.
RawResult raw_of_size(const json& id, std::size_t pad) {
  return RawResult{id, protocol::RawJson{json{{"pad", std::string(pad, 'x')}}.dump()}};
}

TEST(AnswerLine, ARawResultIsTheSameBytesAsItsJsonResponse) {
  for (const json& id : {json(1), json("a\"b\xc3"), json(nullptr)}) {
    AnswerLine raw(false, 1 << 20), tree(false, 1 << 20);
    raw.add(Response(raw_of_size(id, 100)));
    tree.add(protocol::make_result(id, {{"pad", std::string(100, 'x')}}));
    EXPECT_EQ(raw.take(), tree.take());
  }
  AnswerLine raw(true, 1 << 20), tree(true, 1 << 20);
  raw.add(raw_of_size(1, 10));
  raw.add(result_of_size(2, 20));
  raw.add(raw_of_size(3, 30));
  for (int id : {1, 2, 3}) tree.add(result_of_size(id, id * 10));
  EXPECT_EQ(raw.take(), tree.take());
}

TEST(AnswerLine, ARawResultOverTheLimitIsResponseTooLargeWithItsId) {
  const json tree = result_of_size(9, 1000);
  AnswerLine line(false, line_bytes(tree) - 1);
  line.add(raw_of_size(9, 1000));
  EXPECT_TRUE(line.replaced());
  EXPECT_EQ(line.full_bytes(), line_bytes(tree));
  const json error = json::parse(line.take());
  EXPECT_EQ(error["id"], 9);
  EXPECT_EQ(error["error"]["code"], static_cast<int>(protocol::ErrorCode::response_too_large));

  AnswerLine batch(true, 2 * line_bytes(tree));
  for (int i = 0; i < 3; ++i) batch.add(raw_of_size(i, 1000));
  EXPECT_TRUE(batch.replaced());
  EXPECT_TRUE(json::parse(batch.take())["id"].is_null());
}

TEST(AnswerLine, NothingToSendForNotificationsOnly) {
  AnswerLine line(true, 1000);
  EXPECT_TRUE(line.empty());
  EXPECT_EQ(line.take(), "");
}

}  // namespace
}  // namespace rasbroker::ipc
