// The simulated rasapi32.dll itself: configuration, the state file across a "restart",
// the leak report in that file, RasDial without a notifier, and values too long for RAS's fields.
#include <gtest/gtest.h>

#include <cstdio>
#include <cwchar>
#include <mutex>
#include <string>
#include <vector>

#include <windows.h>
#include <ras.h>
#include <raserror.h>

#include "ras/win32/win32_ras.hpp"
#include "win32/utf16.hpp"
#include "sim_dll_fixture.hpp"

namespace rasbroker::ras::test {
namespace {

std::string hex(Handle h) {
  char text[32];
  std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(h));
  return text;
}

bool connected(Win32Ras& ras, Handle h) {
  ConnectStatus st;
  return ras.get_connect_status(h, st) == 0 && st.state == ConnState::Connected;
}

std::uint32_t reap(Win32Ras& ras, Handle h) { return reap_handle(ras, h); }

using SimDllTest = SimDll;

TEST_F(SimDllTest, StateFileCarriesALiveConnectionAcrossARestart) {
  start(R"({"entries": [{"name": "Office VPN", "connect_ms": 0, "teardown_ms": 50}]})");
  Handle h = kNullHandle;
  {
    Win32Ras first(io_.get_executor());  // the service that will be "killed"
    h = first.dial({"Office VPN", "", "", "", ""}, {}).handle;
    ASSERT_NE(h, kNullHandle);
    ASSERT_TRUE(wait_until([&] { return connected(first, h); }));
  }
  // Rewritten after every change (by the thread that made it, so shortly after the
  // status above): the connection and the outstanding dial reference.
  nlohmann::json before;
  ASSERT_TRUE(wait_until([&] {
    before = state_file();
    return !before.is_null() && before["engine"]["connections"][0]["phase"] == "connected";
  })) << before.dump(2);
  EXPECT_EQ(before["format"], "rasbroker-sim-state");
  EXPECT_EQ(before["clean"], false);
  ASSERT_EQ(before["leaks"].size(), 1u);
  EXPECT_EQ(before["leaks"][0]["handle"], hex(h));
  EXPECT_NE(before["leaks"][0]["problem"].get<std::string>().find("never hung up"), std::string::npos);
  ASSERT_EQ(before["engine"]["connections"].size(), 1u);
  EXPECT_EQ(before["engine"]["connections"][0]["phase"], "connected");

  restart();  // a new engine restores the file, as a restarted service's would

  Win32Ras second(io_.get_executor());
  std::vector<ActiveConnection> conns;
  ASSERT_EQ(second.enum_connections(conns), 0u);  // adoption finds it
  ASSERT_EQ(conns.size(), 1u);
  EXPECT_EQ(conns[0].handle, h);
  EXPECT_EQ(conns[0].entry, "Office VPN");
  const auto fresh = second.dial({"Office VPN", "", "", "", ""}, {});  // same connection, one more reference
  EXPECT_EQ(fresh.handle, h);

  ASSERT_EQ(second.hang_up(h), 0u);
  ASSERT_EQ(second.hang_up(h), 0u);
  EXPECT_EQ(reap(second, h), err::kInvalidHandle);
  const auto after = state_file();
  EXPECT_EQ(after["clean"], true) << after.dump(2);
  EXPECT_TRUE(after["leaks"].empty());
  EXPECT_FALSE(after.contains("restore_error"));

  // Handles are never reused, also across restarts.
  restart();
  Win32Ras third(io_.get_executor());
  const auto next = third.dial({"Office VPN", "", "", "", ""}, {});
  EXPECT_GT(next.handle, h);
  ASSERT_EQ(third.hang_up(next.handle), 0u);
  EXPECT_EQ(reap(third, next.handle), err::kInvalidHandle);
}

TEST_F(SimDllTest, ScenarioFromTheEnvironmentWithTheDefaultStatePath) {
  write_text(scenario_path(), R"({"entries": [{"name": "From Env"}]})");
  RegDeleteTreeW(HKEY_LOCAL_MACHINE, L"Software\\RasBroker\\Simulator");  // no StateFile from there either
  ASSERT_TRUE(SetEnvironmentVariableW(L"RASBROKER_SIM_SCENARIO", scenario_path().c_str()));
  ASSERT_TRUE(SetEnvironmentVariableW(L"RASBROKER_SIM_STATE", nullptr));
  const DWORD rc = reset_(nullptr, nullptr);  // as on the first call: environment, then registry
  SetEnvironmentVariableW(L"RASBROKER_SIM_SCENARIO", nullptr);
  ASSERT_EQ(rc, 0u);

  Win32Ras ras(io_.get_executor());
  std::vector<PhonebookEntry> entries;
  ASSERT_EQ(ras.enum_entries("", entries), 0u);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].name, "From Env");
  EXPECT_FALSE(read_text(scenario_path() + L".state.json").empty());
}

