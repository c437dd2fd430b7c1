// Win32Ras::enum_connections names who dialled each connection: the user of the logon session
// RASCONN.luid gives, from LsaGetLogonSessionData. Wine 8 cannot answer that (both pinned
// below, so that a Wine which can shows here first): its token reports logon session 0 for
// every process (dlls/ntdll/unix/security.c, TokenStatistics: "AuthenticationId = 0 /* FIXME */"),
// and its LsaGetLogonSessionData is a semi-stub (dlls/secur32/lsa.c) that answers any LUID
// with STATUS_SUCCESS, the authentication package, and neither user nor domain. So under Wine
// the backend takes the fallback: the owner is unknown (""), and an adopted connection is
// shown without a name. The naming itself is tested on an LSA answer built by hand.
#include <gtest/gtest.h>

#include <windows.h>
#include <ntsecapi.h>

#include <optional>
#include <string>
#include <vector>

#include "ras/win32/logon_user.hpp"
#include "ras/win32/win32_ras.hpp"
#include "sim_dll_fixture.hpp"
#include "win32/handles.hpp"

namespace rasbroker::ras::test {
namespace {

std::uint64_t own_logon_luid() {
  HANDLE raw = nullptr;
  EXPECT_TRUE(OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &raw));
  const UniqueHandle token(raw);
  TOKEN_STATISTICS stats{};
  DWORD size = 0;
  EXPECT_TRUE(GetTokenInformation(token.get(), TokenStatistics, &stats, sizeof stats, &size));
  return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(stats.AuthenticationId.HighPart)) << 32) |
         stats.AuthenticationId.LowPart;
}

// SYSTEM_LUID: LocalSystem's logon session, which every Windows LSA knows.
constexpr std::uint64_t kSystemLuid = 0x3e7;

class LogonUserTest : public SimDll {};

TEST_F(LogonUserTest, WineNamesNoLogonSessionsUser) {
  EXPECT_EQ(own_logon_luid(), 0u);  // no logon session of its own to ask about
  LUID id{static_cast<DWORD>(kSystemLuid), 0};
  LsaBuffer<SECURITY_LOGON_SESSION_DATA> session;
  ASSERT_EQ(LsaGetLogonSessionData(&id, session.out()), 0);  // STATUS_SUCCESS ...
  ASSERT_TRUE(session);
  EXPECT_EQ(session.get()->LogonId.LowPart, id.LowPart);
  EXPECT_EQ(session.get()->UserName.Length, 0u);  // ... without names
  EXPECT_EQ(session.get()->LogonDomain.Length, 0u);
  EXPECT_EQ(logon_session_user(kSystemLuid), "");
  EXPECT_EQ(logon_session_user(0), "");  // no session named: the LSA is not asked
}

TEST_F(LogonUserTest, AnAdoptedConnectionsOwnerIsUnknownWhenTheLsaDoesNotSay) {
  const std::string scenario = R"({"entries": [{"name": "Branch VPN"}],
      "connected": [{"entry": "Branch VPN", "account": "CORP\\bob", "logon_luid": )" +
                               std::to_string(kSystemLuid) + "}]}";
  start(scenario.c_str());
  Win32Ras ras(io_.get_executor());
  std::vector<ActiveConnection> conns;
  ASSERT_EQ(ras.enum_connections(conns), 0u);
  ASSERT_EQ(conns.size(), 1u);
  EXPECT_EQ(conns[0].logon_luid, kSystemLuid);
  // RASCONN carries only the luid (the scenario's account stays in the simulated DLL); the
  // name is the LSA's to give, and Wine's has none.
  EXPECT_EQ(conns[0].logon_user, "");
}

LSA_UNICODE_STRING lsa_text(std::wstring& text) {
  const auto bytes = static_cast<USHORT>(text.size() * sizeof(wchar_t));
  return LSA_UNICODE_STRING{bytes, bytes, text.data()};
}

TEST(LogonUserName, DomainAndUserFromTheLsaAnswer) {
  std::wstring domain = L"CORP", user = L"bob\u00e9", other = L"xyz";
  SECURITY_LOGON_SESSION_DATA session{};
  session.UserName = lsa_text(user);
  session.LogonDomain = lsa_text(domain);
  EXPECT_EQ(logon_user_name(session), "CORP\\bob\xc3\xa9");
  session.LogonDomain = LSA_UNICODE_STRING{};  // no domain: the user alone
  EXPECT_EQ(logon_user_name(session), "bob\xc3\xa9");
  session.UserName = LSA_UNICODE_STRING{};  // no user: unknown, whatever the domain
  session.LogonDomain = lsa_text(domain);
  EXPECT_EQ(logon_user_name(session), "");
  // Lengths count bytes, and the text need not end at a NUL.
  session.UserName = LSA_UNICODE_STRING{2 * sizeof(wchar_t), 3 * sizeof(wchar_t), other.data()};
  EXPECT_EQ(logon_user_name(session), "CORP\\xy");
}

}  // namespace
}  // namespace rasbroker::ras::test
