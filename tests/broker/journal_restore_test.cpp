// The state journal across a restart: a broker that dies without stopping (crash()) and a
// new one on the same RAS and the same store takes back what the first one dialled — same
// ids, same owners, ours (docs/operations.md, "What a restart does with the journal").
#include "broker_harness.hpp"
#include "memory_journal_store.hpp"

namespace rasbroker::testing {
namespace {

using protocol::DialWait;
using protocol::HangupWait;
using protocol::Reason;

class JournalRestoreTest : public BrokerHarness {
 protected:
  void start(const nlohmann::json& scenario, broker::BrokerConfig config = fast_config()) {
    journal_store_ = store_;
    make(scenario, config);
  }
  // kill -9, then the service is started again.
  void restart(broker::BrokerConfig config = fast_config()) {
    crash();
    broker_ = make_broker(config);
  }
  std::optional<Connection> find_id(const std::string& id) {
    for (auto& c : broker_->list())
      if (c.id == id) return c;
    return std::nullopt;
  }
  // The connection as the first instance last showed it, once its journal is saved.
  Connection dial_connected(const std::string& entry) {
    auto d = dial(entry, DialWait::connected);
    EXPECT_TRUE(run_until([&] { return d->done; }));
    run_for(1s);  // past the writer's coalescing window
    EXPECT_TRUE(d->value) << log_text();
    return d->value.value_or(Connection{});
  }
  bool ras_forgot(ras::Handle h) {
    ras::ConnectStatus st;
    return sim_->get_connect_status(h, st) == ras::err::kInvalidHandle;
  }
  ras::Handle journalled_handle(const std::string& id) {
    for (const auto& r : store_->saved().records)
        if (r.info.id == id) return r.handle;
    ADD_FAILURE() << "no journal record for " << id;
    return ras::kNullHandle;
  }

  std::shared_ptr<MemoryJournalStore> store_ = std::make_shared<MemoryJournalStore>();
};

TEST_F(JournalRestoreTest, ConnectedComesBackAsOursAndStopHangsItUp) {
  start(kOfficeVpn);
  const Connection before = dial_connected("Office VPN");
  ASSERT_EQ(store_->saved().records.size(), 1u);
  EXPECT_FALSE(store_->record(0).password_sent);
  restart();
  const auto after = find_id(before.id);
  ASSERT_TRUE(after) << log_text();
  EXPECT_EQ(after->state, ConnectionState::connected);
  EXPECT_FALSE(after->adopted);
  ASSERT_TRUE(after->owner);
  EXPECT_EQ(after->owner->pid, owner().pid);
  EXPECT_EQ(after->owner->user, owner().user);
  EXPECT_EQ(after->dialed_at, before.dialed_at);
  EXPECT_EQ(after->connected_at, before.connected_at);
  EXPECT_EQ(broker_->list().size(), 1u);  // not adopted a second time
  // on_stop "hangup" covers it: hung up, reaped, and the journal is empty at the end.
  expect_nothing_leaked();
  EXPECT_EQ(sim_->stats().hang_up_calls, 1u);
  ASSERT_TRUE(store_->has_saved());
  EXPECT_TRUE(store_->saved().records.empty());
}

TEST_F(JournalRestoreTest, ItsOwnerCanStillHangItUp) {
  start(kOfficeVpn);
  const Connection before = dial_connected("Office VPN");
  restart();
  auto h = hangup(hangup_entry("Office VPN", HangupWait::gone));
  ASSERT_TRUE(run_until([&] { return h->done; }));
  ASSERT_TRUE(h->value) << log_text();
  EXPECT_EQ(h->value->front().id, before.id);
  EXPECT_EQ(h->value->front().state, ConnectionState::gone);
  run_for(1s);
  EXPECT_TRUE(store_->saved().records.empty());
  expect_nothing_leaked();
}

TEST_F(JournalRestoreTest, AnInterruptedTeardownIsReapedToTheEnd) {
  start({{"entries", {{{"name", "Office VPN"}, {"connect_ms", 800}, {"teardown_ms", 3000}}}}});
  const Connection before = dial_connected("Office VPN");
  hangup(hangup_entry("Office VPN"));
  EXPECT_EQ(store_->record(0).info.state, ConnectionState::hanging_up);  // at once
  const auto handle = journalled_handle(before.id);
  restart();  // 3 s of teardown left, observed by no one
  const auto after = find_id(before.id);
  ASSERT_TRUE(after) << log_text();
  EXPECT_EQ(after->state, ConnectionState::hanging_up);
  EXPECT_EQ(after->reason, Reason::requested);
  EXPECT_FALSE(after->adopted);
  ASSERT_TRUE(run_until([&] { return saw_event(before.id, ConnectionState::gone); }));
  EXPECT_TRUE(ras_forgot(handle));
  EXPECT_EQ(sim_->stats().hang_up_calls, 1u);  // the first instance's; the reaper only watches
  run_for(1s);
  EXPECT_TRUE(store_->saved().records.empty());
  expect_nothing_leaked();
}

TEST_F(JournalRestoreTest, AConnectionGoneMeanwhileIsDroppedAndLogged) {
  start(kOfficeVpn);
  const Connection before = dial_connected("Office VPN");
  crash();
  ASSERT_EQ(sim_->external_hang_up("Office VPN"), 0u);  // someone else, while no service ran
  run_for(2s);
  broker_ = make_broker(fast_config());
  EXPECT_TRUE(broker_->list().empty());
  EXPECT_EQ(logged("journal: \"Office VPN\" " + before.id), 1u) << log_text();
  EXPECT_EQ(logged("dropped: its connection is gone"), 1u);
  run_for(1s);
  EXPECT_TRUE(store_->saved().records.empty());
  expect_nothing_leaked();
}

TEST_F(JournalRestoreTest, IdsNeverRepeatAcrossRestarts) {
  start({{"entries", {{{"name", "A"}, {"connect_ms", 100}}, {{"name", "B"}, {"connect_ms", 100}}}}});
  EXPECT_EQ(dial_connected("A").id, "c1");
  auto h = hangup(hangup_entry("A", HangupWait::gone));
  ASSERT_TRUE(run_until([&] { return h->done; }));
  EXPECT_EQ(dial_connected("B").id, "c2");
  crash();
  ASSERT_EQ(sim_->external_hang_up("B"), 0u);  // c2 is gone before the restart
  run_for(3s);
  broker_ = make_broker(fast_config());
  EXPECT_TRUE(broker_->list().empty());
  EXPECT_EQ(dial_connected("A").id, "c3");
  restart();
  ASSERT_TRUE(find_id("c3"));
  EXPECT_EQ(dial_connected("B").id, "c4");
  expect_nothing_leaked();
}

TEST_F(JournalRestoreTest, OnStopLeaveHandsTheConnectionsToTheNextInstance) {
  auto leave = fast_config();
  leave.on_stop = broker::OnStop::leave;
  start(kOfficeVpn, leave);
  const Connection before = dial_connected("Office VPN");
  auto stopped = spawn_stop();
  ASSERT_TRUE(run_until([&] { return stopped->done; }));
  ASSERT_EQ(store_->saved().records.size(), 1u);  // written by the stop
  broker_ = make_broker(fast_config());            // the next instance, on_stop "hangup"
  const auto after = find_id(before.id);
  ASSERT_TRUE(after) << log_text();
  EXPECT_FALSE(after->adopted);
  ASSERT_TRUE(after->owner);
  EXPECT_EQ(after->owner->user, owner().user);
  expect_nothing_leaked();  // its stop hangs it up: it is ours
  EXPECT_TRUE(store_->saved().records.empty());
}

TEST_F(JournalRestoreTest, AnUnusableJournalIsReportedAndPlainAdoptionFollows) {
  start(kOfficeVpn);
  dial_connected("Office VPN");
  store_->make_unusable("not JSON at offset 17");
  restart();
  const auto events = admin_events_.of(events::Kind::journal_unusable);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].inserts, (std::vector<std::string>{MemoryJournalStore::kWhere, "not JSON at offset 17",
                                                          std::string("it was moved aside to ") +
                                                              MemoryJournalStore::kMovedTo}));
  EXPECT_EQ(logged("cannot be used (not JSON at offset 17)"), 1u) << log_text();
  const auto c = find("Office VPN");
  ASSERT_TRUE(c);
  // Not ours any more: adopted, its owner only the logon session RAS names (the service's:
  // the simulator's dials are made as SYSTEM), no longer the client that dialled it.
  EXPECT_TRUE(c->adopted);
  EXPECT_EQ(c->owner, (protocol::Owner{0, "SYSTEM"}));
  // A new journal is written at once, without the adopted connection.
  ASSERT_TRUE(store_->has_saved());
  EXPECT_TRUE(store_->saved().records.empty());
  auto h = hangup(hangup_entry("Office VPN", HangupWait::gone));
  ASSERT_TRUE(run_until([&] { return h->done; }));
  expect_nothing_leaked();
}

