// The refusal log (service/ipc/refusal_log.hpp) on its own, in virtual time: one line per
// client line, a budget per client, and the count of what the budget kept out.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <spdlog/sinks/ringbuffer_sink.h>

#include "ipc/refusal_log.hpp"

namespace rasbroker::ipc {
namespace {

using namespace std::chrono_literals;

class RefusalLogTest : public ::testing::Test {
 protected:
  RefusalLogTest() { sink_->set_pattern("%v"); }
  void SetUp() override { Clock::use_virtual_time(); }
  void TearDown() override { Clock::use_real_time(); }

  std::unique_ptr<RefusalLog> make(RefusalBudget budget = {.burst = 3, .refill = 1000ms}) {
    return std::make_unique<RefusalLog>(log_, budget);
  }
  std::vector<std::string> lines() const {  // the messages alone, without time, level or newline
    auto all = sink_->last_formatted();
    for (auto& l : all) l.erase(l.find_last_not_of("\r\n") + 1);
    return all;
  }
  std::size_t count(const std::string& needle) const {
    const auto all = lines();
    return static_cast<std::size_t>(
        std::count_if(all.begin(), all.end(), [&](const std::string& l) { return l.find(needle) != std::string::npos; }));
  }

  const authz::Caller who_{.owner = {4242, "alice"}, .admin = false, .member_of = {}};
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_ = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(1000);
  std::shared_ptr<spdlog::logger> log_ = std::make_shared<spdlog::logger>("refusals", sink_);
};

TEST_F(RefusalLogTest, ABatchIsOneLineWithItsCountAndFirstReason) {
  auto refusals = make();
  refusals->begin_line();
  refusals->refuse(who_, "error -32600: Invalid Request: expected a JSON object");
  for (int i = 1; i < 100; ++i) refusals->refuse(who_, "another reason");
  refusals->end_line(100, true);
  ASSERT_EQ(lines().size(), 1u);
  EXPECT_EQ(lines()[0], "refused from pid 4242 user 'alice': 100 of 100 call(s) of a batch; the first: "
                        "error -32600: Invalid Request: expected a JSON object");
}

TEST_F(RefusalLogTest, ALineWithoutRefusalsWritesNothing) {
  auto refusals = make();
  refusals->begin_line();
  refusals->end_line(5, true);
  refusals.reset();
  EXPECT_TRUE(lines().empty());
}

TEST_F(RefusalLogTest, OverTheBudgetLinesAreCountedAndTheNextLineWrittenSaysHowMany) {
  auto refusals = make();
  for (int i = 0; i < 10; ++i) refusals->refuse(who_, "error -32700: Parse error #" + std::to_string(i));
  ASSERT_EQ(lines().size(), 3u) << "the burst";
  EXPECT_EQ(count("Parse error #2"), 1u);
  Clock::advance(999ms);
  refusals->refuse(who_, "error -32700: still counted");
  EXPECT_EQ(lines().size(), 3u);
  Clock::advance(1ms);  // one refill period since the budget ran out
  refusals->begin_line();
  refusals->refuse(who_, "error -32601: first");
  refusals->refuse(who_, "error -32601: second");
  refusals->end_line(2, true);
  ASSERT_EQ(lines().size(), 4u);
  EXPECT_EQ(lines()[3], "refused from pid 4242 user 'alice': 2 of 2 call(s) of a batch; the first: error -32601: first "
                        "(before it, 8 refused line(s) with 8 call(s) from this client were not logged: over its "
                        "budget of 3 lines, then one per 1000 ms)");
}

TEST_F(RefusalLogTest, AClientThatLeavesOverItsBudgetIsCountedInALastLine) {
  auto refusals = make();
  for (int i = 0; i < 10'000; ++i) refusals->refuse(who_, "error -32700: Parse error");
  refusals.reset();
  ASSERT_EQ(lines().size(), 4u);
  EXPECT_EQ(lines()[3], "client pid 4242 user 'alice' left; 9997 refused line(s) with 9997 call(s) since its last "
                        "logged refusal were not logged (over its budget of 3 lines, then one per 1000 ms)");
}

TEST_F(RefusalLogTest, TheBudgetRefillsUpToTheBurstOnly) {
  auto refusals = make();
  Clock::advance(1h);
  for (int i = 0; i < 10; ++i) refusals->refuse(who_, "error -32700: Parse error");
  EXPECT_EQ(lines().size(), 3u);
}

}  // namespace
}  // namespace rasbroker::ipc
