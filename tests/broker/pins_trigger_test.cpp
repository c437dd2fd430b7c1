// Pinned entries, every trigger that dials one: the service's start, a lost link (both drop
// modes, with and without RAS's notification), a failed dial, a connection hung up outside
// the service (its own, or an adopted one that vanished), and the host's events (resumed,
// network changed), which cut the wait short but keep the failure count.
#include "pins_harness.hpp"

namespace rasbroker::testing {
namespace {

using protocol::PinState;
using protocol::Reason;

TEST_F(PinsHarness, AConfiguredPinIsDialledAtStartAndShownUp) {
  make(kOfficeVpn, pin_config({"Office VPN"}));
  ASSERT_TRUE(run_until_pin("Office VPN", PinState::up));
  const auto p = *pin_of("Office VPN");
  EXPECT_EQ(p.source, protocol::PinSource::config);
  EXPECT_EQ(p.failures, 0u);
  const auto c = find("Office VPN");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->pinned);
  EXPECT_EQ(p.connection, c->id);
  EXPECT_FALSE(c->owner) << "a pin's dial is the service's own";
  EXPECT_EQ(sim_->stats().dial_calls, 1u);
  expect_nothing_leaked();
}

TEST_F(PinsHarness, AnEntryAlreadyConnectedAtStartIsFollowedNotDialled) {
  make({{"entries", {{{"name", "Office VPN"}}}}, {"connected", {"Office VPN"}}}, pin_config({"Office VPN"}));
  EXPECT_EQ(state_of("Office VPN"), PinState::up);
  EXPECT_EQ(sim_->stats().dial_calls, 0u);
  // Its dialler hangs it up: the adopted connection vanishes and the pin dials it itself.
  ASSERT_EQ(sim_->external_hang_up("Office VPN"), 0u);
  broker_->on_host_event(broker::HostEvent::network_changed);  // or the watch's next poll
  ASSERT_TRUE(run_until_pin("Office VPN", PinState::waiting, 30s));
  EXPECT_TRUE(pin_of("Office VPN")->last_error);
  EXPECT_EQ(pin_of("Office VPN")->failures, 1u);
  ASSERT_TRUE(run_until_pin("Office VPN", PinState::up, 30s));
  EXPECT_EQ(sim_->stats().dial_calls, 1u);
  expect_nothing_leaked();
}

// (drop mode, notifications reliable or all lost)
class PinLinkLost : public PinsHarness, public ::testing::WithParamInterface<std::tuple<const char*, bool>> {};

INSTANTIATE_TEST_SUITE_P(Modes, PinLinkLost,
                         ::testing::Combine(::testing::Values("invalid_handle", "disconnected_state"), ::testing::Bool()),
                         [](const auto& info) {
                           return std::string(std::get<0>(info.param)) + (std::get<1>(info.param) ? "_notified" : "_polled");
                         });

TEST_P(PinLinkLost, TheLinkIsDialledAgainAfterTheFirstWait) {
  nlohmann::json notifications = std::get<1>(GetParam()) ? nlohmann::json::object() : nlohmann::json{{"drop_every", 1}};
  make({{"entries", {{{"name", "Office VPN"}, {"drop_mode", std::get<0>(GetParam())}}}}, {"notifications", notifications}},
       pin_config({"Office VPN"}));
  ASSERT_TRUE(run_until_pin("Office VPN", PinState::up));
  const auto first = find("Office VPN")->id;
  ASSERT_EQ(sim_->drop_link("Office VPN"), 0u);
  ASSERT_TRUE(run_until_pin("Office VPN", PinState::waiting, 10s));
  const auto waiting = *pin_of("Office VPN");
  EXPECT_EQ(waiting.failures, 1u);
  ASSERT_TRUE(waiting.last_error);
  EXPECT_TRUE(waiting.next_attempt_at);
  EXPECT_EQ(event_of(first, ConnectionState::hanging_up)->reason, Reason::link_lost);
  ASSERT_TRUE(run_until_redialled("Office VPN", first));
  EXPECT_EQ(state_of("Office VPN"), PinState::up);
  EXPECT_EQ(pin_of("Office VPN")->failures, 0u) << "up again: the count starts over";
  EXPECT_EQ(sim_->stats().dial_calls, 2u);
  expect_nothing_leaked();
}

TEST_F(PinsHarness, ADialThatFailsIsRetriedUntilItConnects) {
  auto& ras = make_refusing(kOfficeVpn, pin_config(), 3);
  pin("Office VPN");
  ASSERT_EQ(state_of("Office VPN"), PinState::waiting);
  EXPECT_EQ(pin_of("Office VPN")->last_error->ras_error, 678u);
  EXPECT_FALSE(broker_->pins(admin()).empty());
  ASSERT_TRUE(run_until_pin("Office VPN", PinState::up, 120s));
  EXPECT_EQ(ras.dials, 4);
  expect_nothing_leaked();
}

TEST_F(PinsHarness, ADialThatFailsMidWayIsRetried) {
  // RAS ends the pin's dial half-way (someone else hangs it up: 631 to the dialler).
  make({{"entries", {{{"name", "Office VPN"}, {"connect_ms", 3000}}}}}, pin_config({"Office VPN"}));
  ASSERT_EQ(state_of("Office VPN"), PinState::dialing);
  run_for(1s);
  ASSERT_EQ(sim_->external_hang_up("Office VPN"), 0u);
  ASSERT_TRUE(run_until_pin("Office VPN", PinState::waiting, 10s));
  ASSERT_TRUE(run_until_pin("Office VPN", PinState::up, 60s));
  EXPECT_EQ(sim_->stats().dial_calls, 2u);
  expect_nothing_leaked();
}

TEST_F(PinsHarness, TheirOwnConnectionHungUpOutsideTheServiceIsDialledAgain) {
  make(kOfficeVpn, pin_config({"Office VPN"}));
  ASSERT_TRUE(run_until_pin("Office VPN", PinState::up));
  const auto first = find("Office VPN")->id;
  ASSERT_EQ(sim_->external_hang_up("Office VPN"), 0u);
  ASSERT_TRUE(run_until_redialled("Office VPN", first));
  expect_nothing_leaked();
}

class PinHostEvent : public PinsHarness, public ::testing::WithParamInterface<broker::HostEvent> {};

INSTANTIATE_TEST_SUITE_P(Events, PinHostEvent,
                         ::testing::Values(broker::HostEvent::resumed, broker::HostEvent::network_changed),
                         [](const auto& info) {
                           return info.param == broker::HostEvent::resumed ? "resumed" : "network_changed";
                         });

TEST_P(PinHostEvent, DialsAWaitingPinAtOnceAndKeepsItsFailureCount) {
  auto cfg = pin_config();
  cfg.keep_connected.push_back({"Office VPN", "", {60'000, 600'000}});
  auto& ras = make_refusing(kOfficeVpn, cfg, 2);
  ASSERT_EQ(ras.dials, 1);  // refused at start: about a minute to wait
  ASSERT_EQ(state_of("Office VPN"), PinState::waiting);
  broker_->on_host_event(GetParam());
  settle();
  EXPECT_EQ(ras.dials, 2) << "dialled at once";
  EXPECT_EQ(pin_of("Office VPN")->failures, 2u) << "the failure history stays";
  ras.refuse = 1;
  broker_->on_host_event(GetParam());
  settle();
  EXPECT_EQ(ras.dials, 3);
  EXPECT_EQ(pin_of("Office VPN")->failures, 3u);
  const auto wait = *pin_of("Office VPN")->next_attempt_at - std::chrono::system_clock::now();
  EXPECT_GT(wait, std::chrono::seconds(150)) << "the third failure waits longer than the first two (4 x 60 s, jittered)";
  broker_->on_host_event(GetParam());
  ASSERT_TRUE(run_until_pin("Office VPN", PinState::up, 10s));
  expect_nothing_leaked();
}

}  // namespace
}  // namespace rasbroker::testing
