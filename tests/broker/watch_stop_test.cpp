// Link watch (drops, redial), adoption of connections others dialled, and stop in
// both modes.
#include "broker_harness.hpp"

namespace rasbroker::testing {
namespace {

using protocol::DialWait;
using protocol::ErrorCode;
using protocol::Reason;

class WatchTest : public BrokerHarness {};

// Link drops run against both of the simulator's readings of what RAS does with a dropped
// link's handle (docs/simulator.md, "Link drop"): it dies at once (status and RasHangUp
// answer 6; DotRas issue #80), or it stays valid answering RASCS_Disconnected + the reason.
class LinkDropTest : public BrokerHarness, public ::testing::WithParamInterface<const char*> {
 protected:
  bool handle_dies() const { return std::string(GetParam()) == "invalid_handle"; }
  // `entry` with this run's drop mode.
  nlohmann::json entry(nlohmann::json e) const {
    e["drop_mode"] = GetParam();
    return e;
  }
  // The event that reported `id` hanging up.
  std::optional<Connection> hangup_event(const std::string& id) const {
    for (auto& e : events_)
      if (e.id == id && e.state == ConnectionState::hanging_up) return e;
    return std::nullopt;
  }
};

INSTANTIATE_TEST_SUITE_P(DropModes, LinkDropTest, ::testing::Values("invalid_handle", "disconnected_state"));

TEST_P(LinkDropTest, LinkDropIsHungUpAndReapedWithoutRedial) {
  make({{"entries", {entry({{"name", "Office VPN"}, {"drop_after_ms", 5000}, {"drop_error", 629}})}}});
  auto d = dial("Office VPN", DialWait::connected);
  ASSERT_TRUE(run_until([&] { return d->done; }));
  const auto id = d->value->id;
  ASSERT_TRUE(run_until([&] { return !find("Office VPN") || find("Office VPN")->state != ConnectionState::connected; },
                        20s));
  ASSERT_TRUE(run_until([&] { return !find("Office VPN"); }));
  const auto c = hangup_event(id);
  ASSERT_TRUE(c) << "the dropped link was never hung up";
  EXPECT_EQ(c->reason, Reason::link_lost);
  ASSERT_TRUE(c->error);
  if (handle_dies()) {
    // RAS forgot the handle, so the reason cannot be read: say what happened.
    EXPECT_EQ(c->error->ras_error, 6u);
    EXPECT_NE(c->error->message.find("link was lost"), std::string::npos) << c->error->message;
  } else {
    EXPECT_EQ(c->error->ras_error, 629u);
  }
  EXPECT_TRUE(saw_event(id, ConnectionState::gone));
  EXPECT_EQ(sim_->stats().hang_up_calls, 1u);  // the RasHangUp our RasDial owed, also for a dead handle
  run_for(30s);
  EXPECT_EQ(sim_->stats().dial_calls, 1u);  // no redial policy: no redial
  expect_nothing_leaked();
}

TEST_P(LinkDropTest, LinkDropIsSeenByTheBackstopPollWhenNotificationsAreMissed) {
  make({{"entries", {entry({{"name", "Office VPN"}, {"drop_after_ms", 3000}})}},
        {"notifications", {{"drop_every", 1}}}});  // RAS never notifies
  auto d = dial("Office VPN", DialWait::connected);
  ASSERT_TRUE(run_until([&] { return d->done; }));
  ASSERT_TRUE(run_until([&] { return !find("Office VPN"); }, 20s));
  EXPECT_TRUE(saw_event(d->value->id, ConnectionState::hanging_up));
  EXPECT_TRUE(saw_event(d->value->id, ConnectionState::gone));
  expect_nothing_leaked();
}

TEST_P(LinkDropTest, LinkDropRedialsPerPolicyUntilAttemptsRunOut) {
  auto cfg = fast_config();
  cfg.redial["Office VPN"] = {1, 1000};
  make({{"entries", {entry({{"name", "Office VPN"}, {"drop_after_ms", 5000}})}}}, cfg);
  auto d = dial("Office VPN", DialWait::connected);
  ASSERT_TRUE(run_until([&] { return d->done; }));
  const auto first = d->value->id;
  // Drop, teardown, backoff, redial: a new connection for the same entry, same owner.
  ASSERT_TRUE(run_until_redialled("Office VPN", first));
  auto second = *find("Office VPN");
  EXPECT_EQ(second.owner, (protocol::Owner{4242, "alice"}));
  EXPECT_EQ(sim_->stats().dial_calls, 2u);
  // The second drop finds no attempt left.
  ASSERT_TRUE(run_until([&] { return !find("Office VPN"); }, 30s));
  run_for(30s);
  EXPECT_EQ(sim_->stats().dial_calls, 2u);
  EXPECT_EQ(sim_->stats().hang_up_calls, 2u);  // each dropped link hung up once
  expect_nothing_leaked();
}

TEST_P(LinkDropTest, RedialPolicyFromTheDialRequestKeepsThePasswordForTheRedial) {
  make({{"entries",
         {entry({{"name", "Office VPN"}, {"drop_after_ms", 2000}, {"username", "alice"}, {"password", "pw"}})}}});
  auto p = dial_params("Office VPN", DialWait::connected);
  p.username = "alice";
  p.password = protocol::Secret("pw");
  p.redial = protocol::RedialPolicy{1, 500};
  auto d = spawn(broker_->dial(std::move(p), admin()));
  ASSERT_TRUE(run_until([&] { return d->done; }));
  ASSERT_TRUE(d->value);
  ASSERT_TRUE(run_until_redialled("Office VPN", d->value->id));
  expect_nothing_leaked();
}

TEST_P(LinkDropTest, AdoptedConnectionThatDropsIsForgottenWithoutHangUp) {
  // Someone else's connection: its RasHangUp is the dialler's to make, not ours.
  make({{"entries", {entry({{"name", "Branch VPN"}})}}, {"connected", {"Branch VPN"}}});
  ASSERT_TRUE(find("Branch VPN"));
  ASSERT_EQ(sim_->drop_link("Branch VPN"), 0u);
  ASSERT_TRUE(run_until([&] { return !find("Branch VPN") || find("Branch VPN")->state != ConnectionState::connected; },
                        20s));
  if (handle_dies()) {
    EXPECT_FALSE(find("Branch VPN"));
    EXPECT_EQ(sim_->stats().hang_up_calls, 0u);
  }
  run_for(30s);
  EXPECT_FALSE(find("Branch VPN"));
  EXPECT_EQ(sim_->stats().dial_calls, 0u);  // adopted: no plan, no redial
  expect_nothing_leaked();
}

TEST_F(WatchTest, ExternalHangupIsNoticed) {
  make({{"entries", {{{"name", "Office VPN"}, {"teardown_ms", 500}}}}});
  auto d = dial("Office VPN", DialWait::connected);
  ASSERT_TRUE(run_until([&] { return d->done; }));
  sim_->external_hang_up("Office VPN");
  ASSERT_TRUE(run_until([&] { return !find("Office VPN"); }, 30s));
  EXPECT_TRUE(saw_event(d->value->id, ConnectionState::gone));
  expect_nothing_leaked();
}

class AdoptionTest : public BrokerHarness {};

TEST_F(AdoptionTest, ConnectionsDialledByOthersAreAdoptedAndCanBeHungUp) {
  make({{"entries", {{{"name", "Office VPN"}}, {{"name", "Branch VPN"}}}}, {"connected", {"Branch VPN"}}});
  auto c = find("Branch VPN");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->adopted);
  EXPECT_EQ(c->state, ConnectionState::connected);
  // Who dialled it, as RAS tells (the scenario's default dialler): a user, no process of ours.
  EXPECT_EQ(c->owner, (protocol::Owner{0, std::string(sim::kScenarioDiallerAccount)}));
  // Dialling an adopted entry joins it rather than adding a RAS reference.
  auto d = dial("Branch VPN");
  EXPECT_EQ(d->value->id, c->id);
  EXPECT_EQ(sim_->stats().dial_calls, 0u);
  // The process that dialled it is long gone; we can still hang it up (the seed's case).
  auto h = hangup(hangup_entry("Branch VPN", protocol::HangupWait::gone));
  ASSERT_TRUE(run_until([&] { return h->done; }));
  ASSERT_TRUE(h->value);
  EXPECT_EQ(h->value->front().state, ConnectionState::gone);
  expect_nothing_leaked();
}

TEST_F(AdoptionTest, ListAdoptsConnectionsThatAppearLater) {
  make({{"entries", {{{"name", "Office VPN"}}}}});
  EXPECT_TRUE(broker_->list().empty());
  // Someone else dials through RAS directly (a second broker on the same RAS).
  auto other = make_broker(fast_config());
  auto d = spawn(other->dial(dial_params("Office VPN", DialWait::connected), admin()));
  ASSERT_TRUE(run_until([&] { return d->done; }));
  auto c = find("Office VPN");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->adopted);
  auto stopped = spawn([other]() -> boost::asio::awaitable<bool> { co_await other->stop(); co_return true; }());
  ASSERT_TRUE(run_until([&] { return stopped->done; }));
  expect_nothing_leaked();
}

