// RAS faults at service stop: a stop during a dial (in every reading of RasHangUp's answer),
// during a teardown, and with a teardown that never finishes. What a dial waiting at the stop
// is answered is the protocol's business (tests/broker/stop_test.cpp); here: every handle is
// hung up once and reaped, and nothing leaked (or exactly the stuck handle is reported).
#include "ras_faults.hpp"

namespace rasbroker::testing {
namespace {

using protocol::DialWait;
using protocol::Reason;

// The RasHangUp the stop makes answers 0, or 668 in either reading (docs/simulator.md).
class StopDuringADial : public RasFaults, public ::testing::WithParamInterface<const char*> {};

INSTANTIATE_TEST_SUITE_P(HangUpAnswers, StopDuringADial, ::testing::Values("never", "then_teardown", "already_gone"));

TEST_P(StopDuringADial, TheDialIsHungUpAndReapedBeforeTheStopEnds) {
  make({{"entries", {{{"name", "Slow VPN"}, {"connect_ms", 10000}, {"teardown_ms", 2000}, {"hang_up_668", GetParam()}}}}});
  auto waiting = dial("Slow VPN", DialWait::connected);
  run_for(3s);
  ASSERT_EQ(broker_->status().connections.dialing, 1u);  // 3 s into a 10 s dial
  const auto dialing = broker_->list().front();
  auto stopped = spawn_stop();
  ASSERT_TRUE(run_until([&] { return stopped->done; }, 60s));
  EXPECT_TRUE(waiting->done);
  EXPECT_TRUE(waiting->error) << "a dial hung up by the stop was answered as connected";
  const auto cut = event_of(dialing.id, ConnectionState::hanging_up);
  ASSERT_TRUE(cut);
  EXPECT_EQ(cut->reason, Reason::service_stop);
  EXPECT_TRUE(saw_event(dialing.id, ConnectionState::gone));  // reaped before the stop ended
  EXPECT_EQ(sim_->stats().hang_up_calls, 1u);
  EXPECT_TRUE(admin_events_.of(events::Kind::stop_incomplete).empty());
  expect_nothing_leaked();
  run_for(20s, 100ms);  // the dial's walk would have ended by now: nothing comes back
  EXPECT_EQ(sim_->stats().dial_calls, 1u);
  expect_nothing_leaked();
}

class StopDuringATeardown : public RasFaults {};

TEST_F(StopDuringATeardown, TheStopWaitsForTheReaperAndHangsNothingUpTwice) {
  make({{"entries", {{{"name", "Office VPN"}, {"teardown_ms", 4000}}, {{"name", "Branch VPN"}, {"teardown_ms", 1000}}}}});
  const auto office = connect("Office VPN");
  const auto branch = connect("Branch VPN");
  auto h = hangup(hangup_entry("Office VPN"));
  ASSERT_TRUE(h->value);
  run_for(1s);
  auto stopped = spawn_stop();  // Office is tearing down; Branch is hung up by the stop
  run_for(2s);
  EXPECT_FALSE(stopped->done) << "the stop ended before Office's teardown did";
  EXPECT_TRUE(saw_event(branch, ConnectionState::gone));
  ASSERT_TRUE(run_until([&] { return stopped->done; }, 10s));
  EXPECT_TRUE(saw_event(office, ConnectionState::gone));
  EXPECT_EQ(event_of(office, ConnectionState::hanging_up)->reason, Reason::requested);
  EXPECT_EQ(event_of(branch, ConnectionState::hanging_up)->reason, Reason::service_stop);
  EXPECT_EQ(sim_->stats().hang_up_calls, 2u);  // one each
  EXPECT_TRUE(broker_->list().empty());
  expect_nothing_leaked();
}

class StopWithAStuckTeardown : public RasFaults {
 protected:
  static broker::BrokerConfig config() {
    auto cfg = fast_config();
    cfg.stop_timeout = 3s;
    return cfg;
  }
  nlohmann::json scenario() const {
    return {{"entries", {{{"name", "Sticky"}, {"teardown_never", true}}, {{"name", "Office VPN"}, {"teardown_ms", 500}}}}};
  }
  // The stop gave up after its bound, said so once, and reaped everything else.
  void expect_stop_gave_up_on_one() {
    const auto incomplete = admin_events_.of(events::Kind::stop_incomplete);
    ASSERT_EQ(incomplete.size(), 1u);
    EXPECT_EQ(incomplete[0].inserts, (std::vector<std::string>{"1", "3000"}));
    EXPECT_EQ(logged("giving up waiting"), 1u);
  }
};

TEST_F(StopWithAStuckTeardown, AlreadyStuckTheStopGivesUpAfterItsBoundAndReportsExactlyThatHandle) {
  make(scenario(), config());
  const auto sticky = connect("Sticky");
  const auto office = connect("Office VPN");
  hangup(hangup_entry("Sticky"));
  run_for(6s);
  ASSERT_TRUE(find("Sticky")->stuck);
  auto stopped = spawn_stop();
  run_for(2s);
  EXPECT_FALSE(stopped->done);
  ASSERT_TRUE(run_until([&] { return stopped->done; }, 5s));
  expect_stop_gave_up_on_one();
  EXPECT_TRUE(saw_event(office, ConnectionState::gone));
  EXPECT_FALSE(saw_event(sticky, ConnectionState::gone));
  expect_only_stuck_leaked(handle_of("Sticky"));
  sim_->finish_stuck_teardowns();
}

TEST_F(StopWithAStuckTeardown, StartedByTheStopTheTeardownIsReportedAndLeftToRas) {
  make(scenario(), config());
  connect("Sticky");
  const auto office = connect("Office VPN");
  auto stopped = spawn_stop();  // hangs up both; only Office's teardown ends
  ASSERT_TRUE(run_until([&] { return stopped->done; }, 10s));
  expect_stop_gave_up_on_one();
  EXPECT_TRUE(saw_event(office, ConnectionState::gone));
  EXPECT_EQ(sim_->stats().hang_up_calls, 2u);
  run_for(30s, 100ms);  // stopped: nothing polls any more, nothing is hung up again
  EXPECT_EQ(sim_->stats().hang_up_calls, 2u);
  expect_only_stuck_leaked(handle_of("Sticky"));
  sim_->finish_stuck_teardowns();
}

}  // namespace
}  // namespace rasbroker::testing
