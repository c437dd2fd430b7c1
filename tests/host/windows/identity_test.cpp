// Who a pipe client is (client_token.hpp, group_sids.hpp, pipe_identity.hpp) under Wine:
// the administrator rule on made-up tokens (a UAC-filtered one is not an administrator),
// group names resolved to SIDs once, and the identity read over a real pipe from the
// token Wine gives this process.
#include <gtest/gtest.h>

#include <sddl.h>

#include <cstdio>
#include <vector>

#include "host/windows/client_token.hpp"
#include "host/windows/group_sids.hpp"
#include "host/windows/pipe_identity.hpp"
#include "host/windows/win32_util.hpp"
#include "test_support.hpp"

using namespace rasbroker;
using namespace rasbroker::winhost;

namespace {

constexpr const char* kAdministrators = "S-1-5-32-544";
constexpr const char* kUsers = "S-1-5-32-545";

// A SID made from its string form, owned.
LocalPtr<void> sid(const char* text) {
  LocalPtr<void> s;
  EXPECT_TRUE(ConvertStringSidToSidW(widen(text).c_str(), s.out())) << text;
  return s;
}

// A TOKEN_GROUPS with these (SID, attributes), in a buffer laid out as Windows lays it.
class MadeUpGroups {
 public:
  MadeUpGroups(std::initializer_list<std::pair<const char*, DWORD>> groups) {
    buffer_.resize(sizeof(TOKEN_GROUPS) + groups.size() * sizeof(SID_AND_ATTRIBUTES));
    auto* tg = reinterpret_cast<TOKEN_GROUPS*>(buffer_.data());
    tg->GroupCount = 0;
    for (const auto& [text, attributes] : groups) {
      sids_.push_back(sid(text));
      tg->Groups[tg->GroupCount++] = SID_AND_ATTRIBUTES{sids_.back().get(), attributes};
    }
  }
  const TOKEN_GROUPS& get() const { return *reinterpret_cast<const TOKEN_GROUPS*>(buffer_.data()); }

 private:
  std::vector<LocalPtr<void>> sids_;
  alignas(TOKEN_GROUPS) std::vector<BYTE> buffer_;
};

ClientToken made_up_token(const char* user_sid, const MadeUpGroups& groups) {
  auto user = sid(user_sid);
  TOKEN_USER tu{};
  tu.User.Sid = user.get();
  return client_token(tu, groups.get());
}

constexpr DWORD kEnabled = SE_GROUP_ENABLED | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_MANDATORY;

// This process's own token, as the service would see it if this process were its client.
ClientToken own_token() {
  UniqueHandle token;
  EXPECT_TRUE(OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, token.out()));
  std::string why;
  const auto raw = read_raw_token(token.get(), why);
  EXPECT_TRUE(raw) << why;
  return raw ? client_token(*raw) : ClientToken{};
}

}  // namespace

TEST(ClientToken, AdministratorsEnabledMakesAnAdministrator) {
  const auto t = made_up_token("S-1-5-21-1-2-3-1001", MadeUpGroups{{kAdministrators, kEnabled}, {kUsers, kEnabled}});
  EXPECT_TRUE(t.admin);
  EXPECT_EQ(t.enabled_groups, (std::set<std::string>{kAdministrators, kUsers}));
}

// UAC: an administrator's filtered token keeps Administrators only to deny access.
TEST(ClientToken, AUacFilteredTokenIsNotAnAdministrator) {
  const auto t = made_up_token("S-1-5-21-1-2-3-1001",
                               MadeUpGroups{{kAdministrators, SE_GROUP_USE_FOR_DENY_ONLY}, {kUsers, kEnabled}});
  EXPECT_FALSE(t.admin);
  EXPECT_EQ(t.enabled_groups, std::set<std::string>{kUsers}) << "a deny-only group is no group to act as";
}

TEST(ClientToken, ADisabledGroupIsLeftOut) {
  const auto t = made_up_token("S-1-5-21-1-2-3-1001", MadeUpGroups{{kAdministrators, SE_GROUP_MANDATORY}});
  EXPECT_FALSE(t.admin);
  EXPECT_TRUE(t.enabled_groups.empty());
}

TEST(ClientToken, SystemIsAnAdministratorWhateverItsGroups) {
  const auto t = made_up_token("S-1-5-18", MadeUpGroups{});
  EXPECT_TRUE(t.admin);
}