// What an end-to-end test does for a service the SCM starts (it does not get our environment).
TEST_F(SimDllTest, ScenarioAndStateFileFromTheRegistry) {
  write_text(scenario_path(), R"({"entries": [{"name": "From Registry"}]})");
  const wchar_t* key = L"Software\\RasBroker\\Simulator";
  const auto set = [&](const wchar_t* name, const std::wstring& value) {
    return RegSetKeyValueW(HKEY_LOCAL_MACHINE, key, name, REG_SZ, value.c_str(),
                           static_cast<DWORD>((value.size() + 1) * sizeof(wchar_t)));
  };
  ASSERT_EQ(set(L"Scenario", scenario_path()), ERROR_SUCCESS);
  ASSERT_EQ(set(L"StateFile", state_path()), ERROR_SUCCESS);
  SetEnvironmentVariableW(L"RASBROKER_SIM_SCENARIO", nullptr);
  SetEnvironmentVariableW(L"RASBROKER_SIM_STATE", nullptr);
  const DWORD rc = reset_(nullptr, nullptr);
  RegDeleteTreeW(HKEY_LOCAL_MACHINE, key);
  ASSERT_EQ(rc, 0u);

  Win32Ras ras(io_.get_executor());
  std::vector<PhonebookEntry> entries;
  ASSERT_EQ(ras.enum_entries("", entries), 0u);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].name, "From Registry");
  EXPECT_EQ(state_file()["clean"], true);
}

TEST_F(SimDllTest, AnUnusableScenarioFailsEveryCallAndSaysWhy) {
  write_text(scenario_path(), R"({"entries": [{"name": "A", "conect_ms": 1}]})");
  EXPECT_EQ(reset_(scenario_path().c_str(), state_path().c_str()), static_cast<DWORD>(ERROR_DLL_INIT_FAILED));
  EXPECT_EQ(RasHangUpW(reinterpret_cast<HRASCONN>(0x10010)), static_cast<DWORD>(ERROR_DLL_INIT_FAILED));
  const auto why = read_text(state_path() + L".error.txt");
  EXPECT_NE(why.find("entries[0]: unknown key \"conect_ms\""), std::string::npos) << why;
  EXPECT_TRUE(read_text(state_path()).empty());  // an existing state file would be left alone
  // The service's backend refuses to start on such a RAS (service exit code 4).
  try {
    Win32Ras ras(io_.get_executor());
    ADD_FAILURE() << "Win32Ras accepted a RAS that fails every call";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("RasEnumConnections returned 1114"), std::string::npos) << e.what();
  }
}

TEST_F(SimDllTest, RasDialWithoutNotifierWaitsForTheOutcome) {
  start(R"({"entries": [{"name": "Sync", "connect_ms": 40, "teardown_ms": 0},
                        {"name": "Fails", "connect_ms": 40, "teardown_ms": 0,
                         "fail_state": "RASCS_Authenticate", "fail_error": 691}]})");
  RASDIALPARAMSW params{};
  params.dwSize = sizeof params;
  wcscpy(params.szEntryName, L"Sync");
  HRASCONN h = nullptr;
  ASSERT_EQ(RasDialW(nullptr, nullptr, &params, 0, nullptr, &h), 0u);
  ASSERT_NE(h, nullptr);
  RASCONNSTATUSW st{};
  st.dwSize = sizeof st;
  ASSERT_EQ(RasGetConnectStatusW(h, &st), 0u);
  EXPECT_EQ(st.rasconnstate, RASCS_Connected);
  EXPECT_EQ(RasHangUpW(h), 0u);

  wcscpy(params.szEntryName, L"Fails");
  HRASCONN failed = nullptr;
  EXPECT_EQ(RasDialW(nullptr, nullptr, &params, 0, nullptr, &failed), 691u);
  ASSERT_NE(failed, nullptr);  // and it must be hung up
  EXPECT_EQ(RasHangUpW(failed), 0u);

  ASSERT_TRUE(wait_until([&] { return RasGetConnectStatusW(h, &st) == ERROR_INVALID_HANDLE; }));
  ASSERT_TRUE(wait_until([&] { return RasGetConnectStatusW(failed, &st) == ERROR_INVALID_HANDLE; }));
  EXPECT_EQ(leak_report()["clean"], true) << leak_report().dump();
}

