// Win32Ras::enum_connections carries RASCONN.dwFlags and luid from the simulated
// rasapi32.dll: who dialled each connection, relative to the calling account (here the
// DLL's default caller, SYSTEM in logon session 0x3e7), in both enumeration readings.
#include <gtest/gtest.h>

#include <windows.h>
#include <ras.h>

#include <optional>
#include <string>
#include <vector>

#include "ras/win32/win32_ras.hpp"
#include "sim_dll_fixture.hpp"

namespace rasbroker::ras::test {
namespace {

namespace flag = conn_flags;

class EnumOwnerTest : public SimDll {
 protected:
  static std::optional<ActiveConnection> listed(Win32Ras& ras, const std::string& entry) {
    std::vector<ActiveConnection> conns;
    EXPECT_EQ(ras.enum_connections(conns), 0u);
    for (const auto& c : conns)
      if (c.entry == entry) return c;
    return std::nullopt;
  }
  static Handle dial(Win32Ras& ras, const char* entry) {
    DialRequest r;
    r.entry = entry;
    const auto result = ras.dial(r, {});
    EXPECT_EQ(result.error, 0u);
    return result.handle;
  }
  static void hang_up_and_reap(Win32Ras& ras, Handle h) {
    ASSERT_EQ(ras.hang_up(h), 0u);
    ASSERT_TRUE(wait_until([&] {
      ConnectStatus st;
      return ras.get_connect_status(h, st) == err::kInvalidHandle;
    }));
  }
};

TEST_F(EnumOwnerTest, FlagsAndLogonSessionComeFromRasconn) {
  start(R"json({"entries": [{"name": "Office VPN", "connect_ms": 0, "teardown_ms": 20},
                            {"name": "Branch VPN"}, {"name": "Shared VPN"},
                            {"name": "Home", "phonebook": "C:\\Users\\alice\\rasphone.pbk"}],
                "connected": [{"entry": "Branch VPN", "account": "CONTOSO\\alice", "logon_luid": 81985529216486895},
                              {"entry": "Shared VPN", "account": "SYSTEM", "logon_luid": 999,
                               "default_credentials": true},
                              "Home"]})json");
  Win32Ras ras(io_.get_executor());
  const auto mine = dial(ras, "Office VPN");
  ASSERT_TRUE(wait_until([&] { return listed(ras, "Office VPN").has_value(); }));

  const auto office = listed(ras, "Office VPN");
  EXPECT_EQ(office->flags, flag::kAllUsers | flag::kOwnerKnown | flag::kOwnerMatch);
  EXPECT_EQ(office->logon_luid, 0x3e7u);
  const auto branch = listed(ras, "Branch VPN");
  ASSERT_TRUE(branch);
  EXPECT_EQ(branch->flags, flag::kAllUsers | flag::kOwnerKnown);
  EXPECT_EQ(branch->logon_luid, 0x0123456789abcdefu);  // LUID.HighPart and LowPart, put together
  const auto shared = listed(ras, "Shared VPN");
  ASSERT_TRUE(shared);
  EXPECT_EQ(shared->flags, flag::kAllUsers | flag::kGlobalCreds | flag::kOwnerKnown | flag::kOwnerMatch);
  const auto home = listed(ras, "Home");  // a per-user phonebook's entry
  ASSERT_TRUE(home);
  EXPECT_EQ(home->flags, flag::kOwnerKnown);
  EXPECT_EQ(home->logon_luid, 0x2d5e1u);  // the scenario's default dialler

  // The raw structure, as any caller of RasEnumConnectionsW sees it.
  std::vector<RASCONNW> raw(8);
  raw[0].dwSize = sizeof(RASCONNW);
  DWORD bytes = static_cast<DWORD>(raw.size() * sizeof(RASCONNW));
  DWORD count = 0;
  ASSERT_EQ(RasEnumConnectionsW(raw.data(), &bytes, &count), 0u);
  ASSERT_EQ(count, 4u);
  EXPECT_EQ(raw[0].dwFlags, static_cast<DWORD>(RASCF_AllUsers | flag::kOwnerKnown));  // Branch VPN
  EXPECT_EQ(raw[0].luid.HighPart, 0x01234567);
  EXPECT_EQ(raw[0].luid.LowPart, 0x89abcdefu);

  hang_up_and_reap(ras, mine);
  EXPECT_EQ(leak_report()["clean"], true) << leak_report().dump();
}

TEST_F(EnumOwnerTest, TheOtherReadingListsADialInProgressWithItsOwner) {
  start(R"({"entries": [{"name": "Office VPN", "connect_ms": 60000, "teardown_ms": 20}],
            "enum_lists": "not_hung_up"})");
  Win32Ras ras(io_.get_executor());
  const auto h = dial(ras, "Office VPN");
  const auto dialling = listed(ras, "Office VPN");
  ASSERT_TRUE(dialling);
  EXPECT_EQ(dialling->handle, h);
  EXPECT_EQ(dialling->flags, flag::kAllUsers | flag::kOwnerKnown | flag::kOwnerMatch);
  EXPECT_EQ(dialling->logon_luid, 0x3e7u);
  ConnectStatus st;
  ASSERT_EQ(ras.get_connect_status(h, st), 0u);  // listed, yet not connected: the status tells
  EXPECT_NE(st.state, ConnState::Connected);

  ASSERT_EQ(ras.hang_up(h), 0u);
  EXPECT_FALSE(listed(ras, "Office VPN"));  // hung up: listed no more
  ASSERT_TRUE(wait_until([&] { return ras.get_connect_status(h, st) == err::kInvalidHandle; }));
  EXPECT_EQ(leak_report()["clean"], true) << leak_report().dump();
}

}  // namespace
}  // namespace rasbroker::ras::test
