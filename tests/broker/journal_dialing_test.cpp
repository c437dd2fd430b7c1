// A dial the journal says was in progress when the service died: found connected (ours),
// still dialling (ours, polled until it ends: its callbacks died with the process) or
// failed (hung up and reaped) — in both of the simulator's readings of what
// RasEnumConnections lists (docs/simulator.md): only connected connections, or every one
// RAS holds a handle for.
#include "broker_harness.hpp"
#include "memory_journal_store.hpp"

namespace rasbroker::testing {
namespace {

using protocol::Reason;

class JournalDialingTest : public BrokerHarness, public ::testing::WithParamInterface<const char*> {
 protected:
  // The first instance starts dialling `entry` and dies 100 ms later; `meanwhile` passes
  // with no service running; then the service starts again. Returns the dial's id.
  std::string dial_then_crash(const nlohmann::json& entry, Clock::duration meanwhile) {
    journal_store_ = store_;
    nlohmann::json scenario = {{"entries", {entry}}, {"enum_lists", GetParam()}};
    make(scenario);
    auto d = dial(entry["name"], protocol::DialWait::accepted);
    EXPECT_TRUE(d->value) << log_text();
    run_for(100ms);
    EXPECT_EQ(store_->record(0).info.state, ConnectionState::dialing);  // saved at once
    crash();
    run_for(meanwhile);
    broker_ = make_broker(fast_config());
    return d->value ? d->value->id : std::string();
  }
  std::optional<Connection> find_id(const std::string& id) {
    for (auto& c : broker_->list())
      if (c.id == id) return c;
    return std::nullopt;
  }

  std::shared_ptr<MemoryJournalStore> store_ = std::make_shared<MemoryJournalStore>();
};

TEST_P(JournalDialingTest, FoundConnectedIsOurs) {
  const auto id = dial_then_crash({{"name", "Office VPN"}, {"connect_ms", 800}}, 2s);
  const auto c = find_id(id);
  ASSERT_TRUE(c) << log_text();
  EXPECT_EQ(c->state, ConnectionState::connected);
  EXPECT_FALSE(c->adopted);
  ASSERT_TRUE(c->owner);
  EXPECT_EQ(c->owner->user, owner().user);
  EXPECT_TRUE(c->connected_at);
  run_for(1s);
  EXPECT_EQ(store_->record(0).info.state, ConnectionState::connected);
  expect_nothing_leaked();
  EXPECT_EQ(sim_->stats().hang_up_calls, 1u);  // the stop's
}

TEST_P(JournalDialingTest, StillDiallingIsOursAndWatchedUntilItConnects) {
  const auto id = dial_then_crash({{"name", "Office VPN"}, {"connect_ms", 5000}}, 1s);
  auto c = find_id(id);
  ASSERT_TRUE(c) << log_text();
  EXPECT_EQ(c->state, ConnectionState::dialing);
  EXPECT_FALSE(c->adopted);
  // No callback comes for it: the link watch's poll sees it connect.
  ASSERT_TRUE(run_until([&] { return saw_event(id, ConnectionState::connected); }, 10s)) << log_text();
  c = find_id(id);
  ASSERT_TRUE(c && c->owner);
  EXPECT_EQ(c->owner->user, owner().user);
  // A client dialling the entry meanwhile joins it.
  auto joined = dial("Office VPN");
  ASSERT_TRUE(joined->value);
  EXPECT_EQ(joined->value->id, id);
  expect_nothing_leaked();
}

TEST_P(JournalDialingTest, StillDiallingIsHungUpByTheStop) {
  const auto id = dial_then_crash({{"name", "Office VPN"}, {"connect_ms", 60000}}, 1s);
  ASSERT_TRUE(find_id(id)) << log_text();
  expect_nothing_leaked();
  EXPECT_TRUE(saw_event(id, ConnectionState::gone));
}

TEST_P(JournalDialingTest, FailedIsHungUpAndReaped) {
  const auto id = dial_then_crash(
      {{"name", "Office VPN"}, {"connect_ms", 2000}, {"fail_state", "RASCS_Authenticate"}, {"fail_error", 691}}, 3s);
  // Hung up at once, then reaped: the failed dial's handle is not left to anyone.
  ASSERT_TRUE(run_until([&] { return saw_event(id, ConnectionState::gone); })) << log_text();
  EXPECT_EQ(sim_->stats().hang_up_calls, 1u);
  EXPECT_EQ(logged("(taken back from the journal) failed: RAS error 691"), 1u) << log_text();
  run_for(1s);
  EXPECT_TRUE(store_->saved().records.empty());
  expect_nothing_leaked();
}

INSTANTIATE_TEST_SUITE_P(EnumReadings, JournalDialingTest, ::testing::Values("connected", "not_hung_up"));

}  // namespace
}  // namespace rasbroker::testing