// What a RasDialFunc1 notifier last got (it has no context argument: a global).
struct Func1Calls {
  std::mutex mu;
  RASCONNSTATE state = RASCS_OpenPort;
  DWORD error = 0;
  DWORD extended_error = 0;
} g_func1;

VOID WINAPI record_func1(HRASCONN, UINT, RASCONNSTATE state, DWORD error, DWORD extended_error) {
  std::lock_guard lock(g_func1.mu);
  g_func1.state = state;
  g_func1.error = error;
  g_func1.extended_error = extended_error;
}

TEST_F(SimDllTest, RasDialFunc1GetsTheExtendedError) {
  start(R"({"entries": [{"name": "Old", "connect_ms": 20, "teardown_ms": 0, "fail_state": "RASCS_ConnectDevice",
                         "fail_error": 650, "fail_extended_error": 5}]})");
  RASDIALPARAMSW params{};
  params.dwSize = sizeof params;
  wcscpy(params.szEntryName, L"Old");
  HRASCONN h = nullptr;
  ASSERT_EQ(RasDialW(nullptr, nullptr, &params, 1, reinterpret_cast<LPVOID>(&record_func1), &h), 0u);
  ASSERT_TRUE(wait_until([&] {
    std::lock_guard lock(g_func1.mu);
    return g_func1.error != 0;
  }));
  {
    std::lock_guard lock(g_func1.mu);
    EXPECT_EQ(g_func1.state, RASCS_ConnectDevice);
    EXPECT_EQ(g_func1.error, 650u);
    EXPECT_EQ(g_func1.extended_error, 5u);
  }
  EXPECT_EQ(RasHangUpW(h), 0u);
  RASCONNSTATUSW st{};
  st.dwSize = sizeof st;
  ASSERT_TRUE(wait_until([&] { return RasGetConnectStatusW(h, &st) == ERROR_INVALID_HANDLE; }));
  EXPECT_EQ(leak_report()["clean"], true) << leak_report().dump();
}

// Without a notifier RasDial returns the dial's outcome: a multilink entry that loses one link
// but connects on the others has connected (reading b); one whose link error ends the dial has
// not (reading a).
TEST_F(SimDllTest, ASynchronousMultilinkDialOutlivesALinkLostAlone) {
  start(R"({"entries": [
      {"name": "OnlyTheLink", "links": 2, "connect_ms": 40, "teardown_ms": 0, "link_error_ends_dial": false,
       "link_fail": {"sub_entry": 2, "state": "RASCS_Authenticate", "error": 691}},
      {"name": "EndsDial", "links": 2, "connect_ms": 40, "teardown_ms": 0, "link_error_ends_dial": true,
       "link_fail": {"sub_entry": 2, "state": "RASCS_Authenticate", "error": 691}}]})");
  RASDIALPARAMSW params{};
  params.dwSize = sizeof params;
  wcscpy(params.szEntryName, L"OnlyTheLink");
  HRASCONN up = nullptr;
  EXPECT_EQ(RasDialW(nullptr, nullptr, &params, 0, nullptr, &up), 0u);
  wcscpy(params.szEntryName, L"EndsDial");
  HRASCONN failed = nullptr;
  EXPECT_EQ(RasDialW(nullptr, nullptr, &params, 0, nullptr, &failed), 691u);
  RASCONNSTATUSW st{};
  st.dwSize = sizeof st;
  ASSERT_EQ(RasGetConnectStatusW(up, &st), 0u);
  EXPECT_EQ(st.rasconnstate, RASCS_Connected);
  for (HRASCONN h : {up, failed}) {
    ASSERT_NE(h, nullptr);
    EXPECT_EQ(RasHangUpW(h), 0u);
    ASSERT_TRUE(wait_until([&] { return RasGetConnectStatusW(h, &st) == ERROR_INVALID_HANDLE; }));
  }
  EXPECT_EQ(leak_report()["clean"], true) << leak_report().dump();
}

