// RAS faults, the teardown: a 30 s teardown (polled with backoff, never reported stuck, a new
// dial of the entry waits it out), a teardown that never finishes (reported once, polled at the
// stuck rate forever, exactly its handle left in the ledger), and RasHangUp answering 668 in
// both of the simulator's readings (docs/simulator.md, "RasHangUp answering 668").
#include "ras_faults.hpp"

namespace rasbroker::testing {
namespace {

using protocol::DialWait;
using protocol::HangupWait;
using protocol::Reason;

class SlowTeardown : public RasFaults {
 protected:
  // The defaults' teardown timeout (60 s): a 30 s teardown is slow, not stuck.
  static broker::BrokerConfig config() {
    auto cfg = fast_config();
    cfg.teardown_timeout = 60s;
    cfg.reaper_max = 2s;
    cfg.stop_timeout = 60s;  // the stop's own hang-up waits out a 30 s teardown too
    return cfg;
  }
};

TEST_F(SlowTeardown, IsPolledWithBackoffUntilGoneAndANewDialWaitsItOut) {
  make({{"entries", {{{"name", "Office VPN"}, {"teardown_ms", 30000}}}}}, config());
  const auto id = connect("Office VPN");
  const auto polls_before = sim_->stats().status_calls;
  auto h = hangup(hangup_entry("Office VPN"));
  ASSERT_TRUE(h->done);  // the client never waits for the teardown
  ASSERT_TRUE(h->value);
  EXPECT_EQ(h->value->front().state, ConnectionState::hanging_up);
  auto again = dial("Office VPN", DialWait::connected);  // waits for the teardown, then dials
  run_for(29s, 100ms);
  EXPECT_FALSE(again->done);
  const auto c = find("Office VPN");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->id, id);
  EXPECT_EQ(c->state, ConnectionState::hanging_up);
  EXPECT_FALSE(c->stuck);
  // An entry with no history: every 50 ms for ten polls, then doubling to 2 s, so about 30
  // polls in 29 s, not hundreds.
  EXPECT_LE(sim_->stats().status_calls - polls_before, 30u);
  ASSERT_TRUE(run_until([&] { return again->done; }, 10s));
  ASSERT_TRUE(again->value) << again->rpc_error().what();
  EXPECT_NE(again->value->id, id);
  EXPECT_TRUE(saw_event(id, ConnectionState::gone));
  EXPECT_TRUE(admin_events_.of(events::Kind::teardown_stuck).empty());
  EXPECT_EQ(sim_->stats().dial_calls, 2u);
  expect_nothing_leaked();
}

class StuckTeardown : public RasFaults {};

TEST_F(StuckTeardown, IsReportedOnceAndPolledAtTheStuckRateForever) {
  make({{"entries", {{{"name", "Office VPN"}, {"teardown_never", true}}}}});  // teardown_timeout 5 s, stuck_poll 1 s
  const auto id = connect("Office VPN");
  const auto handle = handle_of("Office VPN");
  hangup(hangup_entry("Office VPN"));
  run_for(6s);
  const auto c = find("Office VPN");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->stuck);
  EXPECT_TRUE(event_of(id, ConnectionState::hanging_up));
  ASSERT_EQ(admin_events_.of(events::Kind::teardown_stuck).size(), 1u);
  EXPECT_EQ(broker_->status().connections.stuck, 1u);
  // Half an hour of RAS never letting go: one poll a second, every second, and one report.
  const auto before = sim_->stats().status_calls;
  run_for(30min, 1s);
  const auto polls = sim_->stats().status_calls - before;
  EXPECT_GE(polls, 1750u);
  EXPECT_LE(polls, 1850u);
  EXPECT_EQ(admin_events_.of(events::Kind::teardown_stuck).size(), 1u);
  EXPECT_EQ(logged("still tearing down after"), 1u);
  EXPECT_TRUE(find("Office VPN"));
  expect_only_stuck_leaked(handle);
  sim_->finish_stuck_teardowns();
}

