// What a hostile client can do to the logs through one session (service/ipc/session.hpp):
// client text never forges or floods a line (log_text.hpp), refusals are one line per
// client line within a budget (refusal_log.hpp), and they go to their own logger, so the
// audit of the requests the service ran is never crowded out. In the broker harness's
// virtual time, over a real socket pair.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <spdlog/sinks/ringbuffer_sink.h>

#include "../broker/broker_harness.hpp"
#include "ipc/dispatcher.hpp"
#include "ipc/session.hpp"

namespace rasbroker::testing {
namespace {

namespace asio = boost::asio;
using nlohmann::json;
using Socket = asio::local::stream_protocol::socket;
using Sink = spdlog::sinks::ringbuffer_sink_mt;

const json kOneEntry = {{"entries", {{{"name", "Office VPN"}, {"connect_ms", 100}, {"teardown_ms", 100}}}}};
constexpr ipc::RefusalBudget kBudget{.burst = 20, .refill = std::chrono::milliseconds(5000)};

std::string request(std::string_view method, const json& params = nullptr, int id = 1) {
  return protocol::make_request(id, method, params).dump() + "\n";
}

class SessionLogTest : public BrokerHarness {
 protected:
  void SetUp() override {
    BrokerHarness::SetUp();
    make(kOneEntry);
    audit_->set_pattern("%v");
    refusals_->set_pattern("%v");
    auto audit = std::make_shared<spdlog::logger>("audit", audit_);
    dispatcher_ = std::make_unique<ipc::Dispatcher>(broker_, audit, events::AdminEvents{},
                                                    std::make_shared<spdlog::logger>("refusals", refusals_), kBudget);
    Socket service_end(*io_);
    asio::local::connect_pair(client_, service_end);
    client_.non_blocking(true);
    ipc::start_session(std::move(service_end), *dispatcher_,
                       authz::Caller{.owner = {4242, "alice"}, .admin = false, .member_of = {}}, {}, audit,
                       [this] { session_ended_ = true; });
  }
  void TearDown() override {
    client_.close();
    settle();
    BrokerHarness::TearDown();
  }

  // Writes all of `text`, letting the service run and answer meanwhile (it may be more
  // than a socket holds).
  void send(std::string_view text) {
    while (!text.empty()) {
      boost::system::error_code ec;
      text.remove_prefix(client_.write_some(asio::buffer(text.data(), text.size()), ec));
      ASSERT_TRUE(!ec || ec == asio::error::would_block) << ec.message();
      settle();
      read_available();
    }
  }
  // Runs the service until `count` answer lines have come, and returns them all.
  std::vector<json> answers(std::size_t count) {
    for (int round = 0; round < 1000 && answered() < count; ++round) {
      settle();
      read_available();
    }
    std::vector<json> out;
    for (std::size_t at = 0, end; (end = received_.find('\n', at)) != std::string::npos; at = end + 1)
      out.push_back(json::parse(received_.substr(at, end - at)));
    return out;
  }
  std::size_t answered() const { return static_cast<std::size_t>(std::count(received_.begin(), received_.end(), '\n')); }
  void disconnect() {
    client_.close();
    ASSERT_TRUE(run_until([this] { return session_ended_; }));
  }

  static std::vector<std::string> lines(Sink& sink) {  // the messages, without their newline
    auto all = sink.last_formatted();
    for (auto& l : all) l.erase(l.find_last_not_of("\r\n") + 1);
    return all;
  }
  static std::size_t count(Sink& sink, std::string_view needle) {
    const auto all = lines(sink);
    return static_cast<std::size_t>(
        std::count_if(all.begin(), all.end(), [&](const std::string& l) { return l.find(needle) != std::string::npos; }));
  }

