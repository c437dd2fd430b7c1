// Win32Ras against the simulated rasapi32.dll: an entry another account made for itself
// (Add-VpnConnection without -AllUserConnection) is not found by a LocalSystem caller with
// the NULL phonebook — RasEnumEntriesW does not list it, RasDialW and RasGetEntryDialParamsW
// answer 623 — while naming that user's phonebook file finds and dials it.
#include <gtest/gtest.h>

#include <windows.h>
#include <ras.h>
#include <raserror.h>

#include <string>
#include <vector>

#include "ras/win32/win32_ras.hpp"
#include "sim_dll_fixture.hpp"
#include "win32/utf16.hpp"

namespace rasbroker::ras::test {
namespace {

constexpr const char* kAlicePhonebook =
    "C:\\Users\\alice\\AppData\\Roaming\\Microsoft\\Network\\Connections\\Pbk\\rasphone.pbk";

constexpr const char* kScenario = R"({"entries": [
  {"name": "Office VPN", "connect_ms": 0, "teardown_ms": 0},
  {"name": "Home VPN", "user": "alice", "connect_ms": 0, "teardown_ms": 0, "username": "alice", "password": "pw",
   "saved_credentials": {"for": "alice", "username": "alice", "password": "pw"}}]})";

DialRequest request(const char* entry, const char* phonebook = "", const char* user = "", const char* password = "") {
  return DialRequest{entry, phonebook, user, password, ""};
}

// RasEnumEntriesW as it is: (name, dwFlags) of each entry `phonebook` (null: NULL) gives.
std::vector<std::pair<std::wstring, DWORD>> enum_raw(const wchar_t* phonebook) {
  std::vector<RASENTRYNAMEW> buffer(4);
  buffer[0].dwSize = sizeof(RASENTRYNAMEW);
  DWORD bytes = static_cast<DWORD>(buffer.size() * sizeof(RASENTRYNAMEW));
  DWORD count = 0;
  EXPECT_EQ(RasEnumEntriesW(nullptr, phonebook, buffer.data(), &bytes, &count), 0u);
  std::vector<std::pair<std::wstring, DWORD>> out;
  for (DWORD i = 0; i < count; ++i) out.emplace_back(buffer[i].szEntryName, buffer[i].dwFlags);
  return out;
}

using Win32PhonebookScopeTest = SimDll;

TEST_F(Win32PhonebookScopeTest, AnotherUsersEntryIs623ForSystemWithTheNullPhonebook) {
  start(kScenario);  // calling account: SYSTEM, the default (nothing configured)
  using Listed = std::vector<std::pair<std::wstring, DWORD>>;
  EXPECT_EQ(enum_raw(nullptr), (Listed{{L"Office VPN", REN_AllUsers}}));

  RASDIALPARAMSW params{};
  params.dwSize = sizeof params;
  wcscpy(params.szEntryName, L"Home VPN");
  BOOL has_password = FALSE;
  EXPECT_EQ(RasGetEntryDialParamsW(nullptr, &params, &has_password),
            static_cast<DWORD>(ERROR_CANNOT_FIND_PHONEBOOK_ENTRY));

  Win32Ras ras(io_.get_executor());
  for (const auto& r : {request("Home VPN"), request("Home VPN", "", "alice", "pw")}) {  // saved, then given
    const auto result = ras.dial(r, {});
    EXPECT_EQ(result.error, err::kCannotFindPhonebookEntry);
    EXPECT_EQ(result.handle, kNullHandle);
  }
  EXPECT_EQ(leak_report()["clean"], true) << leak_report().dump();
}

TEST_F(Win32PhonebookScopeTest, NamingTheUsersPhonebookFindsAndDialsTheEntry) {
  start(kScenario);
  const std::wstring alice = widen(kAlicePhonebook);
  using Listed = std::vector<std::pair<std::wstring, DWORD>>;
  EXPECT_EQ(enum_raw(alice.c_str()), (Listed{{L"Home VPN", REN_User}}));

  RASDIALPARAMSW params{};
  params.dwSize = sizeof params;
  wcscpy(params.szEntryName, L"home vpn");
  BOOL has_password = TRUE;
  ASSERT_EQ(RasGetEntryDialParamsW(alice.c_str(), &params, &has_password), 0u);  // found...
  EXPECT_STREQ(params.szUserName, L"");  // ...but what alice saved for herself is hers, not SYSTEM's
  EXPECT_FALSE(has_password);

  Win32Ras ras(io_.get_executor());
  const auto r = ras.dial(request("Home VPN", kAlicePhonebook, "alice", "pw"), {});  // the client sends them
  ASSERT_EQ(r.error, 0u);
  ASSERT_NE(r.handle, kNullHandle);
  ASSERT_TRUE(wait_until([&] {
    std::vector<ActiveConnection> conns;
    return ras.enum_connections(conns) == 0 && conns.size() == 1 && conns[0].phonebook == kAlicePhonebook;
  }));
  ASSERT_EQ(ras.hang_up(r.handle), 0u);
  EXPECT_EQ(reap_handle(ras, r.handle), err::kInvalidHandle);
  EXPECT_EQ(leak_report()["clean"], true) << leak_report().dump();
}

// The calling account is configured like the scenario (environment, then registry).
TEST_F(Win32PhonebookScopeTest, TheCallingAccountComesFromTheConfiguration) {
  write_text(scenario_path(), kScenario);
  ASSERT_TRUE(SetEnvironmentVariableW(L"RASBROKER_SIM_ACCOUNT", L"alice"));
  const DWORD rc = reset_(scenario_path().c_str(), state_path().c_str());
  SetEnvironmentVariableW(L"RASBROKER_SIM_ACCOUNT", nullptr);
  ASSERT_EQ(rc, 0u);

  using Listed = std::vector<std::pair<std::wstring, DWORD>>;
  EXPECT_EQ(enum_raw(nullptr), (Listed{{L"Office VPN", REN_AllUsers}, {L"Home VPN", REN_User}}));
}

}  // namespace
}  // namespace rasbroker::ras::test
