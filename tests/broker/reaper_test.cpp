// Hang-up and the reaper: answers before teardown ends, gone only after RAS says
// ERROR_INVALID_HANDLE, stuck teardowns reported and still polled, no idle polling.
#include "broker_harness.hpp"

namespace rasbroker::testing {
namespace {

using protocol::DialWait;
using protocol::ErrorCode;
using protocol::HangupWait;
using protocol::Reason;

const nlohmann::json kOffice = {{"entries", {{{"name", "Office VPN"}, {"connect_ms", 800}, {"teardown_ms", 2000}}}}};

class ReaperTest : public BrokerHarness {
 protected:
  std::string connect(const std::string& entry) {
    auto d = dial(entry, DialWait::connected);
    EXPECT_TRUE(run_until([&] { return d->done; }));
    return d->value ? d->value->id : "";
  }
};

// RAS answering RasHangUp with 668 (ERROR_NO_CONNECTION: the link went away on its own
// just then) hands back the same handle to reap: the simulator does the hang-up, this
// wrapper reports what such a RAS says.
class HangUpSays668 final : public ForwardingRas {
 public:
  using ForwardingRas::ForwardingRas;
  std::string backend_name() const override { return "668"; }
  std::uint32_t hang_up(ras::Handle h) override {
    ForwardingRas::hang_up(h);
    return ras::err::kNoConnection;
  }
};

TEST_F(ReaperTest, HangUpAnswered668IsStillPolledUntilInvalidHandle) {
  make_sim(kOffice);
  wrapper_ = std::make_unique<HangUpSays668>(*sim_);
  broker_ = make_broker(fast_config(), wrapper_.get());
  const auto id = connect("Office VPN");
  auto h = hangup(hangup_entry("Office VPN"));
  ASSERT_TRUE(h->done);
  ASSERT_TRUE(h->value) << h->rpc_error().what();
  EXPECT_EQ(h->value->front().state, ConnectionState::hanging_up);  // not an error for the client
  // The teardown (2 s) still runs in RAS: "gone" only once the status says invalid handle.
  run_for(1s);
  ASSERT_TRUE(find("Office VPN")) << "668 taken as proof of teardown";
  ASSERT_TRUE(run_until([&] { return saw_event(id, ConnectionState::gone); }));
  expect_nothing_leaked();
}

TEST_F(ReaperTest, HangupAnswersWhileTeardownContinues) {
  make(kOffice);
  const auto id = connect("Office VPN");
  auto h = hangup(hangup_entry("Office VPN"));
  ASSERT_TRUE(h->done);  // no virtual time passed: the client never waits for teardown
  ASSERT_EQ(h->value->size(), 1u);
  EXPECT_EQ(h->value->front().state, ConnectionState::hanging_up);
  EXPECT_TRUE(h->value->front().hangup_at.has_value());
  run_for(1500ms);
  EXPECT_EQ(find("Office VPN")->state, ConnectionState::hanging_up);
  EXPECT_FALSE(saw_event(id, ConnectionState::gone));
  run_for(1500ms);
  EXPECT_FALSE(find("Office VPN"));
  EXPECT_TRUE(saw_event(id, ConnectionState::gone));
  expect_nothing_leaked();
}

TEST_F(ReaperTest, HangupWaitGoneAnswersAfterTeardown) {
  make(kOffice);
  connect("Office VPN");
  auto h = hangup(hangup_entry("Office VPN", HangupWait::gone));
  EXPECT_FALSE(h->done);
  ASSERT_TRUE(run_until([&] { return h->done; }));
  ASSERT_TRUE(h->value);
  EXPECT_EQ(h->value->front().state, ConnectionState::gone);
  EXPECT_EQ(h->value->front().reason, Reason::requested);
  expect_nothing_leaked();
}

TEST_F(ReaperTest, HangupByIdAndAll) {
  make({{"entries", {{{"name", "A"}}, {{"name", "B"}}, {{"name", "C"}}}}});
  const auto a = connect("A");
  connect("B");
  connect("C");
  protocol::HangupParams by_id;
  by_id.target.id = a;
  auto h1 = hangup(by_id);
  ASSERT_TRUE(h1->value);
  EXPECT_EQ(h1->value->front().entry, "A");
  protocol::HangupParams all;
  all.target.all = true;
  auto h2 = hangup(all);
  ASSERT_TRUE(h2->value);
  EXPECT_EQ(h2->value->size(), 3u);  // A is already hanging up and is reported as such
  for (auto& c : *h2->value) EXPECT_EQ(c.state, ConnectionState::hanging_up);
  expect_nothing_leaked();
}

TEST_F(ReaperTest, HangupOfUnknownTargetsIsNotFound) {
  make(kOffice);
  protocol::HangupParams by_id;
  by_id.target.id = "c99";
  EXPECT_EQ(hangup(by_id)->rpc_error().code(), ErrorCode::not_found);
  EXPECT_EQ(hangup(hangup_entry("Office VPN"))->rpc_error().code(), ErrorCode::not_found);
  protocol::HangupParams all;
  all.target.all = true;
  EXPECT_TRUE(hangup(all)->value->empty());
  expect_nothing_leaked();
}

TEST_F(ReaperTest, HangupWaitGoneTimesOutButReaperGoesOn) {
  make({{"entries", {{{"name", "Office VPN"}, {"teardown_ms", 8000}}}}});
  connect("Office VPN");
  auto p = hangup_entry("Office VPN", HangupWait::gone);
  p.timeout_ms = 1000;
  auto h = hangup(p);
  ASSERT_TRUE(run_until([&] { return h->done; }));
  EXPECT_EQ(h->rpc_error().code(), ErrorCode::timeout);
  ASSERT_TRUE(run_until([&] { return !find("Office VPN"); }));
  expect_nothing_leaked();
}

TEST_F(ReaperTest, StuckTeardownIsReportedAndStillPolled) {
  make({{"entries", {{{"name", "Office VPN"}, {"teardown_never", true}}}}});  // teardown_timeout 5 s
  const auto id = connect("Office VPN");
  hangup(hangup_entry("Office VPN"));
  run_for(4s);
  EXPECT_FALSE(find("Office VPN")->stuck);
  EXPECT_TRUE(admin_events_.of(events::Kind::teardown_stuck).empty());
  run_for(2s);
  auto c = find("Office VPN");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->stuck);
  const auto stuck = admin_events_.of(events::Kind::teardown_stuck);
  ASSERT_EQ(stuck.size(), 1u);
  EXPECT_EQ(stuck[0].inserts[0], "\"Office VPN\"");
  EXPECT_EQ(stuck[0].inserts[1], id);
  EXPECT_EQ(stuck[0].inserts[2], "5000");
  EXPECT_EQ(c->state, ConnectionState::hanging_up);
  EXPECT_EQ(broker_->status().connections.stuck, 1u);
  EXPECT_EQ(broker_->status().reaper_queue, 1u);
  // Never forgotten: polled slowly (stuck_poll = 1 s), forever.
  const auto before = sim_->stats().status_calls;
  run_for(10s);
  const auto polls = sim_->stats().status_calls - before;
  EXPECT_GE(polls, 9u);   // still polled, once a second...
  EXPECT_LE(polls, 25u);  // ...not at the reaper's normal pace
  EXPECT_EQ(admin_events_.of(events::Kind::teardown_stuck).size(), 1u) << "reported once, not at every poll";
  // The ledger knows it is not reaped...
  EXPECT_FALSE(sim_->leak_report().clean());
  // ...until RAS finally lets go; then the reaper sees it gone and nothing leaked.
  sim_->finish_stuck_teardowns();
  run_for(2s);
  EXPECT_FALSE(find("Office VPN"));
  EXPECT_TRUE(saw_event(id, ConnectionState::gone));
  expect_nothing_leaked();
}

TEST_F(ReaperTest, NothingPollsWhenNothingIsPending) {
  make(kOffice);
  connect("Office VPN");
  auto h = hangup(hangup_entry("Office VPN", HangupWait::gone));
  ASSERT_TRUE(run_until([&] { return h->done; }));
  const auto stats = sim_->stats();
  run_for(120s, 100ms);
  EXPECT_EQ(sim_->stats().status_calls, stats.status_calls);
  EXPECT_EQ(sim_->stats().enum_calls, stats.enum_calls);
  expect_nothing_leaked();
}

TEST_F(ReaperTest, BackoffIsShortFirstThenCapped) {
  make({{"entries", {{{"name", "Office VPN"}, {"teardown_ms", 4000}}}}});  // reaper 50 ms, capped at 400 ms
  connect("Office VPN");
  const auto before = sim_->stats().status_calls;
  hangup(hangup_entry("Office VPN"));
  run_for(400ms);
  // An entry with no history: every 50 ms for ten polls -> 8 polls by 400 ms.
  const auto early = sim_->stats().status_calls - before;
  EXPECT_GE(early, 3u);
  // Then doubling from 50 ms after 500 ms: the cap is reached by 1.3 s.
  run_for(1300ms);
  const auto capped = sim_->stats().status_calls;
  run_for(2000ms);
  const auto later = sim_->stats().status_calls - capped;  // capped at one per 400 ms
  EXPECT_LE(later, 6u);
  expect_nothing_leaked();
}

}  // namespace
}  // namespace rasbroker::testing
