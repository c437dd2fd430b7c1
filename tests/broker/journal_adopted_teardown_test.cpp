// An adopted connection the service hung up owes RAS the reaping of its teardown like any
// other (docs/ras-rules.md#teardown). When the teardown outlasts the service (stuck at stop,
// or the process dies), the journal names it, so that the next instance sees it to the end:
// RasEnumConnections never lists a teardown, so nothing else would find it again.
// Found by the deterministic simulation (tests/dst), seed 2.
#include "broker_harness.hpp"
#include "memory_journal_store.hpp"

namespace rasbroker::testing {
namespace {

using protocol::HangupWait;

// Someone else's connection whose teardown RAS holds until the test lets it go.
const nlohmann::json kStuckAdopted = {
    {"entries", {{{"name", "Office VPN"}, {"connect_ms", 100}, {"teardown_ms", 100}, {"teardown_never", true}}}},
    {"connected", {"Office VPN"}}};

class JournalAdoptedTeardownTest : public BrokerHarness {
 protected:
  void SetUp() override {
    BrokerHarness::SetUp();
    journal_store_ = store_;
    make(kStuckAdopted);
    const auto adopted = find("Office VPN");
    ASSERT_TRUE(adopted && adopted->adopted);
    id_ = adopted->id;
    auto h = hangup(hangup_entry("Office VPN"));
    ASSERT_TRUE(run_until([&] { return h->done; }));
    run_for(1s);  // past the journal writer's coalescing window
  }
  // The next instance took the teardown back, reaps it once RAS lets go, and nothing leaks.
  void expect_the_next_instance_reaps_it() {
    broker_ = make_broker(fast_config());
    const auto c = find("Office VPN");
    ASSERT_TRUE(c) << "the next instance does not know the teardown it owes\n" << log_text();
    EXPECT_EQ(c->id, id_);
    EXPECT_TRUE(c->adopted);
    EXPECT_EQ(c->state, ConnectionState::hanging_up);
    sim_->finish_stuck_teardowns();
    ASSERT_TRUE(run_until([&] { return !find("Office VPN"); })) << log_text();
    EXPECT_TRUE(saw_event(id_, ConnectionState::gone));
    expect_nothing_leaked();
  }

  std::shared_ptr<MemoryJournalStore> store_ = std::make_shared<MemoryJournalStore>();
  std::string id_;
};

TEST_F(JournalAdoptedTeardownTest, AStopThatGivesUpOnItLeavesItToTheNextInstance) {
  auto stopped = spawn_stop();
  ASSERT_TRUE(run_until([&] { return stopped->done; })) << "stop did not complete";
  ASSERT_EQ(store_->saved().records.size(), 1u);
  EXPECT_TRUE(store_->record(0).info.adopted);
  EXPECT_EQ(store_->record(0).info.state, ConnectionState::hanging_up);
  expect_the_next_instance_reaps_it();
}

TEST_F(JournalAdoptedTeardownTest, ACrashLeavesItToTheNextInstance) {
  crash();
  expect_the_next_instance_reaps_it();
}

}  // namespace
}  // namespace rasbroker::testing
