// The simulator's fault options through the DLL's Win32 signatures, under Wine: RasHangUpW
// answering 668 in both readings (entry key hang_up_668), and RasEnumConnectionsW answering 603
// again when a connection appears between the size call and the fill call (scenario key
// enum_race). docs/simulator.md, fidelity table.
#include <gtest/gtest.h>

#include <vector>

#include <windows.h>
#include <ras.h>
#include <raserror.h>

#include "ras/win32/win32_ras.hpp"
#include "sim_dll_fixture.hpp"

namespace rasbroker::ras::test {
namespace {

using FaultExportsTest = SimDll;

// Dials `entry` through RasDialW without a notifier (it returns once the walk ended).
HRASCONN dial_synchronously(const wchar_t* entry) {
  RASDIALPARAMSW params{};
  params.dwSize = sizeof params;
  wcscpy(params.szEntryName, entry);
  HRASCONN h = nullptr;
  EXPECT_EQ(RasDialW(nullptr, nullptr, &params, 0, nullptr, &h), 0u);
  return h;
}

bool gone(HRASCONN h) {
  RASCONNSTATUSW st{};
  st.dwSize = sizeof st;
  return RasGetConnectStatusW(h, &st) == ERROR_INVALID_HANDLE;
}

TEST_F(FaultExportsTest, RasHangUpAnswers668AndTheTeardownStillRunsInTheFirstReading) {
  start(R"({"entries": [{"name": "A", "connect_ms": 0, "teardown_ms": 300, "hang_up_668": "then_teardown"}]})");
  const HRASCONN h = dial_synchronously(L"A");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(RasHangUpW(h), static_cast<DWORD>(ERROR_NO_CONNECTION));
  RASCONNSTATUSW st{};
  st.dwSize = sizeof st;
  ASSERT_EQ(RasGetConnectStatusW(h, &st), 0u);  // still tearing down
  EXPECT_EQ(st.rasconnstate, RASCS_Disconnected);
  ASSERT_TRUE(wait_until([&] { return gone(h); }));
  EXPECT_EQ(leak_report()["clean"], true) << leak_report().dump();
}

TEST_F(FaultExportsTest, RasHangUpAnswers668AndTheHandleIsGoneAtOnceInTheSecondReading) {
  start(R"({"entries": [{"name": "A", "connect_ms": 0, "teardown_ms": 300, "hang_up_668": "already_gone"}]})");
  const HRASCONN h = dial_synchronously(L"A");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(RasHangUpW(h), static_cast<DWORD>(ERROR_NO_CONNECTION));
  EXPECT_TRUE(gone(h));
  EXPECT_EQ(leak_report()["clean"], true) << leak_report().dump();
}

TEST_F(FaultExportsTest, RasEnumConnectionsAnswers603AgainWhenAConnectionAppearsBetweenTheCalls) {
  start(R"({"entries": [{"name": "A"}, {"name": "B"}, {"name": "C"}], "connected": ["A"], "enum_race": ["B", "C"]})");
  // The size call: a NULL buffer.
  DWORD bytes = 0;
  DWORD count = 0;
  ASSERT_EQ(RasEnumConnectionsW(nullptr, &bytes, &count), static_cast<DWORD>(ERROR_BUFFER_TOO_SMALL));
  EXPECT_EQ(bytes, sizeof(RASCONNW));
  // The fill call, sized by that answer: B connected meanwhile, so too small again, twice.
  for (DWORD expected = 2; expected <= 3; ++expected) {
    std::vector<RASCONNW> buffer(bytes / sizeof(RASCONNW));
    buffer.front().dwSize = sizeof(RASCONNW);
    ASSERT_EQ(RasEnumConnectionsW(buffer.data(), &bytes, &count), static_cast<DWORD>(ERROR_BUFFER_TOO_SMALL));
    EXPECT_EQ(bytes, expected * sizeof(RASCONNW));
    EXPECT_EQ(count, 0u);
  }
  std::vector<RASCONNW> buffer(bytes / sizeof(RASCONNW));
  buffer.front().dwSize = sizeof(RASCONNW);
  ASSERT_EQ(RasEnumConnectionsW(buffer.data(), &bytes, &count), 0u);
  ASSERT_EQ(count, 3u);
  EXPECT_STREQ(buffer[2].szEntryName, L"C");
  // The backend's loop (the broker's) lists them all.
  Win32Ras ras(io_.get_executor());
  std::vector<ActiveConnection> conns;
  ASSERT_EQ(ras.enum_connections(conns), 0u);
  EXPECT_EQ(conns.size(), 3u);
  EXPECT_EQ(leak_report()["clean"], true) << leak_report().dump();  // someone else's connections
}

}  // namespace
}  // namespace rasbroker::ras::test
