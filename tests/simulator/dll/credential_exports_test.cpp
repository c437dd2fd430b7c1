// The simulated rasapi32.dll's saved credentials and EAP identities through their Win32
// signatures: RasGetCredentialsW (both readings of RASCM_DefaultCreds), RasGetEntryDialParamsW,
// RasGetEapUserIdentityW / RasFreeEapUserIdentityW, and what RasDialW makes of them.
#include <gtest/gtest.h>

#include <cwchar>
#include <string>

#include <windows.h>
#include <ras.h>
#include <raserror.h>

#include "sim_dll_fixture.hpp"

namespace rasbroker::ras::test {
namespace {

constexpr const char* kEntries = R"("entries": [
  {"name": "Shared", "connect_ms": 0, "teardown_ms": 0, "username": "alice", "password": "right",
   "saved_credentials": [{"for": "all_users", "username": "alice", "password": "right"},
                         {"for": "SYSTEM", "username": "svc"}]},
  {"name": "Theirs", "connect_ms": 0, "teardown_ms": 0,
   "saved_credentials": {"for": "alice", "username": "alice", "password": "x"}},
  {"name": "Certificate VPN", "connect_ms": 0, "teardown_ms": 0, "eap": "non_interactive"},
  {"name": "Smart Card VPN", "connect_ms": 0, "teardown_ms": 0, "eap": "interactive"},
  {"name": "Plain", "connect_ms": 0, "teardown_ms": 0}])";

constexpr DWORD kAll = RASCM_UserName | RASCM_Password | RASCM_Domain;

class CredentialExportsTest : public SimDll {
 protected:
  void start_reading(const char* flag) {
    start(("{\"default_creds_flag\": \"" + std::string(flag) + "\", " + kEntries + "}").c_str());
  }
  static DWORD get(const wchar_t* entry, DWORD mask, RASCREDENTIALSW& out) {
    out = {};
    out.dwSize = sizeof out;
    out.dwMask = mask;
    return RasGetCredentialsW(nullptr, entry, &out);
  }
  // A synchronous RasDialW (no notifier: it returns the dial's outcome), then RasHangUpW and
  // the status poll until the handle is gone.
  static DWORD dial(const wchar_t* entry, const wchar_t* user, const wchar_t* password,
                    LPRASDIALEXTENSIONS extensions = nullptr) {
    RASDIALPARAMSW params{};
    params.dwSize = sizeof params;
    wcscpy(params.szEntryName, entry);
    wcscpy(params.szUserName, user);
    wcscpy(params.szPassword, password);
    HRASCONN conn = nullptr;
    const DWORD rc = RasDialW(extensions, nullptr, &params, 0, nullptr, &conn);
    if (conn != nullptr) {
      EXPECT_EQ(RasHangUpW(conn), 0u);
      EXPECT_TRUE(wait_until([&] {
        RASCONNSTATUSW st{};
        st.dwSize = sizeof st;
        return RasGetConnectStatusW(conn, &st) == ERROR_INVALID_HANDLE;
      }));
    }
    return rc;
  }
};

TEST_F(CredentialExportsTest, DefaultCredsAsksForTheAllUsersCredentialsInTheInputReading) {
  start_reading("input");
  RASCREDENTIALSW c;
  ASSERT_EQ(get(L"Shared", kAll | RASCM_DefaultCreds, c), 0u);
  EXPECT_EQ(c.dwMask, kAll | RASCM_DefaultCreds);
  EXPECT_STREQ(c.szUserName, L"alice");
  EXPECT_STREQ(c.szPassword, L"****************");  // a handle, never the password
  EXPECT_STREQ(c.szDomain, L"");
  // Without the flag: SYSTEM's own, here a user name saved without its password.
  ASSERT_EQ(get(L"shared", kAll, c), 0u);
  EXPECT_EQ(c.dwMask, static_cast<DWORD>(RASCM_UserName | RASCM_Domain));
  EXPECT_STREQ(c.szUserName, L"svc");
  EXPECT_STREQ(c.szPassword, L"");
  // Only what was asked for.
  ASSERT_EQ(get(L"Shared", RASCM_UserName | RASCM_DefaultCreds, c), 0u);
  EXPECT_EQ(c.dwMask, static_cast<DWORD>(RASCM_UserName | RASCM_DefaultCreds));
  EXPECT_STREQ(c.szPassword, L"");
  // Another user's credentials are not SYSTEM's to see; none saved at all.
  for (const wchar_t* entry : {L"Theirs", L"Plain"}) {
    for (const DWORD mask : {kAll, kAll | RASCM_DefaultCreds}) {
      ASSERT_EQ(get(entry, mask, c), 0u);
      EXPECT_EQ(c.dwMask, 0u);
      EXPECT_STREQ(c.szUserName, L"");
    }
  }
  EXPECT_EQ(get(L"Nowhere", kAll, c), static_cast<DWORD>(ERROR_CANNOT_FIND_PHONEBOOK_ENTRY));
  c.dwSize = 12;
  EXPECT_EQ(RasGetCredentialsW(nullptr, L"Shared", &c), static_cast<DWORD>(ERROR_INVALID_SIZE));
  EXPECT_EQ(RasGetCredentialsW(nullptr, L"Shared", nullptr), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
}

TEST_F(CredentialExportsTest, DefaultCredsReportsTheAllUsersCredentialsInTheOutputReading) {
  start_reading("output");
  RASCREDENTIALSW c;
  // The flag asks nothing: SYSTEM's own come first, and are not flagged.
  ASSERT_EQ(get(L"Shared", kAll | RASCM_DefaultCreds, c), 0u);
  EXPECT_EQ(c.dwMask, static_cast<DWORD>(RASCM_UserName | RASCM_Domain));
  EXPECT_STREQ(c.szUserName, L"svc");
  // Without own credentials, the all-users ones, flagged as such.
  start(R"({"default_creds_flag": "output", "entries": [{"name": "A",
            "saved_credentials": {"for": "all_users", "username": "alice", "password": "p"}}]})");
  ASSERT_EQ(get(L"A", kAll, c), 0u);
  EXPECT_EQ(c.dwMask, kAll | RASCM_DefaultCreds);
  EXPECT_STREQ(c.szUserName, L"alice");
  EXPECT_STREQ(c.szPassword, L"****************");
}