  std::shared_ptr<Sink> audit_ = std::make_shared<Sink>(20'000);
  std::shared_ptr<Sink> refusals_ = std::make_shared<Sink>(20'000);
  std::unique_ptr<ipc::Dispatcher> dispatcher_;
  Socket client_{*io_};
  std::string received_;
  bool session_ended_ = false;

 private:
  void read_available() {
    char buf[16 * 1024];
    for (;;) {
      boost::system::error_code ec;
      const std::size_t n = client_.read_some(asio::buffer(buf), ec);
      if (ec) return;  // would_block, or the service closed
      received_.append(buf, n);
    }
  }
};

// --- Batches: one log line per refused batch ------------------------------------------

TEST_F(SessionLogTest, ABatchOfAHundredNonObjectsIsOneRefusalLine) {
  std::string batch = "[1";
  for (int i = 1; i < 100; ++i) batch += ",1";
  send(batch + "]\n");
  const auto got = answers(1);
  ASSERT_EQ(got.size(), 1u);
  ASSERT_EQ(got[0].size(), 100u) << "every call is answered";
  ASSERT_EQ(lines(*refusals_).size(), 1u);
  EXPECT_EQ(lines(*refusals_)[0], "refused from pid 4242 user 'alice': 100 of 100 call(s) of a batch; the first: "
                                  "error -32600: Invalid Request: expected a JSON object");
  EXPECT_TRUE(lines(*audit_).empty());
}

TEST_F(SessionLogTest, ABatchOfAHundredUnknownMethodsIsOneRefusalLine) {
  std::string batch = "[";
  for (int i = 0; i < 100; ++i) batch += (i ? "," : "") + protocol::make_request(i, "frobnicate", {{"x", i}}).dump();
  send(batch + "]\n");
  ASSERT_EQ(answers(1).size(), 1u);
  ASSERT_EQ(lines(*refusals_).size(), 1u);
  EXPECT_EQ(lines(*refusals_)[0], "refused from pid 4242 user 'alice': 100 of 100 call(s) of a batch; the first: "
                                  "request \"frobnicate\": {\"x\":0} -> error -32601: method \"frobnicate\" does not exist");
  EXPECT_TRUE(lines(*audit_).empty()) << "nothing ran: nothing to audit";
}

TEST_F(SessionLogTest, ALineOf64KiBOfOnesWritesOneLogLine) {
  std::string ones = "[1";
  while (ones.size() + 3 < protocol::kDefaultMaxLineBytes) ones += ",1";
  send(ones + "]\n");
  const auto got = answers(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]["error"]["code"], static_cast<int>(protocol::ErrorCode::invalid_request)) << got[0].dump();
  EXPECT_EQ(lines(*refusals_).size(), 1u);
  EXPECT_LE(lines(*refusals_).at(0).size(), 300u);
  EXPECT_TRUE(lines(*audit_).empty());
}

// --- A flood: within the budget, then counted ------------------------------------------

TEST_F(SessionLogTest, TenThousandGarbageLinesWriteTheBudgetAndACount) {
  std::string garbage;
  for (int i = 0; i < 10'000; ++i) garbage += "garbage\n";
  send(garbage);
  ASSERT_EQ(answers(10'000).size(), 10'000u) << "every line is answered, logged or not";
  EXPECT_EQ(lines(*refusals_).size(), kBudget.burst);
  run_for(kBudget.refill);  // the budget gives one more line, which says how many it left out
  send("garbage\n");
  ASSERT_EQ(answers(10'001).size(), 10'001u);
  ASSERT_EQ(lines(*refusals_).size(), kBudget.burst + 1);
  EXPECT_NE(lines(*refusals_).back().find("(before it, 9980 refused line(s) with 9980 call(s) from this client were not "
                                          "logged: over its budget of 20 lines, then one per 5000 ms)"),
            std::string::npos)
      << lines(*refusals_).back();
  send(garbage.substr(0, 100 * 8));
  answers(10'101);
  disconnect();
  ASSERT_EQ(lines(*refusals_).size(), kBudget.burst + 2);
  EXPECT_EQ(lines(*refusals_).back(), "client pid 4242 user 'alice' left; 100 refused line(s) with 100 call(s) since "
                                      "its last logged refusal were not logged (over its budget of 20 lines, then "
                                      "one per 5000 ms)");
  EXPECT_TRUE(lines(*audit_).empty());
}

TEST_F(SessionLogTest, TheAuditOfRequestsThatRanIsNotCrowdedOutByRefusals) {
  for (int round = 0; round < 50; ++round) {
    std::string flood;
    for (int i = 0; i < 200; ++i) flood += "{oops}\n";
    send(flood + request("ping", nullptr, round));
  }
  ASSERT_EQ(answers(50 * 201).size(), 50u * 201u);
  EXPECT_EQ(count(*audit_, "request \"ping\" from pid 4242 user 'alice': null -> ok"), 50u);
  EXPECT_EQ(lines(*audit_).size(), 50u) << "the audit holds the requests that ran, and only them";
  EXPECT_EQ(lines(*refusals_).size(), kBudget.burst);
}

// --- Injection: client text is escaped and cut ----------------------------------------

TEST_F(SessionLogTest, AnEntryNameCannotForgeALogLine) {
  const std::string forged = "Office VPN\n2026-11-30T02:00:00.000 info  request \"dial\" from pid 1 user 'root': "
                             "{\"entry\":\"Payroll\"} -> ok";
  send(request("hangup", {{"entry", forged}}));
  const auto got = answers(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]["error"]["code"], static_cast<int>(protocol::ErrorCode::not_found)) << got[0].dump();
  EXPECT_EQ(got[0]["error"]["message"].get<std::string>().find('\n'), std::string::npos);
  const auto audit = lines(*audit_);
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].find('\n'), std::string::npos) << audit[0];
  EXPECT_NE(audit[0].find("no connection for entry \"Office VPN\\n2026-11-30T02:00"), std::string::npos) << audit[0];
}

TEST_F(SessionLogTest, EscapeSequencesAndInvisibleCharactersAreEscaped) {
  send(request("\x1b[2J\x1b]0;owned\x07", nullptr, 1));
  send(request("hangup", {{"entry", "Office\xc2\x9b" "31mVPN\xe2\x80\xae"}}, 2));  // C1 CSI, right-to-left override
  ASSERT_EQ(answers(2).size(), 2u);
  for (const auto& sink : {audit_, refusals_}) {
    for (const auto& l : lines(*sink)) {
      EXPECT_TRUE(std::all_of(l.begin(), l.end(), [](char c) { return c >= 0x20 && c < 0x7f; })) << l;
    }
  }
  EXPECT_EQ(count(*refusals_, "request \"\\u001b[2J\\u001b]0;owned\\u0007\""), 1u);
  EXPECT_EQ(count(*audit_, "no connection for entry \"Office\\u009b31mVPN\\u202e\""), 1u);
}

TEST_F(SessionLogTest, AHugeMethodNameGivesABoundedErrorAndLogLine) {
  const std::string method(60'000, 'm');
  send(request(method));
  const auto got = answers(1);
  ASSERT_EQ(got.size(), 1u);
  const std::string message = got[0]["error"]["message"];
  EXPECT_EQ(message, "method \"" + std::string(protocol::kMaxQuotedBytes, 'm') + "\"...(60000 bytes) does not exist");
  ASSERT_EQ(lines(*refusals_).size(), 1u);
  EXPECT_LE(lines(*refusals_)[0].size(), 400u) << lines(*refusals_)[0];
}

}  // namespace
}  // namespace rasbroker::testing