class StopTest : public BrokerHarness {};

TEST_F(StopTest, HangupModeHangsUpAndReapsBeforeStopCompletes) {
  make({{"entries", {{{"name", "A"}, {"teardown_ms", 3000}}, {{"name", "B"}, {"connect_ms", 5000}}}},
        {"connected", nlohmann::json::array()}});
  auto a = dial("A", DialWait::connected);
  ASSERT_TRUE(run_until([&] { return a->done; }));
  dial("B");  // still dialing when the stop comes
  auto stopped = spawn_stop();
  EXPECT_FALSE(stopped->done);
  EXPECT_EQ(dial("A")->rpc_error().code(), ErrorCode::shutting_down);
  for (auto& c : broker_->list()) {
    EXPECT_EQ(c.state, ConnectionState::hanging_up);
    EXPECT_EQ(c.reason, Reason::service_stop);
  }
  run_for(2s);
  EXPECT_FALSE(stopped->done);  // A's teardown takes 3 s
  ASSERT_TRUE(run_until([&] { return stopped->done; }));
  EXPECT_TRUE(broker_->list().empty());
  expect_nothing_leaked();
}

TEST_F(StopTest, HangupModeLeavesAdoptedConnectionsAlone) {
  make({{"entries", {{{"name", "Branch VPN"}}}}, {"connected", {"Branch VPN"}}});
  auto stopped = spawn_stop();
  ASSERT_TRUE(run_until([&] { return stopped->done; }));
  EXPECT_EQ(sim_->stats().hang_up_calls, 0u);
  expect_nothing_leaked();
}

