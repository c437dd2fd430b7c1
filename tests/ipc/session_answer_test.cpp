// Large answers (service/ipc/session.hpp, answer_line.hpp): the outbox limit is for
// clients that stop reading, never for what one answer weighs. An answer up to the
// answer-size limit goes out whole to a client that reads; a longer one is replaced by
// `response_too_large`; a client that takes nothing while its outbox is over the limit is
// disconnected.
#include "session_fixture.hpp"

namespace rasbroker::testing {
namespace {

constexpr int kEntries = 200;

class LargeAnswerTest : public SessionTest {
 protected:
  // 200 entries with 200-character names: one `entries` answer is some 50 KB.
  json scenario() const override {
    json entries = json::array();
    for (int i = 0; i < kEntries; ++i) entries.push_back({{"name", entry_name(i)}});
    return {{"entries", entries}};
  }
  static std::string entry_name(int i) {
    std::string name = "Entry " + std::to_string(i) + " ";
    name.resize(200, 'x');
    return name;
  }
  static std::string entries_call(int id) {
    return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"method":"entries"})";
  }
  static std::string batch_of_entries(int calls, const std::string& first = "") {
    std::string batch = "[" + first;
    for (int i = 1; i <= calls; ++i) batch += (i == 1 && first.empty() ? "" : ",") + entries_call(i);
    return batch + "]\n";
  }
  void expect_served_afterwards(Socket& c) {
    send(c, ping(99));
    const auto r = receive_lines(c, 1);
    ASSERT_EQ(r.lines.size(), 1u);
    EXPECT_EQ(r.lines[0]["result"]["pong"], true);
    EXPECT_FALSE(r.closed);
  }
};

// The issue's case: a batch whose answer is larger than the whole outbox limit (4 MiB).
TEST_F(LargeAnswerTest, ABatchAnswerLargerThanTheOutboxGoesOutWholeToAReadingClient) {
  Socket& c = connect({}, {}, /*service_send_buffer=*/64 * 1024);
  send(c, batch_of_entries(100));
  std::string text;
  for (int round = 0; round < 100000 && text.find('\n') == std::string::npos; ++round) {
    settle();
    ASSERT_TRUE(read_available(c, text)) << "disconnected after " << text.size() << " bytes: " << log_text_.str();
  }
  EXPECT_GT(text.size(), ipc::SessionLimits{}.max_outbox_bytes);
  const json answer = json::parse(text);
  ASSERT_TRUE(answer.is_array());
  ASSERT_EQ(answer.size(), 100u);
  EXPECT_EQ(answer[99]["id"], 100);
  EXPECT_EQ(answer[99]["result"]["entries"].size(), static_cast<std::size_t>(kEntries));
  EXPECT_EQ(log_count("is not reading"), 0u) << log_text_.str();
  expect_served_afterwards(c);
}

// Backpressure: requests sent ahead wait for the answers before them; none is lost.
TEST_F(LargeAnswerTest, AClientThatPipelinesRequestsAndReadsGetsEveryAnswer) {
  ipc::SessionLimits limits;
  limits.max_outbox_bytes = 4096;
  Socket& c = connect(limits, {}, /*service_send_buffer=*/4096);
  std::string requests;
  for (int id = 1; id <= 10; ++id) requests += entries_call(id) + "\n";
  send(c, requests);
  const auto r = receive_lines(c, 10);
  EXPECT_FALSE(r.closed) << log_text_.str();
  ASSERT_EQ(r.lines.size(), 10u);
  for (int id = 1; id <= 10; ++id) {
    EXPECT_EQ(r.lines[id - 1]["id"], id);
    EXPECT_EQ(r.lines[id - 1]["result"]["entries"].size(), static_cast<std::size_t>(kEntries));
  }
  expect_served_afterwards(c);
}

TEST_F(LargeAnswerTest, AnAnswerOverTheLimitIsReplacedByResponseTooLargeWithItsId) {
  ipc::SessionLimits limits;
  limits.max_response_bytes = 10'000;
  Socket& c = connect(limits);
  send(c, entries_call(7) + "\n");
  const auto r = receive_lines(c, 1);
  ASSERT_EQ(r.lines.size(), 1u);
  const json& error = r.lines[0]["error"];
  EXPECT_EQ(r.lines[0]["id"], 7);
  EXPECT_EQ(error["code"], static_cast<int>(protocol::ErrorCode::response_too_large)) << r.lines[0].dump();
  EXPECT_NE(error["message"].get<std::string>().find("over the 10000-byte limit of an answer line; the call did run"),
            std::string::npos)
      << error.dump();
  EXPECT_GT(error["data"]["answer_bytes"].get<std::size_t>(), 10'000u);
  EXPECT_EQ(error["data"]["max_answer_bytes"], 10'000);
  EXPECT_EQ(log_count("over the 10000-byte limit: sent response_too_large"), 1u) << log_text_.str();
  expect_served_afterwards(c);
}

// A batch's answer over the limit is one error, id null, which says every call ran: its
// dial did happen.
TEST_F(LargeAnswerTest, ABatchAnswerOverTheLimitIsOneErrorAndEveryCallRan) {
  ipc::SessionLimits limits;
  limits.max_response_bytes = 100'000;
  Socket& c = connect(limits);
  const std::string dial = R"({"jsonrpc":"2.0","id":"d","method":"dial","params":{"entry":")" + entry_name(3) + R"(","wait":"accepted"}})";
  send(c, batch_of_entries(5, dial));
  const auto r = receive_lines(c, 1);
  ASSERT_EQ(r.lines.size(), 1u);
  ASSERT_TRUE(r.lines[0].is_object()) << "one error, not an array";
  EXPECT_TRUE(r.lines[0]["id"].is_null());
  const json& error = r.lines[0]["error"];
  EXPECT_EQ(error["code"], static_cast<int>(protocol::ErrorCode::response_too_large));
  EXPECT_NE(error["message"].get<std::string>().find("the answers to this batch (6) would be"), std::string::npos)
      << error.dump();
  EXPECT_NE(error["message"].get<std::string>().find("every call in it did run"), std::string::npos);
  EXPECT_GT(error["data"]["answer_bytes"].get<std::size_t>(), 5 * 40'000u);
  EXPECT_EQ(sim_->stats().dial_calls, 1u);
  EXPECT_TRUE(find(entry_name(3)));
  expect_served_afterwards(c);
}

// The limit is for clients that stop reading: one that stops in the middle of a large
// answer is given write_stall_timeout to take a byte, then disconnected.
TEST_F(LargeAnswerTest, AClientThatStopsReadingInALargeAnswerIsDisconnectedAfterTheStallTimeout) {
  ipc::SessionLimits limits;
  limits.max_outbox_bytes = 4096;
  Socket& stalled = connect(limits, {}, /*service_send_buffer=*/4096);
  Socket& other = connect();
  expect_served_afterwards(other);  // its first request: the idle cut does not apply to it
  send(stalled, entries_call(1) + "\n");
  run_for(limits.write_stall_timeout / 2);
  EXPECT_EQ(ended_, 0) << "still within the stall timeout";
  run_for(limits.write_stall_timeout * 2);
  EXPECT_EQ(ended_, 1) << log_text_.str();
  EXPECT_EQ(log_count("client pid 4242 is not reading"), 1u) << log_text_.str();
  expect_served_afterwards(other);
}

}  // namespace
}  // namespace rasbroker::testing