TEST_F(JournalRestoreTest, WithoutAStoreNothingIsTakenBack) {
  make(kOfficeVpn);  // no journal: the behaviour before it existed
  dial_connected("Office VPN");
  restart();
  const auto c = find("Office VPN");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->adopted);
  auto h = hangup(hangup_entry("Office VPN", HangupWait::gone));
  ASSERT_TRUE(run_until([&] { return h->done; }));
  expect_nothing_leaked();
}

TEST_F(JournalRestoreTest, RedialWithSavedCredentialsStillWorksAfterARestart) {
  auto cfg = fast_config();
  cfg.redial["Office VPN"] = broker::RedialConfig{2, 100};
  start({{"entries", {{{"name", "Office VPN"}, {"connect_ms", 100}, {"teardown_ms", 200}}}}}, cfg);
  const Connection before = dial_connected("Office VPN");
  restart(cfg);
  ASSERT_EQ(sim_->drop_link("Office VPN"), 0u);
  EXPECT_TRUE(run_until_redialled("Office VPN", before.id)) << log_text();
  expect_nothing_leaked();
}

TEST_F(JournalRestoreTest, RedialWithTheClientsPasswordNeedsTheClientAfterARestart) {
  auto cfg = fast_config();
  cfg.redial["Office VPN"] = broker::RedialConfig{2, 100};
  start({{"entries", {{{"name", "Office VPN"}, {"connect_ms", 100}, {"teardown_ms", 200}}}}}, cfg);
  auto p = dial_params("Office VPN", DialWait::connected);
  p.username = "alice";
  p.password = protocol::Secret("s3cret");
  auto d = spawn(broker_->dial(std::move(p), admin()));
  ASSERT_TRUE(run_until([&] { return d->done; }));
  ASSERT_TRUE(d->value) << log_text();
  run_for(1s);
  const auto saved = store_->record(0);
  EXPECT_TRUE(saved.password_sent);
  EXPECT_EQ(saved.username, "alice");
  EXPECT_EQ(saved.redial.attempts, 2u);
  restart(cfg);
  ASSERT_EQ(sim_->drop_link("Office VPN"), 0u);
  run_for(3s);
  EXPECT_FALSE(find("Office VPN"));
  EXPECT_EQ(logged("the client must dial again"), 1u) << log_text();
  EXPECT_EQ(sim_->stats().dial_calls, 1u);
  expect_nothing_leaked();
}

}  // namespace
}  // namespace rasbroker::testing
