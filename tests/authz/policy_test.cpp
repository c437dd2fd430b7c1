// authz::Policy, rule by rule, with the callers a transport can prove: an administrator,
// the owner (in another process, spelt in another case), another user, a member of an
// entry's group and a non-member, in each configuration.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "authz/policy.hpp"

namespace rasbroker::authz {
namespace {

using protocol::Connection;

Caller user(std::string name, std::set<std::string> groups = {}, bool admin = false) {
  Caller c;
  c.owner = {77, std::move(name)};
  c.admin = admin;
  c.member_of = [groups = std::move(groups)](std::string_view g) { return groups.contains(std::string(g)); };
  return c;
}
const Caller kAdmin = user("CORP\\admin", {}, true);
const Caller kAlice = user("CORP\\alice");
const Caller kAliceAgain = user("corp\\ALICE");  // another process, as Windows may spell her
const Caller kBob = user("CORP\\bob", {"CORP\\vpn-users"});
const Caller kCarol = user("CORP\\carol", {"CORP\\sales"});

Connection dialled_by(std::string user, std::string id = "c4") {
  Connection c;
  c.id = std::move(id);
  c.entry = "Office VPN";
  c.owner = protocol::Owner{4242, std::move(user)};
  return c;
}
Connection adopted(std::optional<std::string> user = std::nullopt) {
  Connection c;
  c.id = "c2";
  c.entry = "Branch VPN";
  c.adopted = true;
  if (user) c.owner = protocol::Owner{0, *user};
  return c;
}

// The refusal `f` throws: unauthorized, with both messages (fails the test if it allows).
template <class F>
Refusal refusal(F f) {
  try {
    f();
  } catch (const Refusal& r) {
    EXPECT_EQ(r.code(), protocol::ErrorCode::unauthorized);
    return r;
  }
  ADD_FAILURE() << "allowed";
  return Refusal("", "");
}

TEST(Policy, AccountNamesCompareAsWindowsComparesThem) {
  EXPECT_TRUE(same_account("CORP\\alice", "corp\\ALICE"));
  EXPECT_TRUE(same_account("CORP\\J\u00fcrgen", "corp\\J\u00dcRGEN"));
  EXPECT_FALSE(same_account("CORP\\alice", "CORP\\alice2"));
  EXPECT_FALSE(same_account("", "")) << "an unknown user owns nothing";
  EXPECT_TRUE(owns(kAliceAgain, dialled_by("CORP\\alice"))) << "the owner's pid does not matter";
  EXPECT_FALSE(owns(kBob, dialled_by("CORP\\alice")));
  EXPECT_FALSE(owns(kAlice, adopted()));
}

TEST(Policy, WithoutAnAllowListEveryoneMayDialEveryEntry) {
  const Policy p;
  EXPECT_NO_THROW(p.require_dial(kCarol, "Anything"));
  EXPECT_NO_THROW(p.require_dial(kAdmin, "Anything"));
}

TEST(Policy, TheAllowListBindsEveryoneAndItsGroupsBindUsers) {
  Rules rules;
  rules.entries = {{"Office VPN", {"CORP\\vpn-users", "CORP\\it"}}, {"Branch VPN", {}}};
  const Policy p(rules);
  // Not listed: no one, administrators included (the allow-list is theirs to change).
  const auto unlisted = refusal([&] { p.require_dial(kAdmin, "Lab VPN"); });
  EXPECT_STREQ(unlisted.what(),
               "entry \"Lab VPN\" is not in the allow-list (the service's allowed_entries setting); an administrator "
               "must add it before anyone can dial it");
  // Listed without groups: every admitted user; names compare as RAS compares them.
  EXPECT_NO_THROW(p.require_dial(kCarol, "branch vpn"));
  // Listed with groups: their members and administrators.
  EXPECT_NO_THROW(p.require_dial(kBob, "Office VPN"));
  EXPECT_NO_THROW(p.require_dial(kAdmin, "office vpn"));
  const auto outsider = refusal([&] { p.require_dial(kCarol, "OFFICE VPN"); });
  EXPECT_STREQ(outsider.what(),
               "entry \"Office VPN\" may be dialled only by administrators and members of CORP\\vpn-users or CORP\\it "
               "(allowed_entries)");
  EXPECT_EQ(outsider.logged_reason(), std::string(outsider.what()) + "; the requester is in none of them");
  // A caller whose groups the transport could not read is in none.
  EXPECT_THROW(p.require_dial(Caller{.owner = {1, "CORP\\dave"}, .admin = false, .member_of = {}}, "Office VPN"), Refusal);
}

TEST(Policy, HangUpAndGetOwnConnectionsOnlyByDefault) {
  const Policy p;
  const auto alices = dialled_by("CORP\\alice");
  EXPECT_NO_THROW(p.require_hangup(kAlice, alices));
  EXPECT_NO_THROW(p.require_hangup(kAliceAgain, alices));
  EXPECT_NO_THROW(p.require_get(kAliceAgain, alices));
  EXPECT_NO_THROW(p.require_hangup(kAdmin, alices));
  EXPECT_NO_THROW(p.require_get(kAdmin, alices));
  const auto hangup = refusal([&] { p.require_hangup(kBob, alices); });
  EXPECT_STREQ(hangup.what(), "connection c4 belongs to CORP\\alice; only its owner or an administrator may hang it up");
  EXPECT_EQ(hangup.logged_reason(),
            "connection c4 (entry \"Office VPN\") belongs to CORP\\alice (pid 4242); only its owner or an "
            "administrator may hang it up");
  const auto get = refusal([&] { p.require_get(kBob, alices); });
  EXPECT_STREQ(get.what(), "connection c4 belongs to CORP\\alice; only its owner or an administrator may get it");
  EXPECT_TRUE(p.may_hang_up(kAlice, alices));
  EXPECT_FALSE(p.may_hang_up(kBob, alices));
}

TEST(Policy, AdoptedConnectionsNeedAnAdministratorByDefault) {
  const Policy p;
  EXPECT_NO_THROW(p.require_hangup(kAdmin, adopted()));
  const auto unknown = refusal([&] { p.require_hangup(kAlice, adopted()); });
  EXPECT_STREQ(unknown.what(),
               "connection c2 was not dialled through the service (adopted); only an administrator may hang it up");
  // Even the user RAS says dialled it: the service did not dial it for them.
  const auto named = refusal([&] { p.require_hangup(kAlice, adopted("CORP\\alice")); });
  EXPECT_STREQ(named.what(),
               "connection c2 was not dialled through the service (adopted, dialled by CORP\\alice); only an "
               "administrator may hang it up");
  EXPECT_FALSE(p.may_hang_up(kAlice, adopted("CORP\\alice")));
  // get is about ownership: the user RAS names may read it, others may not.
  EXPECT_NO_THROW(p.require_get(kAlice, adopted("CORP\\alice")));
  EXPECT_THROW(p.require_get(kBob, adopted("CORP\\alice")), Refusal);
  EXPECT_THROW(p.require_get(kBob, adopted()), Refusal);
}

TEST(Policy, TheConfigurationMayLetAnyoneHangUpOthersOrAdopted) {
  Rules others;
  others.hangup_others = HangupRight::anyone;
  const Policy p_others(others);
  EXPECT_NO_THROW(p_others.require_hangup(kBob, dialled_by("CORP\\alice")));
  EXPECT_THROW(p_others.require_hangup(kBob, adopted()), Refusal) << "adopted ones have their own key";
  EXPECT_THROW(p_others.require_get(kBob, dialled_by("CORP\\alice")), Refusal) << "get stays the owner's";

  Rules adopted_ones;
  adopted_ones.hangup_adopted = HangupRight::anyone;
  const Policy p_adopted(adopted_ones);
  EXPECT_NO_THROW(p_adopted.require_hangup(kBob, adopted()));
  EXPECT_NO_THROW(p_adopted.require_hangup(kBob, adopted("CORP\\alice")));
  EXPECT_THROW(p_adopted.require_hangup(kBob, dialled_by("CORP\\alice")), Refusal);
}

TEST(Policy, ListShowsEveryConnectionOrOnlyOwnOnes) {
  const Policy all;
  EXPECT_EQ(all.view(kBob, dialled_by("CORP\\alice")), dialled_by("CORP\\alice")) << "owner as it is";
  EXPECT_EQ(all.view(kBob, adopted()), adopted());

  Rules own_rules;
  own_rules.list = ListScope::own;
  const Policy own(own_rules);
  EXPECT_FALSE(own.view(kBob, dialled_by("CORP\\alice")));
  EXPECT_FALSE(own.view(kBob, adopted()));
  EXPECT_EQ(own.view(kAliceAgain, dialled_by("CORP\\alice")), dialled_by("CORP\\alice"));
  EXPECT_EQ(own.view(kAlice, adopted("CORP\\alice")), adopted("CORP\\alice"));
  EXPECT_EQ(own.view(kAdmin, dialled_by("CORP\\alice")), dialled_by("CORP\\alice")) << "administrators see all";
  EXPECT_EQ(own.view(kAdmin, adopted()), adopted());
}

TEST(Policy, OtherUsersOwnersCanBeHidden) {
  Rules rules;
  rules.show_other_owners = false;
  const Policy p(rules);
  const auto alices = dialled_by("CORP\\alice");
  const auto seen = p.view(kBob, alices);
  ASSERT_TRUE(seen);
  EXPECT_FALSE(seen->owner) << "hidden from another user";
  EXPECT_EQ(seen->id, "c4");
  EXPECT_EQ(p.view(kAlice, alices), alices) << "not from its owner";
  EXPECT_EQ(p.view(kAdmin, alices), alices) << "nor from an administrator";
  EXPECT_FALSE(p.masked(kBob, adopted("CORP\\alice")).owner);
  // A refusal does not tell the client what list would not; the log still names the owner.
  const auto r = refusal([&] { p.require_hangup(kBob, alices); });
  EXPECT_STREQ(r.what(), "connection c4 belongs to another user; only its owner or an administrator may hang it up");
  EXPECT_NE(r.logged_reason().find("CORP\\alice (pid 4242)"), std::string::npos) << r.logged_reason();
  const auto a = refusal([&] { p.require_hangup(kBob, adopted("CORP\\alice")); });
  EXPECT_STREQ(a.what(),
               "connection c2 was not dialled through the service (adopted, dialled by another user); only an "
               "administrator may hang it up");
}

TEST(Policy, NamesInMessagesAreEscapedAndCapped) {
  const Policy p;
  auto c = dialled_by("CORP\\mallory\n2026-01-01 [info] forged line" + std::string(400, 'x'));
  const auto r = refusal([&] { p.require_hangup(kBob, c); });
  const std::string text = r.what();
  EXPECT_EQ(text.find('\n'), std::string::npos) << text;
  EXPECT_NE(text.find("\\x0A"), std::string::npos) << text;
  EXPECT_LT(text.size(), 400u) << text;
  EXPECT_EQ(r.logged_reason().find('\n'), std::string::npos);
}

}  // namespace
}  // namespace rasbroker::authz
