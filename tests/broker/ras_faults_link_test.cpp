// RAS faults, the link: drops with and without redial (both drop modes, with reliable, lost
// and late notifications), a drop during redial, lost notifications, and RasEnumConnections
// racing with new connections (docs/simulator.md: "A link that drops", "RasConnectionNotification",
// "RasEnumConnections racing with new connections").
#include <tuple>

#include "ras_faults.hpp"

namespace rasbroker::testing {
namespace {

using protocol::DialWait;
using protocol::HangupWait;
using protocol::Reason;

// The notifier's unreliability, by name: every notification, every other one missed, none
// at all (DotRas issue #105), or each 3 s late.
nlohmann::json notifications(const std::string& kind) {
  if (kind == "every_other_lost") return {{"drop_every", 2}};
  if (kind == "all_lost") return {{"drop_every", 1}};
  if (kind == "late") return {{"delay_ms", 3000}};
  return nlohmann::json::object();
}
const auto kNotificationKinds = ::testing::Values("reliable", "every_other_lost", "all_lost", "late");

// (drop mode, redial or not, notifications)
class LinkDrop : public RasFaults, public ::testing::WithParamInterface<std::tuple<const char*, bool, const char*>> {
 protected:
  static bool handle_dies() { return std::string(std::get<0>(GetParam())) == "invalid_handle"; }
  static bool redial() { return std::get<1>(GetParam()); }
};

INSTANTIATE_TEST_SUITE_P(Table, LinkDrop,
                         ::testing::Combine(::testing::Values("invalid_handle", "disconnected_state"),
                                            ::testing::Bool(), kNotificationKinds),
                         [](const auto& info) {
                           return std::string(std::get<0>(info.param)) +
                                  (std::get<1>(info.param) ? "_redial_" : "_no_redial_") + std::get<2>(info.param);
                         });

TEST_P(LinkDrop, IsHungUpReapedAndRedialledPerPolicy) {
  auto cfg = fast_config();
  if (redial()) cfg.redial["Office VPN"] = {1, 1000};
  make({{"entries", {{{"name", "Office VPN"}, {"drop_after_ms", 3000}, {"drop_mode", std::get<0>(GetParam())}}}},
        {"notifications", notifications(std::get<2>(GetParam()))}},
       cfg);
  const auto first = connect("Office VPN");
  ASSERT_TRUE(run_until([&] { return saw_event(first, ConnectionState::gone); }, 30s));
  const auto dropped = event_of(first, ConnectionState::hanging_up);
  ASSERT_TRUE(dropped);
  EXPECT_EQ(dropped->reason, Reason::link_lost);
  ASSERT_TRUE(dropped->error);
  EXPECT_EQ(dropped->error->ras_error, handle_dies() ? ras::err::kInvalidHandle : ras::err::kRemoteDisconnection);
  if (redial()) {
    // The redialled link drops too, and then no attempt is left.
    ASSERT_TRUE(run_until([&] { return sim_->stats().dial_calls == 2 && !find("Office VPN"); }, 60s));
  }
  run_for(30s, 100ms);
  const std::uint64_t dials = redial() ? 2 : 1;
  EXPECT_EQ(sim_->stats().dial_calls, dials);
  EXPECT_EQ(sim_->stats().hang_up_calls, dials);  // each dropped link hung up once, also a dead handle
  EXPECT_FALSE(find("Office VPN"));
  expect_nothing_leaked();
}

// Every notification lost and the backstop poll a minute away: the host's word that the
// machine resumed (or its network changed) is what makes the broker look at once.
class HostEventTest : public RasFaults, public ::testing::WithParamInterface<broker::HostEvent> {};

INSTANTIATE_TEST_SUITE_P(Events, HostEventTest,
                         ::testing::Values(broker::HostEvent::resumed, broker::HostEvent::network_changed),
                         [](const auto& info) {
                           return info.param == broker::HostEvent::resumed ? "resumed" : "network_changed";
                         });

TEST_P(HostEventTest, ALinkThatDroppedUnnoticedIsFoundAtOnce) {
  auto cfg = fast_config();
  cfg.link_poll = 60s;
  make({{"entries", {{{"name", "Office VPN"}, {"drop_mode", "disconnected_state"}}}},
        {"notifications", notifications("all_lost")}},
       cfg);
  const auto id = connect("Office VPN");
  ASSERT_EQ(sim_->drop_link("Office VPN"), 0u);
  run_for(2s);
  EXPECT_FALSE(saw_event(id, ConnectionState::hanging_up));  // nothing told the broker yet
  broker_->on_host_event(GetParam());
  settle();
  const auto dropped = event_of(id, ConnectionState::hanging_up);
  ASSERT_TRUE(dropped);
  EXPECT_EQ(dropped->reason, Reason::link_lost);
  EXPECT_EQ(logged("checking every link now"), 1u);
  ASSERT_TRUE(run_until([&] { return saw_event(id, ConnectionState::gone); }, 30s));
  expect_nothing_leaked();
}

class DropDuringRedial : public RasFaults {
 protected:
  // The connection of `entry` whose id is none of `not_ids`, once it exists.
  std::optional<Connection> another(const std::string& entry, const std::vector<std::string>& not_ids) {
    auto c = find(entry);
    if (!c || std::find(not_ids.begin(), not_ids.end(), c->id) != not_ids.end()) return std::nullopt;
    return c;
  }
};

TEST_F(DropDuringRedial, TheRedialCutOffByRasIsAFailedAttemptAndTheNextOneConnects) {
  auto cfg = fast_config();
  cfg.redial["Office VPN"] = {2, 500};
  make({{"entries", {{{"name", "Office VPN"}, {"connect_ms", 3000}, {"teardown_ms", 500}}}}}, cfg);
  const auto first = connect("Office VPN");
  ASSERT_EQ(sim_->drop_link("Office VPN"), 0u);
  ASSERT_TRUE(run_until([&] { return another("Office VPN", {first}).has_value(); }, 30s));
  const auto redial = *another("Office VPN", {first});
  ASSERT_EQ(redial.state, ConnectionState::dialing);
  run_for(1s);
  // RAS ends the redial's dial half-way (someone hangs it up: 631 to the dialler).
  ASSERT_EQ(sim_->external_hang_up("Office VPN"), 0u);
  ASSERT_TRUE(run_until([&] {
    auto c = another("Office VPN", {first, redial.id});
    return c && c->state == ConnectionState::connected;
  }, 30s));
  const auto cut = event_of(redial.id, ConnectionState::hanging_up);
  ASSERT_TRUE(cut);
  EXPECT_EQ(cut->reason, Reason::dial_failed);
  EXPECT_TRUE(saw_event(redial.id, ConnectionState::gone));
  EXPECT_EQ(sim_->stats().dial_calls, 3u);
  expect_nothing_leaked();
}

TEST_F(DropDuringRedial, ALinkThatKeepsDroppingUsesUpTheAttemptsAndNothingMore) {
  auto cfg = fast_config();
  cfg.redial["Office VPN"] = {3, 200};
  make({{"entries", {{{"name", "Office VPN"}, {"drop_after_ms", 200}, {"teardown_ms", 300}}}}}, cfg);
  connect("Office VPN");
  ASSERT_TRUE(run_until([&] { return sim_->stats().dial_calls == 4 && !find("Office VPN"); }, 60s));
  run_for(60s, 100ms);
  EXPECT_EQ(sim_->stats().dial_calls, 4u);
  EXPECT_EQ(logged("no attempts left"), 1u);
  expect_nothing_leaked();
}

TEST_F(DropDuringRedial, AStopWhileTheRedialWaitsDialsNothing) {
  auto cfg = fast_config();
  cfg.redial["Office VPN"] = {1, 10000};
  make({{"entries", {{{"name", "Office VPN"}, {"teardown_ms", 500}}}}}, cfg);
  connect("Office VPN");
  ASSERT_EQ(sim_->drop_link("Office VPN"), 0u);
  run_for(3s);  // dropped, hung up, reaped: the redial waits out its 10 s backoff
  EXPECT_FALSE(find("Office VPN"));
  expect_nothing_leaked();
  run_for(20s, 100ms);
  EXPECT_EQ(sim_->stats().dial_calls, 1u);
}

class LostNotifications : public RasFaults, public ::testing::WithParamInterface<const char*> {
 protected:
  nlohmann::json scenario(nlohmann::json s) const {
    s["notifications"] = notifications(GetParam());
    return s;
  }
};

INSTANTIATE_TEST_SUITE_P(Kinds, LostNotifications, kNotificationKinds);

TEST_P(LostNotifications, AHangUpFromOutsideIsNoticedByThePoll) {
  make(scenario({{"entries", {{{"name", "Office VPN"}, {"teardown_ms", 500}}}}}));
  const auto id = connect("Office VPN");
  ASSERT_EQ(sim_->external_hang_up("Office VPN"), 0u);
  ASSERT_TRUE(run_until([&] { return saw_event(id, ConnectionState::gone); }, 30s));
  expect_nothing_leaked();
}

TEST_P(LostNotifications, AConnectionDialledElsewhereIsAdoptedAndHungUp) {
  make(scenario({{"entries", {{{"name", "Office VPN"}}, {{"name", "Branch VPN"}}}}}));
  connect("Office VPN");  // ours: the link watch polls
  ras::DialRequest r;
  r.entry = "Branch VPN";
  ASSERT_NE(sim_->dial(r, {}).handle, ras::kNullHandle);  // another program dials through RAS
  run_for(5s);
  // Adopted by the notification when one comes, else by the first list (which adopts newcomers first).
  const auto branch = find("Branch VPN");
  ASSERT_TRUE(branch);
  EXPECT_TRUE(branch->adopted);
  protocol::HangupParams all;
  all.target.all = true;
  all.wait = HangupWait::gone;
  auto h = hangup(all);
  ASSERT_TRUE(run_until([&] { return h->done; }));
  ASSERT_TRUE(h->value);
  expect_nothing_leaked();
}

class EnumerationRace : public RasFaults {
 protected:
  // `n` entries named "E1" … "En".
  static nlohmann::json entries(int n) {
    auto out = nlohmann::json::array();
    for (int i = 1; i <= n; ++i) out.push_back({{"name", "E" + std::to_string(i)}});
    return out;
  }
  static nlohmann::json names(int from, int to) {
    auto out = nlohmann::json::array();
    for (int i = from; i <= to; ++i) out.push_back("E" + std::to_string(i));
    return out;
  }
  // Hangs up every connection (the administrator may) and waits until all are gone.
  void hang_up_all() {
    protocol::HangupParams all;
    all.target.all = true;
    all.wait = HangupWait::gone;
    auto h = hangup(all);
    ASSERT_TRUE(run_until([&] { return h->done; }));
    ASSERT_TRUE(h->value) << h->rpc_error().what();
  }
};

TEST_F(EnumerationRace, ConnectionsAppearingBetweenTheCallsAreAllAdopted) {
  make({{"entries", entries(4)}, {"connected", names(1, 2)}, {"enum_race", names(3, 4)}});
  EXPECT_EQ(sim_->stats().enum_race_connections, 2u);
  EXPECT_EQ(broker_->status().connections.total, 4u);  // by the start's one enumeration (status adopts nothing)
  const auto all = broker_->list();
  ASSERT_EQ(all.size(), 4u);
  for (const auto& c : all) EXPECT_TRUE(c.adopted) << c.entry;
  EXPECT_EQ(logged("RasEnumConnections returned"), 0u);
  hang_up_all();
  expect_nothing_leaked();
}

TEST_F(EnumerationRace, MoreRacesThanAttemptsFailOneEnumerationNotTheNext) {
  // 2 up, then 8 appearing one after each 603: the start's enumeration gives up after its 8
  // attempts; the notifications of the newcomers make the broker look again.
  make({{"entries", entries(10)}, {"connected", names(1, 2)}, {"enum_race", names(3, 10)}});
  EXPECT_EQ(logged("adoption: RasEnumConnections returned 603"), 1u) << log_text();
  EXPECT_EQ(broker_->status().connections.total, 10u);  // status adopts nothing: the notifications did
  EXPECT_EQ(broker_->list().size(), 10u);
  hang_up_all();
  expect_nothing_leaked();
}

TEST_F(EnumerationRace, ARaceBesideOurOwnDialKeepsItOursAndAdoptsTheRest) {
  make({{"entries", entries(3)}, {"connected", names(2, 2)}, {"enum_race", names(3, 3)}});
  const auto ours = connect("E1");
  const auto all = broker_->list();
  ASSERT_EQ(all.size(), 3u);
  for (const auto& c : all) EXPECT_EQ(c.adopted, c.id != ours) << c.entry;
  EXPECT_EQ(sim_->stats().enum_race_connections, 1u);
  expect_nothing_leaked();  // the stop hangs up ours and leaves the adopted ones to their diallers
  EXPECT_EQ(sim_->stats().hang_up_calls, 1u);
}

}  // namespace
}  // namespace rasbroker::testing
