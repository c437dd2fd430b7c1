// Dial rules: accepted/connected waits, failures hung up and reaped, duplicates,
// dial during teardown, hang-up during dial, timeouts, errors.
#include "broker_harness.hpp"

namespace rasbroker::testing {
namespace {

using protocol::DialWait;
using protocol::ErrorCode;
using protocol::Reason;

class DialTest : public BrokerHarness {};

TEST_F(DialTest, AcceptedAnswersAtOnceThenConnects) {
  make(kOfficeVpn);
  auto d = dial("Office VPN");
  ASSERT_TRUE(d->done);
  EXPECT_EQ(d->value->state, ConnectionState::dialing);
  EXPECT_EQ(d->value->owner, (protocol::Owner{4242, "alice"}));
  EXPECT_TRUE(d->value->dialed_at.has_value());
  ASSERT_TRUE(run_until([&] { return find("Office VPN")->state == ConnectionState::connected; }));
  auto c = *find("Office VPN");
  EXPECT_EQ(c.ras_state, "RASCS_Connected");
  EXPECT_TRUE(c.connected_at.has_value());
  EXPECT_FALSE(c.adopted);
  // Every intermediate RAS state was published while dialing.
  bool saw_auth = false;
  for (auto& e : events_) saw_auth |= e.ras_state == "RASCS_Authenticate";
  EXPECT_TRUE(saw_auth);
  expect_nothing_leaked();
}

TEST_F(DialTest, WaitConnectedAnswersOnConnected) {
  make(kOfficeVpn);
  auto d = dial("Office VPN", DialWait::connected);
  EXPECT_FALSE(d->done);
  ASSERT_TRUE(run_until([&] { return d->done; }));
  ASSERT_TRUE(d->value) << d->rpc_error().what();
  EXPECT_EQ(d->value->state, ConnectionState::connected);
  expect_nothing_leaked();
}

TEST_F(DialTest, FailedDialIsHungUpAndReapedAutomatically) {
  make({{"entries", {{{"name", "Office VPN"}, {"fail_state", "RASCS_Authenticate"}, {"fail_error", 691}}}}});
  auto d = dial("Office VPN", DialWait::connected);
  ASSERT_TRUE(run_until([&] { return d->done; }));
  auto err = d->rpc_error();
  EXPECT_EQ(err.code(), ErrorCode::ras_failure);
  EXPECT_EQ(err.data()["ras_error"], 691);
  // The handle RAS returned is hung up even though the dial never connected...
  auto c = find("Office VPN");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->state, ConnectionState::hanging_up);
  EXPECT_EQ(c->reason, Reason::dial_failed);
  ASSERT_TRUE(c->error);
  EXPECT_EQ(c->error->ras_error, 691u);
  // One event for the administrator: the entry, RAS's code and its text.
  const auto failed = admin_events_.of(events::Kind::dial_failed);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].inserts, (std::vector<std::string>{"\"Office VPN\"", "691", c->error->message}));
  // ...and reaped without anyone asking.
  ASSERT_TRUE(run_until([&] { return !find("Office VPN"); }));
  EXPECT_TRUE(saw_event(c->id, ConnectionState::gone));
  expect_nothing_leaked();
}

TEST_F(DialTest, BadCredentialsFailWith691) {
  make({{"entries", {{{"name", "Office VPN"}, {"username", "alice"}, {"password", "right"}}}}});
  auto p = dial_params("Office VPN", DialWait::connected);
  p.username = "alice";
  p.password = protocol::Secret("wrong");
  auto d = spawn(broker_->dial(std::move(p), admin()));
  ASSERT_TRUE(run_until([&] { return d->done; }));
  EXPECT_EQ(d->rpc_error().data()["ras_error"], 691);
  EXPECT_EQ(std::string(d->rpc_error().what()).find("wrong"), std::string::npos);
  expect_nothing_leaked();
}

TEST_F(DialTest, DuplicateDialJoinsTheExistingConnection) {
  make(kOfficeVpn);
  auto first = dial("Office VPN");
  auto second = dial("Office VPN");
  EXPECT_EQ(first->value->id, second->value->id);
  ASSERT_TRUE(run_until([&] { return find("Office VPN")->state == ConnectionState::connected; }));
  auto third = dial("Office VPN", DialWait::connected);
  ASSERT_TRUE(third->done);
  EXPECT_EQ(third->value->id, first->value->id);
  EXPECT_EQ(sim_->stats().dial_calls, 1u);  // no second RasDial, no extra reference to release
  EXPECT_EQ(broker_->list().size(), 1u);
  expect_nothing_leaked();
}

TEST_F(DialTest, DialDuringTeardownWaitsThenDials) {
  make(kOfficeVpn);
  dial("Office VPN", DialWait::connected);
  run_for(2s);
  auto h = hangup(hangup_entry("Office VPN"));
  ASSERT_TRUE(h->done);
  auto redial = dial("Office VPN", DialWait::accepted);
  EXPECT_FALSE(redial->done);  // waits for the old connection to be gone
  run_for(500ms);
  EXPECT_FALSE(redial->done);
  EXPECT_EQ(sim_->stats().dial_calls, 1u);
  ASSERT_TRUE(run_until([&] { return redial->done; }));
  ASSERT_TRUE(redial->value);
  EXPECT_NE(redial->value->id, h->value->front().id);
  EXPECT_EQ(sim_->stats().dial_calls, 2u);
  expect_nothing_leaked();
}

