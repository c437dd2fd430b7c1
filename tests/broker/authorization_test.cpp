// The authorisation policy (authz/policy.hpp) as the broker applies it, through the identity
// seam (authz::Caller) with the callers a transport can prove: an administrator, an owner, her
// next process, another user, a member of an entry's group and a non-member, in each
// configuration. Every refusal is unauthorized and changes nothing.
#include <algorithm>

#include "broker_harness.hpp"

namespace rasbroker::testing {
namespace {

using protocol::ErrorCode;
using protocol::HangupWait;

const nlohmann::json kOfficeBranchLab = {{"entries",
                                       {{{"name", "Office VPN"}, {"connect_ms", 100}, {"teardown_ms", 100}},
                                        {{"name", "Branch VPN"}, {"connect_ms", 100}, {"teardown_ms", 100}},
                                        {{"name", "Lab VPN"}, {"connect_ms", 100}, {"teardown_ms", 100}}}}};

authz::Caller user(std::int64_t pid, std::string name, std::vector<std::string> groups = {}) {
  return authz::Caller{.owner = {pid, std::move(name)}, .admin = false, .member_of = [groups](std::string_view g) {
                         return std::find(groups.begin(), groups.end(), g) != groups.end();
                       }};
}

class Authorization : public BrokerHarness {
 protected:
  const authz::Caller alice_ = user(100, "CORP\\alice");
  const authz::Caller alice_later_ = user(101, "corp\\ALICE");  // her next process, as Windows may spell her
  const authz::Caller bob_ = user(200, "CORP\\bob", {"CORP\\vpn-users"});
  const authz::Caller carol_ = user(300, "CORP\\carol", {"CORP\\sales"});

