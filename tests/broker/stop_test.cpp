// Stop and dials in progress: only an established connection outlives the process that
// dialled it, so a stop hangs up every dial in progress (reason service_stop) whatever
// on_stop says; connected links follow on_stop.
#include "broker_harness.hpp"

namespace rasbroker::testing {
namespace {

using protocol::DialWait;
using protocol::ErrorCode;
using protocol::Reason;

class StopDialsTest : public BrokerHarness {
 protected:
  bool saw_hangup_for_stop(const std::string& id) const {
    for (auto& e : events_)
      if (e.id == id && e.state == ConnectionState::hanging_up && e.reason == Reason::service_stop) return true;
    return false;
  }
};

TEST_F(StopDialsTest, LeaveModeHangsUpDialsInProgressButKeepsConnectedLinks) {
  auto cfg = fast_config();
  cfg.on_stop = broker::OnStop::leave;
  make({{"entries", {{{"name", "Office VPN"}}, {{"name", "Slow VPN"}, {"connect_ms", 10000}}}},
        {"connected", nlohmann::json::array()}},
       cfg);
  auto up = dial("Office VPN", DialWait::connected);
  ASSERT_TRUE(run_until([&] { return up->done; }));
  auto waiting = dial("Slow VPN", DialWait::connected);
  run_for(1s);
  const auto slow = find("Slow VPN");
  ASSERT_TRUE(slow);
  ASSERT_EQ(slow->state, ConnectionState::dialing);

  auto stopped = spawn_stop();
  EXPECT_TRUE(saw_hangup_for_stop(slow->id));
  ASSERT_TRUE(waiting->done);
  EXPECT_EQ(waiting->rpc_error().code(), ErrorCode::shutting_down);
  ASSERT_TRUE(run_until([&] { return stopped->done; }));
  EXPECT_TRUE(saw_event(slow->id, ConnectionState::gone));  // reaped before stop completed
  EXPECT_EQ(sim_->stats().hang_up_calls, 1u);                // the dial only
  // The connected link stays up: its reference is the only one outstanding.
  const auto report = sim_->leak_report();
  ASSERT_EQ(report.problems.size(), 1u) << report.describe();
  EXPECT_EQ(report.problems.front().entry, "Office VPN");

  // A restarted service adopts the connected link (and nothing else) and can hang it up.
  broker_ = make_broker(fast_config());
  const auto all = broker_->list();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all.front().entry, "Office VPN");
  EXPECT_TRUE(all.front().adopted);
  auto h = hangup(hangup_entry("Office VPN", protocol::HangupWait::gone));
  ASSERT_TRUE(run_until([&] { return h->done; }));
  expect_nothing_leaked();
}

// A dial carrying timeout_ms that is still in progress at stop is hung up for the stop,
// not for its timeout, in either mode.
class StopTimedDialTest : public StopDialsTest, public ::testing::WithParamInterface<broker::OnStop> {};

TEST_P(StopTimedDialTest, IsHungUpWithReasonServiceStopNotTimeout) {
  auto cfg = fast_config();
  cfg.on_stop = GetParam();
  make({{"entries", {{{"name", "Office VPN"}, {"connect_ms", 10000}}}}, {"connected", nlohmann::json::array()}},
       cfg);
  auto p = dial_params("Office VPN", DialWait::connected);
  p.timeout_ms = 5000;
  auto waiting = spawn(broker_->dial(std::move(p), admin()));
  run_for(1s);
  const auto dialing = find("Office VPN");
  ASSERT_TRUE(dialing);
  ASSERT_EQ(dialing->state, ConnectionState::dialing);

  auto stopped = spawn_stop();
  ASSERT_TRUE(waiting->done);
  EXPECT_EQ(waiting->rpc_error().code(), ErrorCode::shutting_down);
  ASSERT_TRUE(run_until([&] { return stopped->done; }));
  EXPECT_TRUE(saw_hangup_for_stop(dialing->id));
  for (auto& e : events_) EXPECT_NE(e.reason, Reason::timeout);
  EXPECT_TRUE(saw_event(dialing->id, ConnectionState::gone));
  expect_nothing_leaked();
}

INSTANTIATE_TEST_SUITE_P(BothModes, StopTimedDialTest,
                         ::testing::Values(broker::OnStop::hangup, broker::OnStop::leave),
                         [](const auto& info) { return info.param == broker::OnStop::hangup ? "hangup" : "leave"; });

}  // namespace
}  // namespace rasbroker::testing
