// Entry names compare as RAS compares them (protocol/entry_name.hpp): phonebook section
// names are looked up without regard to case, so "office vpn" and "Office VPN" are one
// entry for the one-connection rule, hang-up and get by entry, the allow-list and the
// per-entry redial policies. The broker never dials a differently-cased name while the
// entry is live: that is what the rule is for.
#include "broker_harness.hpp"

namespace rasbroker::testing {
namespace {

using protocol::DialWait;
using protocol::ErrorCode;
using protocol::Reason;

class EntryNameTest : public BrokerHarness {};

TEST_F(EntryNameTest, DialOfTheSameEntryInAnotherCaseJoinsTheConnection) {
  make(kOfficeVpn);
  auto first = dial("Office VPN");
  ASSERT_TRUE(first->value);
  auto while_dialing = dial("OFFICE VPN");
  ASSERT_TRUE(while_dialing->value) << while_dialing->rpc_error().what();
  EXPECT_EQ(while_dialing->value->id, first->value->id);
  ASSERT_TRUE(run_until([&] { return find("Office VPN")->state == ConnectionState::connected; }));
  auto when_connected = dial("office vpn", DialWait::connected);
  ASSERT_TRUE(when_connected->done);
  ASSERT_TRUE(when_connected->value) << when_connected->rpc_error().what();
  EXPECT_EQ(when_connected->value->id, first->value->id);
  EXPECT_EQ(when_connected->value->entry, "Office VPN");  // the name it was dialled with
  EXPECT_EQ(sim_->stats().dial_calls, 1u);  // one RasDial, one RAS reference to release
  EXPECT_EQ(broker_->list().size(), 1u);
  expect_nothing_leaked();
}

TEST_F(EntryNameTest, GetAndHangupByEntryIgnoreCase) {
  make(kOfficeVpn);
  auto d = dial("Office VPN", DialWait::connected);
  ASSERT_TRUE(run_until([&] { return d->done; }));
  ASSERT_TRUE(d->value);
  protocol::Selector lower;
  lower.entry = "office vpn";
  EXPECT_EQ(broker_->get(lower, admin()).id, d->value->id);
  auto h = hangup(hangup_entry("OFFICE VPN", protocol::HangupWait::gone));
  ASSERT_TRUE(run_until([&] { return h->done; }));
  ASSERT_TRUE(h->value) << h->rpc_error().what();
  ASSERT_EQ(h->value->size(), 1u);
  EXPECT_EQ(h->value->front().id, d->value->id);
  EXPECT_EQ(h->value->front().state, ConnectionState::gone);
  EXPECT_EQ(h->value->front().reason, Reason::requested);
  expect_nothing_leaked();
}

TEST_F(EntryNameTest, DialInAnotherCaseWaitsForTheTeardownOfTheEntry) {
  make(kOfficeVpn);
  auto d = dial("Office VPN", DialWait::connected);
  ASSERT_TRUE(run_until([&] { return d->done; }));
  ASSERT_TRUE(hangup(hangup_entry("Office VPN"))->done);
  auto again = dial("office vpn");
  EXPECT_FALSE(again->done);  // the entry is still tearing down: no RasDial yet
  run_for(1s);
  EXPECT_FALSE(again->done);
  EXPECT_EQ(sim_->stats().dial_calls, 1u);
  ASSERT_TRUE(run_until([&] { return again->done; }));
  EXPECT_EQ(sim_->stats().dial_calls, 2u);  // dialled once the old connection was gone
  expect_nothing_leaked();
}

TEST_F(EntryNameTest, DialOfAnAdoptedEntryInAnotherCaseJoinsIt) {
  make({{"entries", {{{"name", "Branch VPN"}}}}, {"connected", {"Branch VPN"}}});
  auto adopted = find("Branch VPN");
  ASSERT_TRUE(adopted);
  auto d = dial("branch vpn");
  ASSERT_TRUE(d->value) << d->rpc_error().what();
  EXPECT_EQ(d->value->id, adopted->id);
  EXPECT_EQ(sim_->stats().dial_calls, 0u);
  expect_nothing_leaked();
}

TEST_F(EntryNameTest, AllowListAdmitsTheEntryInAnyCase) {
  auto cfg = fast_config();
  cfg.authorization.entries = {{"OFFICE VPN", {}}};
  make({{"entries", {{{"name", "Office VPN"}}, {{"name", "Branch VPN"}}}}}, cfg);
  auto d = dial("Office VPN");
  ASSERT_TRUE(d->value) << d->rpc_error().what();
  EXPECT_EQ(dial("Branch VPN")->rpc_error().code(), ErrorCode::unauthorized);
  expect_nothing_leaked();
}

TEST_F(EntryNameTest, RedialPolicyFromTheConfigAppliesInAnyCase) {
  auto cfg = fast_config();
  cfg.redial["office vpn"] = {1, 1000};
  make({{"entries", {{{"name", "Office VPN"}, {"drop_after_ms", 3000}}}}}, cfg);
  auto d = dial("Office VPN", DialWait::connected);
  ASSERT_TRUE(run_until([&] { return d->done; }));
  ASSERT_TRUE(d->value);
  ASSERT_TRUE(run_until_redialled("Office VPN", d->value->id));
  EXPECT_EQ(sim_->stats().dial_calls, 2u);
  expect_nothing_leaked();
}

}  // namespace
}  // namespace rasbroker::testing