TEST(GroupSids, NamesAndSidStringsResolveToSids) {
  EXPECT_EQ(lookup_group_sid("Administrators"), std::optional<std::string>(kAdministrators));
  EXPECT_EQ(lookup_group_sid("BUILTIN\\Administrators"), std::optional<std::string>(kAdministrators));
  EXPECT_EQ(lookup_group_sid("S-1-5-32-545"), std::optional<std::string>(kUsers));
  EXPECT_FALSE(lookup_group_sid("No Such Group 5c1d"));
  EXPECT_FALSE(lookup_group_sid("S-1-x"));
}

TEST(GroupSids, AUserIsNotAGroup) {
  const ClientToken me = own_token();
  ASSERT_FALSE(me.user.empty());
  EXPECT_FALSE(lookup_group_sid(me.user)) << me.user;
}

TEST(GroupSids, EachNameIsResolvedOnceKnownOrNot) {
  int lookups = 0;
  GroupSidCache cache([&lookups](const std::string& name) -> std::optional<std::string> {
    ++lookups;
    if (name == "CORP\\vpn-users") return "S-1-5-21-9-9-9-1234";
    return std::nullopt;
  });
  EXPECT_EQ(cache.sid_of("CORP\\vpn-users"), std::optional<std::string>("S-1-5-21-9-9-9-1234"));
  EXPECT_EQ(cache.sid_of("CORP\\vpn-users"), std::optional<std::string>("S-1-5-21-9-9-9-1234"));
  EXPECT_FALSE(cache.sid_of("CORP\\nobody"));
  EXPECT_FALSE(cache.sid_of("CORP\\nobody"));
  EXPECT_EQ(lookups, 2);
}

TEST(GroupSids, MemberOfAnswersFromTheTokensGroups) {
  auto cache = std::make_shared<GroupSidCache>([](const std::string& name) -> std::optional<std::string> {
    if (name == "CORP\\vpn-users") return "S-1-5-21-9-9-9-1234";
    return lookup_group_sid(name);
  });
  const auto member_of = member_of_groups({"S-1-5-21-9-9-9-1234", kUsers}, cache);
  EXPECT_TRUE(member_of("CORP\\vpn-users"));
  EXPECT_TRUE(member_of("Users"));
  EXPECT_TRUE(member_of("S-1-5-32-545"));
  EXPECT_FALSE(member_of("Administrators"));
  EXPECT_FALSE(member_of("No Such Group 5c1d"));
}

// Over a real pipe, at the identification level the client (rasbroker.exe) connects
// with: the service reads the same token this process has.
TEST(PipeIdentity, TheServiceReadsTheClientsOwnToken) {
  const std::wstring path = widen(R"(\\.\pipe\)" + test::unique_pipe_name("identity"));
  UniqueHandle server(CreateNamedPipeW(path.c_str(), PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE | PIPE_WAIT, 1, 4096, 4096, 0,
                                       nullptr));
  ASSERT_TRUE(server) << GetLastError();
  UniqueHandle client(CreateFileW(path.c_str(), GENERIC_READ | GENERIC_WRITE, 0, nullptr, OPEN_EXISTING,
                                  SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION, nullptr));
  ASSERT_TRUE(client) << GetLastError();
  ConnectNamedPipe(server.get(), nullptr);  // already connected: ERROR_PIPE_CONNECTED
  DWORD n = 0;
  ASSERT_TRUE(WriteFile(client.get(), "x", 1, &n, nullptr));
  char byte = 0;
  ASSERT_TRUE(ReadFile(server.get(), &byte, 1, &n, nullptr));

  std::string why;
  const auto seen = pipe_client_identity(server.get(), why);
  ASSERT_TRUE(seen) << why;
  const ClientToken me = own_token();
  EXPECT_EQ(seen->user, me.user);
  EXPECT_EQ(seen->admin, me.admin);
  EXPECT_EQ(seen->enabled_groups, me.enabled_groups);
  EXPECT_EQ(seen->admin, seen->enabled_groups.contains(kAdministrators));
  // What Wine's token says (docs/security.md): the Unix user's account, in Administrators
  // and Users, enabled — every Wine process runs as an administrator.
  EXPECT_NE(seen->user.find('\\'), std::string::npos) << seen->user;
  EXPECT_TRUE(seen->admin) << seen->user;
  EXPECT_TRUE(seen->enabled_groups.contains(kUsers));
  std::string groups;
  for (const auto& g : seen->enabled_groups) groups += " " + g;
  std::printf("Wine's token: user %s, admin %d, enabled groups:%s\n", seen->user.c_str(), seen->admin, groups.c_str());
}