TEST_F(StuckTeardown, ADialOfTheEntryWaitsAndTimesOutInsteadOfDiallingBesideIt) {
  make({{"entries", {{{"name", "Office VPN"}, {"teardown_never", true}}}}});
  connect("Office VPN");
  const auto handle = handle_of("Office VPN");
  hangup(hangup_entry("Office VPN"));
  auto p = dial_params("Office VPN", DialWait::connected);
  p.timeout_ms = 10000;
  auto again = spawn(broker_->dial(std::move(p), admin()));
  ASSERT_TRUE(run_until([&] { return again->done; }, 20s));
  EXPECT_EQ(again->rpc_error().code(), protocol::ErrorCode::timeout);
  EXPECT_EQ(sim_->stats().dial_calls, 1u);
  expect_only_stuck_leaked(handle);
  sim_->finish_stuck_teardowns();
}

// Both readings of a RasHangUp answering ERROR_NO_CONNECTION: the teardown still runs
// (then_teardown), or there was nothing left to tear down (already_gone). Either way the
// answer is no error to the client, and the handle is polled until RAS says 6.
class HangUpAnswers668 : public RasFaults, public ::testing::WithParamInterface<const char*> {
 protected:
  nlohmann::json entry(nlohmann::json e) const {
    e["hang_up_668"] = GetParam();
    return e;
  }
  void expect_no_hang_up_warning() const {
    EXPECT_EQ(logged("RasHangUp returned"), 0u) << log_text();
  }
};

INSTANTIATE_TEST_SUITE_P(Readings, HangUpAnswers668, ::testing::Values("then_teardown", "already_gone"));

TEST_P(HangUpAnswers668, ARequestedHangUpIsAnsweredAndReapedOnlyWhenRasSays6) {
  make({{"entries", {entry({{"name", "Office VPN"}, {"teardown_ms", 2000}})}}});
  const auto id = connect("Office VPN");
  auto h = hangup(hangup_entry("Office VPN"));
  ASSERT_TRUE(h->done);
  ASSERT_TRUE(h->value) << h->rpc_error().what();
  EXPECT_EQ(h->value->front().state, ConnectionState::hanging_up);
  EXPECT_EQ(sim_->stats().hang_up_no_connection, 1u);
  run_for(1s);
  // then_teardown: RAS is still tearing down, so 668 was no proof that the handle is gone.
  EXPECT_EQ(find("Office VPN").has_value(), std::string(GetParam()) == "then_teardown");
  ASSERT_TRUE(run_until([&] { return saw_event(id, ConnectionState::gone); }));
  expect_no_hang_up_warning();
  expect_nothing_leaked();
}

// The failed dial's record can be reaped before the waiting request looks again (668 is
// confirmed by an immediate poll): the answer is still RAS's error, not "hung up" (631).
TEST_P(HangUpAnswers668, AFailedDialIsAnsweredWithItsErrorAndReaped) {
  make({{"entries", {entry({{"name", "Office VPN"}, {"fail_state", "RASCS_Authenticate"}})}}});
  auto d = dial("Office VPN", DialWait::connected);
  ASSERT_TRUE(run_until([&] { return d->done; }));
  EXPECT_EQ(d->rpc_error().data()["ras_error"], ras::err::kAuthenticationFailure);
  ASSERT_TRUE(run_until([&] { return !find("Office VPN"); }));
  EXPECT_EQ(sim_->stats().hang_up_no_connection, 1u);
  expect_no_hang_up_warning();
  expect_nothing_leaked();
}

TEST_P(HangUpAnswers668, ADroppedLinkHungUpWith668IsReapedAndRedialled) {
  auto cfg = fast_config();
  cfg.redial["Office VPN"] = {1, 500};
  // A dropped handle that stays valid, so that its RasHangUp reaches the 668 reading (in
  // invalid_handle mode RAS answers 6 for it: docs/simulator.md, "Link drop").
  make({{"entries", {entry({{"name", "Office VPN"}, {"drop_mode", "disconnected_state"}})}}}, cfg);
  const auto first = connect("Office VPN");
  ASSERT_EQ(sim_->drop_link("Office VPN"), 0u);
  ASSERT_TRUE(run_until_redialled("Office VPN", first));
  EXPECT_TRUE(saw_event(first, ConnectionState::gone));
  EXPECT_EQ(sim_->stats().hang_up_no_connection, 1u);
  expect_nothing_leaked();  // the stop's hang-up of the redialled link answers 668 too
  EXPECT_EQ(sim_->stats().hang_up_no_connection, 2u);
}

}  // namespace
}  // namespace rasbroker::testing