TEST_F(StopTest, LeaveModeKeepsConnectionsUpForTheNextInstance) {
  auto cfg = fast_config();
  cfg.on_stop = broker::OnStop::leave;
  make({{"entries", {{{"name", "Office VPN"}}}}}, cfg);
  auto d = dial("Office VPN", DialWait::connected);
  ASSERT_TRUE(run_until([&] { return d->done; }));
  auto stopped = spawn_stop();
  ASSERT_TRUE(run_until([&] { return stopped->done; }));
  EXPECT_EQ(sim_->stats().hang_up_calls, 0u);
  EXPECT_FALSE(sim_->leak_report().clean());  // our dial's reference is still held
  // A restarted service adopts it and can hang it up: nothing is lost.
  broker_ = make_broker(fast_config());
  auto c = find("Office VPN");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->adopted);
  auto h = hangup(hangup_entry("Office VPN", protocol::HangupWait::gone));
  ASSERT_TRUE(run_until([&] { return h->done; }));
  expect_nothing_leaked();
}

TEST_F(StopTest, StopGivesUpWaitingAfterItsBound) {
  auto cfg = fast_config();
  cfg.stop_timeout = 3s;
  make({{"entries", {{{"name", "Office VPN"}, {"teardown_never", true}}}}}, cfg);
  auto d = dial("Office VPN", DialWait::connected);
  ASSERT_TRUE(run_until([&] { return d->done; }));
  auto stopped = spawn_stop();
  run_for(2s);
  EXPECT_FALSE(stopped->done);
  EXPECT_TRUE(admin_events_.of(events::Kind::stop_incomplete).empty());
  ASSERT_TRUE(run_until([&] { return stopped->done; }, 5s));
  EXPECT_FALSE(sim_->leak_report().clean());  // reported, not hidden
  // The administrator hears of it: one teardown left behind after 3 s.
  const auto incomplete = admin_events_.of(events::Kind::stop_incomplete);
  ASSERT_EQ(incomplete.size(), 1u);
  EXPECT_EQ(incomplete[0].inserts, (std::vector<std::string>{"1", "3000"}));
  sim_->finish_stuck_teardowns();
}

}  // namespace
}  // namespace rasbroker::testing