TEST_F(SimDllTest, NonAsciiNamesSurviveTheUtf16Boundary) {
  start(R"({"entries": [{"name": "Büro VPN €", "connect_ms": 0, "teardown_ms": 0}], "connected": ["Büro VPN €"]})");
  Win32Ras ras(io_.get_executor());
  std::vector<ActiveConnection> conns;
  ASSERT_EQ(ras.enum_connections(conns), 0u);
  ASSERT_EQ(conns.size(), 1u);
  EXPECT_EQ(conns[0].entry, "Büro VPN €");
  RASCONNW raw{};
  raw.dwSize = sizeof raw;
  DWORD bytes = sizeof raw;
  DWORD count = 0;
  ASSERT_EQ(RasEnumConnectionsW(&raw, &bytes, &count), 0u);
  EXPECT_STREQ(raw.szEntryName, L"B\u00fcro VPN \u20ac");
}

TEST_F(SimDllTest, ScenarioValuesTooLongForRasFieldsFailTheCallInsteadOfBeingCut) {
  // The scenario bounds entry and device names, not phonebook paths or credentials; RAS's
  // structures hold MAX_PATH characters of a path and 256 of a user name, with the NUL.
  // A saved password never leaves the DLL, whatever its length: only its handle does.
  const std::string long_phonebook = "C:\\" + std::string(MAX_PATH, 'p') + ".pbk";
  const std::string longest_user(256, 'u');
  const nlohmann::json saved_fits = {{"for", "SYSTEM"}, {"username", longest_user}, {"password", std::string(300, 'x')}};
  const nlohmann::json saved_too_long = {{"for", "SYSTEM"}, {"username", longest_user + "u"}, {"password", "secret"}};
  const nlohmann::json entries_json = {
      {{"name", "Far"}, {"phonebook", long_phonebook}},
      {{"name", "Fits"}, {"username", longest_user}, {"password", "p"}, {"saved_credentials", saved_fits}},
      {{"name", "Too long"}, {"username", "alice"}, {"password", "p"}, {"saved_credentials", saved_too_long}}};
  start(nlohmann::json{{"entries", entries_json}, {"connected", {"Far"}}}.dump().c_str());
  std::vector<RASENTRYNAMEW> entries(3);
  entries[0].dwSize = sizeof(RASENTRYNAMEW);
  DWORD bytes = static_cast<DWORD>(entries.size() * sizeof(RASENTRYNAMEW));
  DWORD count = 99;
  // Named: a file outside RAS's phonebook folders is not read for a NULL phonebook.
  EXPECT_EQ(RasEnumEntriesW(nullptr, widen(long_phonebook).c_str(), entries.data(), &bytes, &count),
            static_cast<DWORD>(ERROR_CANNOT_LOAD_PHONEBOOK));
  EXPECT_EQ(count, 0u);
  std::vector<RASCONNW> conns(1);
  conns[0].dwSize = sizeof(RASCONNW);
  bytes = sizeof(RASCONNW);
  EXPECT_EQ(RasEnumConnectionsW(conns.data(), &bytes, &count), static_cast<DWORD>(ERROR_CANNOT_LOAD_PHONEBOOK));
  EXPECT_EQ(count, 0u);
  EXPECT_EQ(conns[0].szPhonebook[0], L'\0');  // refused, not cut

  RASDIALPARAMSW params{};
  params.dwSize = sizeof params;
  BOOL has_password = TRUE;
  wcscpy(params.szEntryName, L"Fits");
  ASSERT_EQ(RasGetEntryDialParamsW(nullptr, &params, &has_password), 0u);
  EXPECT_TRUE(has_password);
  EXPECT_EQ(wcslen(params.szUserName), 256u);
  EXPECT_STREQ(params.szPassword, L"****************");  // the handle, not the password
  wcscpy(params.szEntryName, L"Too long");
  EXPECT_EQ(RasGetEntryDialParamsW(nullptr, &params, &has_password), static_cast<DWORD>(ERROR_CANNOT_LOAD_PHONEBOOK));
  EXPECT_FALSE(has_password);
  EXPECT_STREQ(params.szUserName, L"");  // refused, not cut
  EXPECT_STREQ(params.szPassword, L"");  // nothing of the previous answer either
}

}  // namespace
}  // namespace rasbroker::ras::test