TEST_F(DialTest, HangupDuringDialCancelsIt) {
  make({{"entries", {{{"name", "Office VPN"}, {"connect_ms", 5000}}}}});
  auto d = dial("Office VPN", DialWait::connected);
  run_for(1s);
  EXPECT_FALSE(d->done);
  auto h = hangup(hangup_entry("Office VPN"));
  ASSERT_TRUE(h->done);
  EXPECT_EQ(h->value->front().state, ConnectionState::hanging_up);
  EXPECT_EQ(h->value->front().reason, Reason::requested);
  ASSERT_TRUE(d->done);
  EXPECT_EQ(d->rpc_error().code(), ErrorCode::ras_failure);
  run_for(10s);
  // Progress after the hang-up never brought it back to life.
  EXPECT_FALSE(find("Office VPN"));
  for (auto& e : events_) EXPECT_NE(e.state, ConnectionState::connected);
  expect_nothing_leaked();
}

TEST_F(DialTest, TimeoutHangsUpAndAnswersTimeout) {
  make({{"entries", {{{"name", "Office VPN"}, {"connect_ms", 10000}}}}});
  auto p = dial_params("Office VPN", DialWait::connected);
  p.timeout_ms = 2000;
  auto d = spawn(broker_->dial(std::move(p), admin()));
  ASSERT_TRUE(run_until([&] { return d->done; }));
  EXPECT_EQ(d->rpc_error().code(), ErrorCode::timeout);
  auto c = find("Office VPN");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->state, ConnectionState::hanging_up);
  EXPECT_EQ(c->reason, Reason::timeout);
  expect_nothing_leaked();
}

TEST_F(DialTest, TimeoutAppliesToAcceptedDialsToo) {
  make({{"entries", {{{"name", "Office VPN"}, {"connect_ms", 10000}}}}});
  auto p = dial_params("Office VPN");
  p.timeout_ms = 2000;
  auto d = spawn(broker_->dial(std::move(p), admin()));
  ASSERT_TRUE(d->value);
  run_for(2500ms);
  auto c = find("Office VPN");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->reason, Reason::timeout);
  expect_nothing_leaked();
}

TEST_F(DialTest, UnknownEntryIsNotFound) {
  make(kOfficeVpn);
  auto d = dial("Nope");
  EXPECT_EQ(d->rpc_error().code(), ErrorCode::not_found);
  EXPECT_EQ(d->rpc_error().data()["ras_error"], 623);
  EXPECT_TRUE(admin_events_.all().empty()) << "an unknown name is the client's mistake, not the admin's";
  expect_nothing_leaked();
}

TEST_F(DialTest, AllowListRefusesOtherEntries) {
  auto cfg = fast_config();
  cfg.authorization.entries = {{"Branch VPN", {}}};
  make({{"entries", {{{"name", "Office VPN"}}, {{"name", "Branch VPN"}}}}}, cfg);
  EXPECT_EQ(dial("Office VPN")->rpc_error().code(), ErrorCode::unauthorized);
  EXPECT_TRUE(dial("Branch VPN")->value);
  expect_nothing_leaked();
}

// The service runs as LocalSystem: only the system phonebooks and configured files reach RAS.
TEST_F(DialTest, PhonebooksOtherThanSystemOrConfiguredAreRefusedBeforeRas) {
  auto cfg = fast_config();
  cfg.phonebooks = {"D:\\Lab\\LAB.pbk"};
  make({{"entries", {{{"name", "Office VPN"}}, {{"name", "Lab"}, {"phonebook", "D:\\lab\\lab.pbk"}}}}}, cfg);

  auto p = dial_params("Office VPN");
  p.phonebook = "C:\\Users\\mallory\\evil.pbk";
  const auto calls_before = sim_->stats().dial_calls;
  auto refused = spawn(broker_->dial(p, admin()));
  EXPECT_EQ(refused->rpc_error().code(), ErrorCode::unauthorized);
  EXPECT_NE(std::string(refused->rpc_error().what()).find("phonebooks"), std::string::npos);
  EXPECT_EQ(sim_->stats().dial_calls, calls_before);
  EXPECT_THROW(broker_->entries("C:\\Users\\mallory\\evil.pbk"), protocol::RpcError);

  auto configured = dial_params("Lab", protocol::DialWait::connected);
  configured.phonebook = "d:\\lab\\lab.pbk";  // Windows paths compare case-insensitively
  auto lab = spawn(broker_->dial(configured, admin()));
  ASSERT_TRUE(run_until([&] { return lab->done; }));
  ASSERT_TRUE(lab->value) << lab->rpc_error().what();
  EXPECT_EQ(lab->value->state, ConnectionState::connected);

  // A path RAS reports for the system phonebook may be named explicitly.
  auto system = dial_params("Office VPN");
  system.phonebook = std::string(sim::kSystemPhonebook);
  EXPECT_TRUE(spawn(broker_->dial(system, admin()))->value);
  expect_nothing_leaked();
}

TEST_F(DialTest, EntriesListsSystemAndConfiguredPhonebooksOnce) {
  auto cfg = fast_config();
  cfg.phonebooks = {"D:\\lab\\lab.pbk", "E:\\missing.pbk"};
  make({{"entries", {{{"name", "Office VPN"}}, {{"name", "Lab"}, {"phonebook", "D:\\lab\\lab.pbk"}}}}}, cfg);
  const auto all = broker_->entries("");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "Office VPN");
  EXPECT_EQ(all[1].name, "Lab");
  const auto lab = broker_->entries("D:\\LAB\\lab.pbk");
  ASSERT_EQ(lab.size(), 1u);
  EXPECT_EQ(lab[0].name, "Lab");
  expect_nothing_leaked();
}

}  // namespace
}  // namespace rasbroker::testing
