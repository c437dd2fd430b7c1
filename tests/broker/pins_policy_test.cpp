// Pinned entries, what a pin does besides dialling: the failures it stops for (691, 623,
// 703) and those it retries, its backoff (capped, jittered, repeatable with a seed, never a
// tight loop), who may pin and unpin, the hang-up that unpins, the stop, the journal that
// keeps run-time pins across a restart, and that nothing polls for a pin that has nothing to do.
#include "broker/pin.hpp"
#include "memory_journal_store.hpp"
#include "pins_harness.hpp"

namespace rasbroker::testing {
namespace {

using protocol::PinState;

// ---------------------------------------------------------------- backoff

TEST(PinDelay, DoublesUpToTheCapJitteredByAtMostAQuarterAndRepeatsWithTheSeed) {
  const protocol::PinBackoff backoff{5'000, 600'000};
  std::mt19937_64 a(7);
  for (std::uint32_t failures = 1; failures <= 40; ++failures) {
    const auto nominal = std::min<double>(600'000, 5'000 * std::pow(2.0, std::min<std::uint32_t>(failures - 1, 30)));
    const double ms = std::chrono::duration<double, std::milli>(broker::pin_delay(backoff, failures, a)).count();
    EXPECT_LE(ms, nominal) << failures;
    EXPECT_GE(ms, nominal * 0.75) << failures;
  }
  std::mt19937_64 c(7), d(7);
  std::vector<Clock::duration> first, second;
  for (std::uint32_t f = 1; f <= 12; ++f) first.push_back(broker::pin_delay(backoff, f, c));
  for (std::uint32_t f = 1; f <= 12; ++f) second.push_back(broker::pin_delay(backoff, f, d));
  EXPECT_EQ(first, second) << "same seed, same schedule";
  std::mt19937_64 e(8);
  std::vector<Clock::duration> other;
  for (std::uint32_t f = 1; f <= 12; ++f) other.push_back(broker::pin_delay(backoff, f, e));
  EXPECT_NE(first, other) << "jittered: another seed, other waits";
  // The smallest backoff allowed never makes a tight loop.
  std::mt19937_64 g(1);
  EXPECT_GE(broker::pin_delay({protocol::kPinBackoffMinMs, protocol::kPinBackoffMinMs}, 1, g), std::chrono::milliseconds(750));
}

TEST_F(PinsHarness, AnEntryThatNeverConnectsIsDialledEverSlowerButNeverGivenUp) {
  make({{"entries", {{{"name", "Office VPN"}, {"fail_state", "RASCS_ConnectDevice"}, {"fail_error", 678}}}}},
       pin_config({"Office VPN"}));
  run_for(std::chrono::hours(1), 1s);
  // 5 s doubling to 10 min: 5+10+20+40+80+160+320 s, then every 10 min (each shortened by
  // at most a quarter): 13 to 17 dials in the hour, never more.
  const auto dials = sim_->stats().dial_calls;
  EXPECT_GE(dials, 13u);
  EXPECT_LE(dials, 17u);
  EXPECT_EQ(state_of("Office VPN"), PinState::waiting);
  EXPECT_EQ(pin_of("Office VPN")->failures, dials);
  EXPECT_EQ(pin_of("Office VPN")->last_error->ras_error, 678u);
  expect_nothing_leaked();
}

// ---------------------------------------------------------------- what stops a pin

struct Unfixable {
  const char* name;
  nlohmann::json entry;  // the scenario's entry (or another one: 623)
  std::uint32_t error;
};

class PinStops : public PinsHarness, public ::testing::WithParamInterface<Unfixable> {};

INSTANTIATE_TEST_SUITE_P(
    Errors, PinStops,
    ::testing::Values(Unfixable{"BadCredentials", {{"name", "Office VPN"}, {"fail_state", "RASCS_Authenticate"}, {"fail_error", 691}}, 691},
                      Unfixable{"NoSuchEntry", {{"name", "Another VPN"}}, 623},
                      Unfixable{"InteractiveSignIn", {{"name", "Office VPN"}, {"fail_state", "RASCS_Authenticate"}, {"fail_error", 703}}, 703}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_P(PinStops, UntilAnAdministratorPinsAgainWithAnEventAndNoMoreDials) {
  make({{"entries", {GetParam().entry}}}, pin_config({"Office VPN"}));
  ASSERT_TRUE(run_until_pin("Office VPN", PinState::stopped, 30s));
  const auto p = *pin_of("Office VPN");
  EXPECT_EQ(p.last_error->ras_error, GetParam().error);
  ASSERT_TRUE(p.stopped_reason);
  EXPECT_FALSE(p.next_attempt_at);
  const auto events = admin_events_.of(events::Kind::pin_stopped);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].inserts[0], "\"Office VPN\"");
  EXPECT_EQ(events[0].inserts[1], std::to_string(GetParam().error));
  ASSERT_TRUE(run_until([&] { return broker_->list().empty(); }, 30s)) << "the failed dial is reaped";
  const auto dials = sim_->stats().dial_calls;
  const auto statuses = sim_->stats().status_calls;
  run_for(std::chrono::hours(1), 10s);
  EXPECT_EQ(sim_->stats().dial_calls, dials) << "stopped: never dialled again";
  EXPECT_EQ(sim_->stats().status_calls, statuses) << "and nothing polls for it";
  // get by entry says why it is down.
  try {
    broker_->get(protocol::Selector{.id = {}, .entry = "Office VPN", .all = false}, admin());
    ADD_FAILURE() << "get answered";
  } catch (const protocol::RpcError& e) {
    EXPECT_EQ(e.code(), protocol::ErrorCode::not_found);
    EXPECT_NE(std::string(e.what()).find("it is pinned: stopped after " + std::to_string(GetParam().error)), std::string::npos)
        << e.what();
    EXPECT_EQ(e.data()["pin"]["state"], "stopped");
  }
  // The administrator pins it again: one more dial (which fails the same way).
  EXPECT_EQ(pin("Office VPN").failures, GetParam().error == 623 ? 1u : 0u);
  ASSERT_TRUE(run_until_pin("Office VPN", PinState::stopped, 30s));
  EXPECT_EQ(sim_->stats().dial_calls, dials + 1);
  EXPECT_EQ(admin_events_.of(events::Kind::pin_stopped).size(), 2u);
  expect_nothing_leaked();
}

// ---------------------------------------------------------------- who may

TEST_F(PinsHarness, OnlyAdministratorsPinUnpinOrHangUpAPinnedConnection) {
  auto cfg = pin_config();
  cfg.authorization.hangup_others = authz::HangupRight::anyone;
  make(kOfficeVpn, cfg);
  const authz::Caller bob{.owner = {7, "CORP\\bob"}, .admin = false, .member_of = {}};
  protocol::PinParams params;
  params.entry = "Office VPN";
  EXPECT_THROW(broker_->pin(params, bob), authz::Refusal);
  EXPECT_TRUE(broker_->pins(admin()).empty());
  pin("Office VPN");
  ASSERT_TRUE(run_until_pin("Office VPN", PinState::up));
  EXPECT_THROW(broker_->unpin({"Office VPN"}, bob), authz::Refusal);
  // Bob may hang up others' connections, but not a pinned one: refused, or left out of "all".
  auto named = spawn(broker_->hangup(hangup_entry("Office VPN"), bob));
  ASSERT_TRUE(named->done);
  EXPECT_EQ(named->rpc_error().code(), protocol::ErrorCode::unauthorized);
  protocol::HangupParams all;
  all.target.all = true;
  auto everything = spawn(broker_->hangup(all, bob));
  ASSERT_TRUE(everything->value);
  EXPECT_TRUE(everything->value->empty());
  EXPECT_EQ(state_of("Office VPN"), PinState::up);
  expect_nothing_leaked();
}

TEST_F(PinsHarness, AnAdministratorsHangUpUnpinsAndSaysSo) {
  make(kOfficeVpn, pin_config());
  pin("Office VPN");
  ASSERT_TRUE(run_until_pin("Office VPN", PinState::up));
  std::vector<std::string> unpinned;
  auto done = spawn(broker_->hangup(hangup_entry("Office VPN"), admin(), &unpinned));
  ASSERT_TRUE(done->value);
  EXPECT_EQ(unpinned, std::vector<std::string>{"Office VPN"});
  EXPECT_FALSE(done->value->front().pinned);
  EXPECT_TRUE(broker_->pins(admin()).empty());
  run_for(5min, 1s);
  EXPECT_EQ(sim_->stats().dial_calls, 1u) << "unpinned: not dialled again";
  expect_nothing_leaked();
}

TEST_F(PinsHarness, UnpinningAConfiguredPinStopsItUntilTheServiceRestarts) {
  make(kOfficeVpn, pin_config({"Office VPN"}));
  ASSERT_TRUE(run_until_pin("Office VPN", PinState::up));
  const auto answer = broker_->unpin({"office vpn"}, admin());
  ASSERT_TRUE(answer.pin);
  EXPECT_EQ(answer.pin->state, PinState::stopped);
  EXPECT_EQ(answer.entry, "Office VPN");
  // Its connection stays up; when it drops, nothing dials it.
  ASSERT_EQ(sim_->drop_link("Office VPN"), 0u);
  run_for(5min, 1s);
  EXPECT_EQ(sim_->stats().dial_calls, 1u);
  // A run-time pin is gone once unpinned; unpinning again changes nothing.
  pin("Office VPN");
  ASSERT_TRUE(run_until_pin("Office VPN", PinState::up));
  EXPECT_EQ(pin_of("Office VPN")->source, protocol::PinSource::config) << "pin re-arms the configuration's";
  expect_nothing_leaked();
}

TEST_F(PinsHarness, DialWithKeepDialsAndPinsAndRefusesAPassword) {
  make(kOfficeVpn, pin_config());
  auto params = dial_params("Office VPN", protocol::DialWait::connected);
  params.keep = true;
  auto d = spawn(broker_->dial(params, admin()));
  ASSERT_TRUE(run_until([&] { return d->done; }));
  ASSERT_TRUE(d->value) << d->rpc_error().what();
  EXPECT_TRUE(d->value->pinned);
  EXPECT_EQ(state_of("Office VPN"), PinState::up);
  EXPECT_EQ(pin_of("Office VPN")->source, protocol::PinSource::runtime);
  EXPECT_THROW(protocol::parse_dial_params({{"entry", "Office VPN"}, {"keep", true}, {"password", "pw"}}), protocol::RpcError);
  expect_nothing_leaked();
}

// ---------------------------------------------------------------- stop, journal, polling

TEST_F(PinsHarness, StopNeverDialsAPinAgain) {
  auto cfg = pin_config({"Office VPN"});
  cfg.on_stop = broker::OnStop::leave;
  make({{"entries", {{{"name", "Office VPN"}, {"drop_after_ms", 5000}}}}}, cfg);
  ASSERT_TRUE(run_until_pin("Office VPN", PinState::up));
  auto stopped = spawn_stop();
  ASSERT_TRUE(run_until([&] { return stopped->done; }));
  run_for(2min, 1s);  // the link drops after the stop: nobody dials it
  EXPECT_EQ(sim_->stats().dial_calls, 1u);
  EXPECT_EQ(logged("pin \"Office VPN\": down"), 0u);
}

TEST_F(PinsHarness, StopWithHangupHangsUpPinnedConnectionsAndLeavesNothing) {
  make(kOfficeVpn, pin_config({"Office VPN"}));
  ASSERT_TRUE(run_until_pin("Office VPN", PinState::up));
  expect_nothing_leaked();
  EXPECT_EQ(sim_->stats().dial_calls, 1u);
}

TEST_F(PinsHarness, RunTimePinsAreJournalledAndPinnedAgainAfterARestart) {
  auto store = std::make_shared<MemoryJournalStore>();
  journal_store_ = store;
  make({{"entries", {{{"name", "Office VPN"}}, {{"name", "Lab VPN"}}}}}, pin_config({"Lab VPN"}));
  protocol::PinParams params;
  params.entry = "Office VPN";
  params.backoff = protocol::PinBackoff{2'000, 60'000};
  broker_->pin(params, admin());
  ASSERT_TRUE(run_until_pin("Office VPN", PinState::up));
  run_for(2s);
  ASSERT_EQ(store->saved().pins.size(), 1u) << "the configuration's pin is not journalled";
  EXPECT_EQ(store->saved().pins[0], (journal::JournalPin{"Office VPN", "", {2'000, 60'000}}));
  crash();
  broker_ = make_broker(pin_config({"Lab VPN"}));
  // Its connection is taken back from the journal and followed, not dialled again.
  EXPECT_EQ(state_of("Office VPN"), PinState::up);
  EXPECT_EQ(pin_of("Office VPN")->backoff, (protocol::PinBackoff{2'000, 60'000}));
  EXPECT_EQ(pin_of("Office VPN")->source, protocol::PinSource::runtime);
  EXPECT_EQ(sim_->stats().dial_calls, 2u);
  const auto restored = find("Office VPN")->id;
  ASSERT_EQ(sim_->drop_link("Office VPN"), 0u);
  ASSERT_TRUE(run_until_redialled("Office VPN", restored));
  // Unpinned: gone from the journal too.
  broker_->unpin({"Office VPN"}, admin());
  run_for(2s);
  EXPECT_TRUE(store->saved().pins.empty());
  expect_nothing_leaked();
}

TEST_F(PinsHarness, NothingPollsWhenNothingIsPinnedOrDown) {
  make(kOfficeVpn, pin_config());
  run_for(10min, 1s);
  EXPECT_EQ(sim_->stats().status_calls, 0u);
  EXPECT_EQ(sim_->stats().dial_calls, 0u);
  // A pinned, healthy link costs what any connected link costs: the watch's poll, no more.
  pin("Office VPN");
  ASSERT_TRUE(run_until_pin("Office VPN", PinState::up));
  const auto before = sim_->stats();
  run_for(60s, 1s);
  const auto pinned_polls = sim_->stats().status_calls - before.status_calls;
  EXPECT_LE(pinned_polls, 61u);  // link_poll is 1 s
  EXPECT_EQ(sim_->stats().dial_calls, 1u);
  expect_nothing_leaked();
}

}  // namespace
}  // namespace rasbroker::testing
