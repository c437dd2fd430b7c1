// Writing the journal is cheap: a burst of changes is a couple of saves, not one each, and
// the last save has the last state; a failed save is logged once and tried again.
#include "broker_harness.hpp"
#include "memory_journal_store.hpp"

namespace rasbroker::testing {
namespace {

using protocol::DialWait;
using protocol::HangupWait;

// 20 entries that all connect 800 ms after their dial.
nlohmann::json twenty_entries() {
  nlohmann::json entries = nlohmann::json::array();
  for (int i = 0; i < 20; ++i) entries.push_back({{"name", "VPN " + std::to_string(i)}, {"connect_ms", 800}});
  return {{"entries", entries}};
}

class JournalCoalescingTest : public BrokerHarness {
 protected:
  void SetUp() override {
    BrokerHarness::SetUp();
    journal_store_ = store_;
  }
  std::shared_ptr<MemoryJournalStore> store_ = std::make_shared<MemoryJournalStore>();
};

TEST_F(JournalCoalescingTest, ABurstOfChangesIsAFewSaves) {
  make(twenty_entries());
  const auto at_start = store_->saves();
  EXPECT_EQ(at_start, 1u);  // the journal as the start found it
  // 20 dials in one go (20 new handles: urgent), then 20 connections (not urgent) ...
  std::vector<std::shared_ptr<Pending<Connection>>> dials;
  for (int i = 0; i < 20; ++i) {
    auto p = std::make_shared<Pending<Connection>>();
    boost::asio::co_spawn(*io_, broker_->dial(dial_params("VPN " + std::to_string(i)), admin()),
                          [p](std::exception_ptr e, Connection c) {
                            p->done = true;
                            p->error = e;
                            p->value = std::move(c);
                          });
    dials.push_back(p);
  }
  settle();
  EXPECT_EQ(store_->saves(), at_start + 1) << "20 new handles, one save";
  EXPECT_EQ(store_->saved().records.size(), 20u);
  run_for(2s);
  EXPECT_LE(store_->saves(), at_start + 3) << "20 connections fold into one or two saves";
  const auto saved = store_->saved();
  for (const auto& r : saved.records) EXPECT_EQ(r.info.state, ConnectionState::connected) << r.info.id;
  EXPECT_EQ(store_->saved().next_seq, 21u);
  // ... then the stop: 20 hang-ups, 20 teardowns, one flush.
  const auto before_stop = store_->saves();
  expect_nothing_leaked();
  EXPECT_LE(store_->saves(), before_stop + 4) << "80 changes made " << store_->saves() << " saves in all";
  EXPECT_TRUE(store_->saved().records.empty());
  EXPECT_EQ(store_->saved().next_seq, 21u);
}

TEST_F(JournalCoalescingTest, ANewHandleAndAHangUpAreSavedAtOnceAConnectionWithinTheWindow) {
  make(kOfficeVpn);
  auto d = dial("Office VPN");
  ASSERT_TRUE(d->value);
  EXPECT_EQ(store_->record(0).info.state, ConnectionState::dialing);  // no time has passed
  ASSERT_TRUE(run_until([&] { return saw_event(d->value->id, ConnectionState::connected); }));
  EXPECT_EQ(store_->record(0).info.state, ConnectionState::dialing);  // waits for company
  run_for(300ms);  // the 250 ms window
  EXPECT_EQ(store_->record(0).info.state, ConnectionState::connected);
  hangup(hangup_entry("Office VPN"));
  EXPECT_EQ(store_->record(0).info.state, ConnectionState::hanging_up);  // at once again
  expect_nothing_leaked();
}

TEST_F(JournalCoalescingTest, RasStateChatterIsNotSaved) {
  make({{"entries", {{{"name", "Office VPN"}, {"connect_ms", 5000}}}}});
  dial("Office VPN");
  const auto after_dial = store_->saves();
  run_for(4s);  // RASCS_* progress of the dial: shown by list, not journalled
  EXPECT_EQ(store_->saves(), after_dial);
  expect_nothing_leaked();
}

TEST_F(JournalCoalescingTest, AFailedSaveIsLoggedOnceAndTriedAgainAtTheNextChange) {
  make(kOfficeVpn);
  store_->fail_with("disk full");
  auto d = dial("Office VPN", DialWait::connected);
  ASSERT_TRUE(run_until([&] { return d->done; }));
  run_for(1s);
  EXPECT_GE(store_->saves(), 3u);  // the dial, its connection: each tried
  EXPECT_EQ(logged("journal: cannot save memory:journal.json: disk full"), 1u) << log_text();
  EXPECT_TRUE(store_->saved().records.empty());
  store_->fail_with("");
  auto h = hangup(hangup_entry("Office VPN"));  // the next change
  EXPECT_EQ(store_->record(0).info.state, ConnectionState::hanging_up);
  EXPECT_EQ(logged("journal: saved to memory:journal.json again"), 1u);
  expect_nothing_leaked();
}

TEST_F(JournalCoalescingTest, TheStopTriesAFailedSaveAgain) {
  auto leave = fast_config();
  leave.on_stop = broker::OnStop::leave;
  make(kOfficeVpn, leave);
  auto d = dial("Office VPN", DialWait::connected);
  ASSERT_TRUE(run_until([&] { return d->done; }));
  store_->fail_with("disk full");
  run_for(1s);
  store_->fail_with("");
  auto stopped = spawn_stop();  // no change since: the flush saves what failed
  ASSERT_TRUE(run_until([&] { return stopped->done; }));
  ASSERT_EQ(store_->saved().records.size(), 1u);
  EXPECT_EQ(store_->record(0).info.state, ConnectionState::connected);
  broker_ = make_broker(fast_config());
  expect_nothing_leaked();
}

}  // namespace
}  // namespace rasbroker::testing