TEST_F(CredentialExportsTest, RasDialTakesTheHandleForTheSavedPassword) {
  start_reading("input");
  EXPECT_EQ(dial(L"Shared", L"alice", L"****************"), 0u);
  EXPECT_EQ(dial(L"Shared", L"alice", L"right"), 0u);
  // No password is no password (no "empty means saved"); the handle stands for a password
  // saved with that user name.
  EXPECT_EQ(dial(L"Shared", L"alice", L""), static_cast<DWORD>(ERROR_AUTHENTICATION_FAILURE));
  EXPECT_EQ(dial(L"Shared", L"svc", L"****************"), static_cast<DWORD>(ERROR_AUTHENTICATION_FAILURE));
  // RasGetEntryDialParams: the calling account's own credentials, as RasGetCredentials
  // without RASCM_DefaultCreds.
  RASDIALPARAMSW params{};
  params.dwSize = sizeof params;
  wcscpy(params.szEntryName, L"Shared");
  BOOL has_password = TRUE;
  ASSERT_EQ(RasGetEntryDialParamsW(nullptr, &params, &has_password), 0u);
  EXPECT_FALSE(has_password);
  EXPECT_STREQ(params.szUserName, L"svc");
  EXPECT_EQ(leak_report()["clean"], true) << leak_report().dump();
}

TEST_F(CredentialExportsTest, EapIdentityByMode) {
  start_reading("input");
  LPRASEAPUSERIDENTITYW id = reinterpret_cast<LPRASEAPUSERIDENTITYW>(1);
  EXPECT_EQ(RasGetEapUserIdentityW(nullptr, L"Plain", RASEAPF_NonInteractive, nullptr, &id),
            static_cast<DWORD>(ERROR_INVALID_FUNCTION_FOR_ENTRY));
  EXPECT_EQ(id, nullptr);
  EXPECT_EQ(RasGetEapUserIdentityW(nullptr, L"Smart Card VPN", RASEAPF_NonInteractive, nullptr, &id),
            static_cast<DWORD>(ERROR_INTERACTIVE_MODE));
  EXPECT_EQ(RasGetEapUserIdentityW(nullptr, L"Nowhere", 0, nullptr, &id),
            static_cast<DWORD>(ERROR_CANNOT_FIND_PHONEBOOK_ENTRY));
  EXPECT_EQ(RasGetEapUserIdentityW(nullptr, L"Plain", 0, nullptr, nullptr), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(id, nullptr);

  ASSERT_EQ(RasGetEapUserIdentityW(nullptr, L"Certificate VPN", RASEAPF_NonInteractive, nullptr, &id), 0u);
  ASSERT_NE(id, nullptr);
  EXPECT_STREQ(id->szUserName, L"SYSTEM");
  EXPECT_GT(id->dwSizeofEapInfo, 0u);
  EXPECT_EQ(leak_report()["eap_identities_not_freed"], 1);
  EXPECT_EQ(leak_report()["clean"], false);  // a buffer nobody freed is a leak

  // RasDialW with the identity in RASDIALEXTENSIONS connects; without it, 703.
  RASDIALEXTENSIONS ext{};
  ext.dwSize = sizeof ext;
  ext.RasEapInfo.dwSizeofEapInfo = id->dwSizeofEapInfo;
  ext.RasEapInfo.pbEapInfo = id->pbEapInfo;
  EXPECT_EQ(dial(L"Certificate VPN", id->szUserName, L"", &ext), 0u);
  EXPECT_EQ(dial(L"Certificate VPN", id->szUserName, L""), static_cast<DWORD>(ERROR_INTERACTIVE_MODE));
  ext.RasEapInfo.pbEapInfo = nullptr;
  EXPECT_EQ(dial(L"Certificate VPN", id->szUserName, L"", &ext), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  RasFreeEapUserIdentityW(id);
  RasFreeEapUserIdentityW(nullptr);  // allowed

  // Without RASEAPF_NonInteractive an interactive method is answered as if the user signed in.
  ASSERT_EQ(RasGetEapUserIdentityW(nullptr, L"Smart Card VPN", 0, nullptr, &id), 0u);
  RasFreeEapUserIdentityW(id);
  EXPECT_EQ(leak_report()["eap_identities_not_freed"], 0);
  EXPECT_EQ(leak_report()["clean"], true) << leak_report().dump();
}

}  // namespace
}  // namespace rasbroker::ras::test