  void make_with(authz::Rules rules) {
    auto config = fast_config();
    config.authorization = std::move(rules);
    make(kOfficeBranchLab, config);
  }
  std::shared_ptr<Pending<Connection>> dial_as(const authz::Caller& who, std::string entry) {
    return spawn(broker_->dial(dial_params(std::move(entry), protocol::DialWait::connected), who));
  }
  Connection connected_as(const authz::Caller& who, std::string entry) {
    auto d = dial_as(who, std::move(entry));
    EXPECT_TRUE(run_until([&] { return d->done; }));
    EXPECT_TRUE(d->value) << (d->error ? d->rpc_error().what() : "");
    return d->value.value_or(Connection{});
  }
  std::shared_ptr<Pending<std::vector<Connection>>> hangup_as(const authz::Caller& who, protocol::Selector target) {
    protocol::HangupParams p;
    p.target = std::move(target);
    p.wait = HangupWait::gone;
    auto h = spawn(broker_->hangup(std::move(p), who));
    run_until([&] { return h->done; });
    return h;
  }
  static protocol::Selector by_id(std::string id) { return protocol::Selector{.id = std::move(id), .entry = {}, .all = false}; }
  static protocol::Selector by_entry(std::string e) { return protocol::Selector{.id = {}, .entry = std::move(e), .all = false}; }
  static protocol::Selector all() { return protocol::Selector{.id = {}, .entry = {}, .all = true}; }
  // Another program dials through RAS itself: the broker adopts it.
  Connection adopted_elsewhere(const std::string& entry) {
    ras::DialRequest r;
    r.entry = entry;
    EXPECT_EQ(sim_->dial(r, {}).error, 0u);
    EXPECT_TRUE(run_until([&] { return find(entry).has_value(); }, 10s));
    return find(entry).value_or(Connection{});
  }
  static std::vector<std::string> entries_of(const std::vector<Connection>& list) {
    std::vector<std::string> out;
    for (const auto& c : list) out.push_back(c.entry);
    std::sort(out.begin(), out.end());
    return out;
  }
  ConnectionState state_of(const std::string& entry) { return find(entry).value().state; }
  // An administrator hangs up what is left, adopted connections too (a stop leaves those up),
  // and nothing leaked.
  void finish() {
    ASSERT_TRUE(hangup_as(admin(), all())->value);
    expect_nothing_leaked();
  }
};

TEST_F(Authorization, DialsFollowTheAllowListAndItsGroups) {
  authz::Rules rules;
  rules.entries = {{"Office VPN", {"CORP\\vpn-users"}}, {"Branch VPN", {}}};
  make_with(rules);
  // A group's member; the connection is recorded as the caller's.
  const auto office = connected_as(bob_, "office vpn");
  EXPECT_EQ(office.owner, (protocol::Owner{200, "CORP\\bob"}));
  // A non-member may not dial it, not even join the live connection; an open entry, yes.
  const auto refused = dial_as(carol_, "Office VPN")->rpc_error();
  EXPECT_EQ(refused.code(), ErrorCode::unauthorized);
  EXPECT_STREQ(refused.what(),
               "entry \"Office VPN\" may be dialled only by administrators and members of CORP\\vpn-users "
               "(allowed_entries)");
  EXPECT_EQ(connected_as(carol_, "Branch VPN").owner, (protocol::Owner{300, "CORP\\carol"}));
  // Administrators may dial every listed entry, but none the list leaves out.
  EXPECT_EQ(spawn(broker_->dial(dial_params("Lab VPN"), admin()))->rpc_error().code(), ErrorCode::unauthorized);
  EXPECT_EQ(broker_->list().size(), 2u) << "a refused dial dials nothing";
  finish();
}

TEST_F(Authorization, UsersHangUpAndGetOnlyTheirOwnConnections) {
  make_with({});
  const auto alices = connected_as(alice_, "Office VPN");
  // Bob, by entry and by id: refused, saying whose it is and what would be needed.
  for (const auto& target : {by_entry("Office VPN"), by_id(alices.id)}) {
    const auto error = hangup_as(bob_, target)->rpc_error();
    EXPECT_EQ(error.code(), ErrorCode::unauthorized);
    EXPECT_EQ(std::string(error.what()),
              "connection " + alices.id + " belongs to CORP\\alice; only its owner or an administrator may hang it up");
  }
  EXPECT_EQ(state_of("Office VPN"), ConnectionState::connected) << "a refusal hangs nothing up";
  const auto get = [&](const authz::Caller& who) { return broker_->get(by_id(alices.id), who); };
  try {
    get(bob_);
    ADD_FAILURE() << "bob got alice's connection";
  } catch (const authz::Refusal& e) {
    EXPECT_EQ(std::string(e.what()),
              "connection " + alices.id + " belongs to CORP\\alice; only its owner or an administrator may get it");
    EXPECT_NE(e.logged_reason().find("CORP\\alice (pid 100)"), std::string::npos) << e.logged_reason();
  }
  EXPECT_EQ(get(alice_later_).id, alices.id) << "the owner from another process";
  EXPECT_EQ(get(admin()).id, alices.id);
  // Her next process hangs it up.
  const auto h = hangup_as(alice_later_, by_entry("Office VPN"));
  ASSERT_TRUE(h->value) << h->rpc_error().what();
  EXPECT_EQ(h->value->at(0).state, ConnectionState::gone);
  EXPECT_EQ(logged("requested by pid 101 user 'corp\\ALICE'"), 1u) << log_text();
  finish();
}

TEST_F(Authorization, AnAdministratorHangsUpAnyConnection) {
  make_with({});
  connected_as(alice_, "Office VPN");
  adopted_elsewhere("Lab VPN");
  const auto h = hangup_as(admin(), all());
  ASSERT_TRUE(h->value);
  EXPECT_EQ(entries_of(*h->value), (std::vector<std::string>{"Lab VPN", "Office VPN"}));
  EXPECT_EQ(logged("(administrator)"), 2u) << log_text();
  EXPECT_TRUE(broker_->list().empty());
  finish();
}

TEST_F(Authorization, HangupAllFromAUserMeansAllOfTheirs) {
  make_with({});
  connected_as(alice_, "Office VPN");
  connected_as(bob_, "Branch VPN");
  adopted_elsewhere("Lab VPN");
  const auto h = hangup_as(bob_, all());
  ASSERT_TRUE(h->value) << h->rpc_error().what();
  EXPECT_EQ(entries_of(*h->value), std::vector<std::string>{"Branch VPN"});
  EXPECT_EQ(entries_of(broker_->list()), (std::vector<std::string>{"Lab VPN", "Office VPN"}));
  // Nothing of carol's: an empty answer, not a refusal.
  const auto none = hangup_as(carol_, all());
  ASSERT_TRUE(none->value);
  EXPECT_TRUE(none->value->empty());
  finish();
}

TEST_F(Authorization, AdoptedConnectionsNeedAnAdministratorByDefault) {
  make_with({});
  const auto lab = adopted_elsewhere("Lab VPN");
  const auto error = hangup_as(alice_, by_id(lab.id))->rpc_error();
  EXPECT_EQ(error.code(), ErrorCode::unauthorized);
  EXPECT_EQ(std::string(error.what()), "connection " + lab.id +
                                           " was not dialled through the service (adopted, dialled by SYSTEM); only an "
                                           "administrator may hang it up");
  EXPECT_TRUE(hangup_as(alice_, all())->value->empty()) << "hangup all leaves it alone";
  EXPECT_EQ(state_of("Lab VPN"), ConnectionState::connected);
  finish();
}

TEST_F(Authorization, HangupAdoptedAnyoneLetsUsersHangUpAdoptedConnections) {
  authz::Rules rules;
  rules.hangup_adopted = authz::HangupRight::anyone;
  make_with(rules);
  const auto lab = adopted_elsewhere("Lab VPN");
  connected_as(alice_, "Office VPN");
  // Someone else's dial keeps its own rule.
  EXPECT_EQ(hangup_as(bob_, by_entry("Office VPN"))->rpc_error().code(), ErrorCode::unauthorized);
  const auto h = hangup_as(bob_, all());
  ASSERT_TRUE(h->value) << h->rpc_error().what();
  ASSERT_EQ(h->value->size(), 1u);
  EXPECT_EQ(h->value->at(0).id, lab.id);
  EXPECT_EQ(h->value->at(0).state, ConnectionState::gone);
  finish();
}

TEST_F(Authorization, HangupOthersAnyoneLetsUsersHangUpEachOthersConnections) {
  authz::Rules rules;
  rules.hangup_others = authz::HangupRight::anyone;
  make_with(rules);
  connected_as(alice_, "Office VPN");
  adopted_elsewhere("Lab VPN");
  const auto h = hangup_as(bob_, by_entry("Office VPN"));
  ASSERT_TRUE(h->value) << h->rpc_error().what();
  EXPECT_EQ(h->value->at(0).state, ConnectionState::gone);
  // Adopted ones keep their own rule; "all" is all bob may hang up.
  EXPECT_EQ(hangup_as(bob_, by_entry("Lab VPN"))->rpc_error().code(), ErrorCode::unauthorized);
  EXPECT_TRUE(hangup_as(bob_, all())->value->empty());
  finish();
}

TEST_F(Authorization, ListShowsUsersEveryConnectionByDefault) {
  make_with({});
  connected_as(alice_, "Office VPN");
  connected_as(bob_, "Branch VPN");
  adopted_elsewhere("Lab VPN");
  EXPECT_EQ(broker_->list(bob_).size(), 3u) << "by default every connection, owners as they are";
  for (const auto& c : broker_->list(bob_)) {
    if (c.entry == "Office VPN") {
      EXPECT_EQ(c.owner, (protocol::Owner{100, "CORP\\alice"}));
    }
  }
  finish();
}

TEST_F(Authorization, ListOwnShowsUsersTheirOwnAndAdministratorsAll) {
  authz::Rules rules;
  rules.list = authz::ListScope::own;
  make_with(rules);
  connected_as(alice_, "Office VPN");
  connected_as(bob_, "Branch VPN");
  adopted_elsewhere("Lab VPN");
  EXPECT_EQ(entries_of(broker_->list(bob_)), std::vector<std::string>{"Branch VPN"});
  EXPECT_EQ(entries_of(broker_->list(alice_later_)), std::vector<std::string>{"Office VPN"});
  EXPECT_TRUE(broker_->list(carol_).empty());
  EXPECT_EQ(broker_->list(admin()).size(), 3u);
  finish();
}

TEST_F(Authorization, OtherUsersOwnersCanBeHidden) {
  authz::Rules rules;
  rules.show_other_owners = false;
  make_with(rules);
  const auto alices = connected_as(alice_, "Office VPN");
  for (const auto& c : broker_->list(bob_)) EXPECT_FALSE(c.owner) << c.entry;
  EXPECT_EQ(broker_->list(alice_).at(0).owner, alices.owner);
  EXPECT_EQ(broker_->list(admin()).at(0).owner, alices.owner);
  // Joining her connection tells bob no more than list does; a refusal neither.
  const auto joined = connected_as(bob_, "Office VPN");
  EXPECT_EQ(joined.id, alices.id);
  EXPECT_FALSE(joined.owner);
  EXPECT_EQ(std::string(hangup_as(bob_, by_id(alices.id))->rpc_error().what()),
            "connection " + alices.id + " belongs to another user; only its owner or an administrator may hang it up");
  finish();
}

TEST_F(Authorization, WatchNotificationsAreFilteredLikeList) {
  authz::Rules rules;
  rules.list = authz::ListScope::own;
  make_with(rules);
  std::vector<Connection> bobs_view, admins_view;
  const auto bob_token = broker_->subscribe(bob_, [&](const Connection& c) { bobs_view.push_back(c); });
  const auto admin_token = broker_->subscribe(admin(), [&](const Connection& c) { admins_view.push_back(c); });
  connected_as(alice_, "Office VPN");
  connected_as(bob_, "Branch VPN");
  hangup_as(admin(), all());
  ASSERT_FALSE(bobs_view.empty());
  for (const auto& c : bobs_view) EXPECT_EQ(c.entry, "Branch VPN");
  EXPECT_TRUE(std::any_of(bobs_view.begin(), bobs_view.end(),
                          [](const Connection& c) { return c.state == ConnectionState::gone; }));
  EXPECT_TRUE(std::any_of(admins_view.begin(), admins_view.end(), [](const Connection& c) { return c.entry == "Office VPN"; }));
  finish();
}

TEST_F(Authorization, WatchHidesOtherUsersOwners) {
  authz::Rules rules;
  rules.show_other_owners = false;
  make_with(rules);
  std::vector<Connection> bobs_view;
  const auto token = broker_->subscribe(bob_, [&](const Connection& c) { bobs_view.push_back(c); });
  connected_as(alice_, "Office VPN");
  connected_as(bob_, "Branch VPN");
  ASSERT_FALSE(bobs_view.empty());
  for (const auto& c : bobs_view) {
    const std::optional<protocol::Owner> expected =
        c.entry == "Office VPN" ? std::nullopt : std::optional(protocol::Owner{200, "CORP\\bob"});
    EXPECT_EQ(c.owner, expected) << c.entry;
  }
  finish();
}

}  // namespace
}  // namespace rasbroker::testing
