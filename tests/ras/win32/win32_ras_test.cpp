// Win32Ras against the simulated rasapi32.dll: the backend's calls, buffers, callbacks and
// notifications go through the real Win32 signatures and structure layouts.
#include <gtest/gtest.h>

#include <windows.h>
#include <ras.h>
#include <raserror.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ras/win32/win32_ras.hpp"
#include "sim_dll_fixture.hpp"

namespace rasbroker::ras::test {
namespace {

// Collects progress callbacks, which arrive on the simulated RAS's thread.
struct Progress {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<ConnState> states;
  std::vector<std::uint32_t> errors;
  std::vector<Handle> handles;
  std::vector<std::thread::id> threads;
  std::vector<DialProgress> calls;  // everything, as the backend passed it on

  DialProgressFn fn() {
    return [this](const DialProgress& p) {
      std::lock_guard lock(mu);
      states.push_back(p.state);
      errors.push_back(p.error);
      handles.push_back(p.handle);
      threads.push_back(std::this_thread::get_id());
      calls.push_back(p);
      cv.notify_all();
    };
  }
  bool wait_for(ConnState s, std::uint32_t error = 0) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, 10s, [&] {
      for (std::size_t i = 0; i < states.size(); ++i) {
        if (states[i] == s && errors[i] == error) return true;
      }
      return false;
    });
  }
};

class Win32RasTest : public SimDll {
 protected:
  // Polls like the broker's reaper until RAS lets go of the handle.
  static std::uint32_t reap(Win32Ras& ras, Handle h) { return reap_handle(ras, h); }
  static DialRequest request(const char* entry, const char* user = "", const char* password = "") {
    DialRequest r;
    r.entry = entry;
    r.username = user;
    r.password = password;
    return r;
  }
};

TEST_F(Win32RasTest, TheDllIsTheSimulatorBesideTheTest) {
  start(R"({"entries": [{"name": "Office VPN", "connect_ms": 0, "teardown_ms": 0}]})");
  wchar_t exe[MAX_PATH] = {};
  wchar_t dll[MAX_PATH] = {};
  GetModuleFileNameW(nullptr, exe, MAX_PATH);
  GetModuleFileNameW(GetModuleHandleW(L"rasapi32.dll"), dll, MAX_PATH);
  std::wstring exe_dir(exe);
  exe_dir.resize(exe_dir.rfind(L'\\'));
  std::wstring dll_dir(dll);
  dll_dir.resize(dll_dir.rfind(L'\\'));
  EXPECT_EQ(_wcsicmp(exe_dir.c_str(), dll_dir.c_str()), 0);

  Win32Ras ras(io_.get_executor());
  EXPECT_EQ(ras.backend_name(), "win32");
  // Wine's own RasDialW returns 1 and no handle.
  const auto r = ras.dial(request("Office VPN"), {});
  EXPECT_EQ(r.error, 0u);
  ASSERT_NE(r.handle, kNullHandle);
  EXPECT_EQ(ras.hang_up(r.handle), 0u);
  EXPECT_EQ(reap(ras, r.handle), err::kInvalidHandle);
}

TEST_F(Win32RasTest, DialReportsEveryStateFromRasThreadEndingConnected) {
  start(R"({"entries": [{"name": "Office VPN", "connect_ms": 80, "teardown_ms": 30}]})");
  Win32Ras ras(io_.get_executor());
  Progress progress;
  const auto r = ras.dial(request("Office VPN"), progress.fn());
  ASSERT_EQ(r.error, 0u);
  ASSERT_NE(r.handle, kNullHandle);
  ASSERT_TRUE(progress.wait_for(ConnState::Connected));
  {
    std::lock_guard lock(progress.mu);
    const std::vector<ConnState> walk{ConnState::OpenPort,      ConnState::PortOpened,
                                      ConnState::ConnectDevice, ConnState::DeviceConnected,
                                      ConnState::AllDevicesConnected, ConnState::Authenticate,
                                      ConnState::AuthNotify,    ConnState::Authenticated,
                                      ConnState::Connected};
    EXPECT_EQ(progress.states, walk);
    for (std::size_t i = 0; i < progress.states.size(); ++i) {
      EXPECT_EQ(progress.errors[i], 0u);
      EXPECT_EQ(progress.handles[i], r.handle);
      EXPECT_NE(progress.threads[i], std::this_thread::get_id());
    }
  }
  ConnectStatus st;
  ASSERT_EQ(ras.get_connect_status(r.handle, st), 0u);
  EXPECT_EQ(st.state, ConnState::Connected);
  EXPECT_EQ(st.error, 0u);
  EXPECT_EQ(st.device_type, "vpn");
  EXPECT_EQ(st.device_name, "WAN Miniport (IKEv2)");

  ASSERT_EQ(ras.hang_up(r.handle), 0u);
  EXPECT_EQ(reap(ras, r.handle), err::kInvalidHandle);
  EXPECT_EQ(leak_report()["clean"], true) << leak_report().dump();
}

TEST_F(Win32RasTest, FailedDialKeepsItsHandleUntilHungUpAndReaped) {
  start(R"({"entries": [{"name": "Unreachable", "connect_ms": 40, "teardown_ms": 20,
                         "fail_state": "RASCS_ConnectDevice", "fail_error": 800}]})");
  Win32Ras ras(io_.get_executor());
  Progress progress;
  const auto r = ras.dial(request("Unreachable"), progress.fn());
  ASSERT_EQ(r.error, 0u);
  ASSERT_NE(r.handle, kNullHandle);
  ASSERT_TRUE(progress.wait_for(ConnState::ConnectDevice, 800));

  ConnectStatus st;
  ASSERT_EQ(ras.get_connect_status(r.handle, st), 0u);  // the handle is still valid
  EXPECT_EQ(st.state, ConnState::ConnectDevice);
  EXPECT_EQ(st.error, 800u);
  EXPECT_EQ(leak_report()["clean"], false);  // a failed dial's handle must still be hung up

  ASSERT_EQ(ras.hang_up(r.handle), 0u);
  EXPECT_EQ(reap(ras, r.handle), err::kInvalidHandle);
  EXPECT_EQ(leak_report()["clean"], true) << leak_report().dump();
}

TEST_F(Win32RasTest, UnknownEntryFailsWithoutAHandle) {
  start(R"({"entries": []})");
  Win32Ras ras(io_.get_executor());
  const auto r = ras.dial(request("Nowhere", "u", "p"), {});
  EXPECT_EQ(r.error, err::kCannotFindPhonebookEntry);
  EXPECT_EQ(r.handle, kNullHandle);
}

TEST_F(Win32RasTest, ValuesLongerThanTheirDialFieldsAreRefusedBeforeRasDial) {
  // A cut value would be another one: a 257-character name cut to 256 would dial the
  // entry below, a cut domain would authenticate elsewhere.
  const std::string longest_name(256, 'n');  // RAS_MaxEntryName: fits with its NUL
  start(nlohmann::json{{"entries", {{{"name", longest_name}, {"connect_ms", 0}, {"teardown_ms", 0}}}}}.dump().c_str());
  Win32Ras ras(io_.get_executor());

  const auto no_entry = ras.dial(request((longest_name + "n").c_str(), "alice", "secret"), {});
  EXPECT_EQ(no_entry.error, err::kCannotFindPhonebookEntry);  // no entry can have that name
  EXPECT_EQ(no_entry.handle, kNullHandle);

  const std::string too_long(257, 'x');  // UNLEN and PWLEN are 256
  DialRequest long_domain = request(longest_name.c_str(), "alice", "secret");
  long_domain.domain = std::string(16, 'd');  // DNLEN is 15
  for (const DialRequest& r : {request(longest_name.c_str(), too_long.c_str(), "secret"),
                               request(longest_name.c_str(), "alice", too_long.c_str()), long_domain,
                               request(longest_name.c_str(), too_long.c_str())}) {
    const auto refused = ras.dial(r, {});
    EXPECT_EQ(refused.error, static_cast<std::uint32_t>(ERROR_INVALID_PARAMETER));
    EXPECT_EQ(refused.handle, kNullHandle);
  }
  std::vector<ActiveConnection> conns;
  ASSERT_EQ(ras.enum_connections(conns), 0u);
  EXPECT_TRUE(conns.empty());  // none of them reached RasDial

  const auto fits = ras.dial(request(longest_name.c_str()), {});
  ASSERT_EQ(fits.error, 0u);
  ASSERT_EQ(ras.hang_up(fits.handle), 0u);
  EXPECT_EQ(reap(ras, fits.handle), err::kInvalidHandle);
}

TEST_F(Win32RasTest, HangUpReturnsBeforeTeardownCompletes) {
  start(R"({"entries": [{"name": "Office VPN", "connect_ms": 0, "teardown_ms": 300}]})");
  Win32Ras ras(io_.get_executor());
  Progress progress;
  const auto r = ras.dial(request("Office VPN"), progress.fn());
  ASSERT_TRUE(progress.wait_for(ConnState::Connected));

  ASSERT_EQ(ras.hang_up(r.handle), 0u);
  ConnectStatus st;
  ASSERT_EQ(ras.get_connect_status(r.handle, st), 0u);  // not gone yet
  EXPECT_EQ(st.state, ConnState::Disconnected);
  EXPECT_EQ(ras.hang_up(r.handle), 0u);  // already tearing down: harmless
  const auto pending = leak_report();
  EXPECT_EQ(pending["clean"], false) << pending.dump();  // nobody has polled until 6 yet

  EXPECT_EQ(reap(ras, r.handle), err::kInvalidHandle);
  EXPECT_EQ(ras.hang_up(r.handle), err::kInvalidHandle);  // gone
  EXPECT_EQ(leak_report()["clean"], true) << leak_report().dump();
}

// A dropped link whose handle RAS no longer knows (the simulator's default drop mode,
// after DotRas issue #80): status answers 6 at once, yet the dial context lives until the
// RasHangUp our RasDial owes, which answers 6 too and must still release it.
TEST_F(Win32RasTest, HangUpAfterADropWithAnInvalidHandleReleasesTheDialContext) {
  start(R"({"entries": [{"name": "Office VPN", "connect_ms": 0, "drop_after_ms": 100}]})");
  Win32Ras ras(io_.get_executor());
  Progress progress;
  auto token = std::make_shared<int>(0);  // lives as long as the dial context holds the function
  const std::weak_ptr<int> context_alive = token;
  const auto r = ras.dial(request("Office VPN"), [fn = progress.fn(), token](const DialProgress& p) { fn(p); });
  token.reset();
  ASSERT_EQ(r.error, 0u);
  ASSERT_TRUE(progress.wait_for(ConnState::Connected));

  EXPECT_EQ(reap(ras, r.handle), err::kInvalidHandle);  // the drop: RAS forgot the handle
  EXPECT_FALSE(context_alive.expired());                 // still held: only hang-up releases it
  EXPECT_EQ(leak_report()["clean"], false) << leak_report().dump();  // the RasHangUp is still owed

  EXPECT_EQ(ras.hang_up(r.handle), err::kInvalidHandle);
  EXPECT_TRUE(context_alive.expired());
  EXPECT_EQ(leak_report()["clean"], true) << leak_report().dump();
}

// RasDialFunc2's dwSubEntry and dwExtendedError come through the backend as RAS gave them.
TEST_F(Win32RasTest, EachCallbackCarriesItsLinkAndTheExtendedError) {
  start(R"({"entries": [{"name": "Bonded", "links": 2, "connect_ms": 40, "teardown_ms": 20,
                         "link_fail": {"sub_entry": 2, "after_connected": true, "error": 650, "extended_error": 5}},
                        {"name": "Old", "connect_ms": 20, "teardown_ms": 20, "fail_state": "RASCS_ConnectDevice",
                         "fail_error": 640, "fail_extended_error": 59}]})");
  Win32Ras ras(io_.get_executor());
  Progress bonded;
  const auto r = ras.dial(request("Bonded"), bonded.fn());
  ASSERT_EQ(r.error, 0u);
  ASSERT_TRUE(bonded.wait_for(ConnState::SubEntryDisconnected, 650));
  {
    std::lock_guard lock(bonded.mu);
    const auto& calls = bonded.calls;
    ASSERT_GE(calls.size(), 4u);
    EXPECT_EQ(calls[0].sub_entry, 1u);
    EXPECT_EQ(calls[1].sub_entry, 2u);  // each state on each link in turn
    EXPECT_EQ(calls[1].state, ConnState::OpenPort);
    std::vector<std::uint32_t> links_connected;
    for (const auto& c : calls) {
      if (c.state == ConnState::SubEntryConnected) links_connected.push_back(c.sub_entry);
      EXPECT_EQ(c.handle, r.handle);
    }
    EXPECT_EQ(links_connected, (std::vector<std::uint32_t>{1, 2}));
    const auto& connected = calls[calls.size() - 2];
    EXPECT_EQ(connected.state, ConnState::Connected);
    EXPECT_EQ(connected.sub_entry, 1u);
    const auto& lost = calls.back();
    EXPECT_EQ(lost.sub_entry, 2u);
    EXPECT_EQ(lost.error, 650u);
    EXPECT_EQ(lost.extended_error, 5u);
    for (std::size_t i = 0; i + 1 < calls.size(); ++i) EXPECT_EQ(calls[i].extended_error, 0u);
  }
  ConnectStatus st;
  ASSERT_EQ(ras.get_connect_status(r.handle, st), 0u);
  EXPECT_EQ(st.state, ConnState::Connected);  // one link lost: the connection stays up
  ASSERT_EQ(ras.hang_up(r.handle), 0u);
  EXPECT_EQ(reap(ras, r.handle), err::kInvalidHandle);

  Progress old;
  const auto failed = ras.dial(request("Old"), old.fn());
  ASSERT_TRUE(old.wait_for(ConnState::ConnectDevice, 640));
  {
    std::lock_guard lock(old.mu);
    EXPECT_EQ(old.calls.back().sub_entry, 1u);
    EXPECT_EQ(old.calls.back().extended_error, 59u);
  }
  ASSERT_EQ(ras.hang_up(failed.handle), 0u);
  EXPECT_EQ(reap(ras, failed.handle), err::kInvalidHandle);
  EXPECT_EQ(leak_report()["clean"], true) << leak_report().dump();
}

TEST_F(Win32RasTest, EnumerationGrowsItsBufferThroughTheRetryLoop) {
  start(R"json({"entries": [{"name": "A"}, {"name": "B", "device_type": "PPPoE", "device_name": "WAN Miniport (PPPOE)"},
                            {"name": "C", "phonebook": "C:\\Users\\alice\\rasphone.pbk"}],
                "connected": ["A", "B", "C"]})json");
  Win32Ras ras(io_.get_executor());
  std::vector<ActiveConnection> conns;
  ASSERT_EQ(ras.enum_connections(conns), 0u);  // starts with one RASCONN: 603, then grows
  ASSERT_EQ(conns.size(), 3u);
  EXPECT_EQ(conns[0].entry, "A");
  EXPECT_EQ(conns[0].phonebook, "C:\\ProgramData\\Microsoft\\Network\\Connections\\Pbk\\rasphone.pbk");
  EXPECT_EQ(conns[1].device_type, "PPPoE");
  EXPECT_EQ(conns[1].device_name, "WAN Miniport (PPPOE)");
  EXPECT_EQ(conns[2].phonebook, "C:\\Users\\alice\\rasphone.pbk");
  for (const auto& c : conns) EXPECT_NE(c.handle, kNullHandle);

  // The raw call the loop is built on.
  RASCONNW one{};
  one.dwSize = sizeof one;
  DWORD bytes = sizeof one;
  DWORD count = 99;
  EXPECT_EQ(RasEnumConnectionsW(&one, &bytes, &count), static_cast<DWORD>(ERROR_BUFFER_TOO_SMALL));
  EXPECT_EQ(bytes, 3 * sizeof(RASCONNW));
  EXPECT_EQ(count, 0u);
  bytes = 0;
  EXPECT_EQ(RasEnumConnectionsW(nullptr, &bytes, &count), static_cast<DWORD>(ERROR_BUFFER_TOO_SMALL));
  EXPECT_EQ(bytes, 3 * sizeof(RASCONNW));

  std::vector<PhonebookEntry> entries;
  ASSERT_EQ(ras.enum_entries("", entries), 0u);
  ASSERT_EQ(entries.size(), 2u);  // C's file is in neither RAS folder: read only when named
  EXPECT_EQ(entries[1].name, "B");
  ASSERT_EQ(ras.enum_entries("C:\\Users\\alice\\rasphone.pbk", entries), 0u);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].name, "C");
}

TEST_F(Win32RasTest, WrongStructureSizesGiveErrorInvalidSize) {
  start(R"({"entries": [{"name": "A"}], "connected": ["A"]})");
  RASCONNW conn{};
  conn.dwSize = sizeof conn - 4;
  DWORD bytes = sizeof conn;
  DWORD count = 0;
  EXPECT_EQ(RasEnumConnectionsW(&conn, &bytes, &count), static_cast<DWORD>(ERROR_INVALID_SIZE));

  RASCONNSTATUSW status{};
  status.dwSize = 100;
  EXPECT_EQ(RasGetConnectStatusW(reinterpret_cast<HRASCONN>(0x10010), &status), static_cast<DWORD>(ERROR_INVALID_SIZE));

  RASDIALPARAMSW params{};
  params.dwSize = sizeof params - 8;  // the layout without dwIfIndex
  wcscpy(params.szEntryName, L"A");
  HRASCONN h = nullptr;
  EXPECT_EQ(RasDialW(nullptr, nullptr, &params, 0, nullptr, &h), static_cast<DWORD>(ERROR_INVALID_SIZE));
  EXPECT_EQ(h, nullptr);

  RASENTRYNAMEW entry{};
  entry.dwSize = 1;
  bytes = sizeof entry;
  EXPECT_EQ(RasEnumEntriesW(nullptr, nullptr, &entry, &bytes, &count), static_cast<DWORD>(ERROR_INVALID_SIZE));
}

TEST_F(Win32RasTest, ErrorStringsForRasAndOtherCodes) {
  start(R"({"entries": []})");
  Win32Ras ras(io_.get_executor());
  EXPECT_NE(ras.error_string(691).find("user name and password"), std::string::npos) << ras.error_string(691);
  // Not a RAS code: RasGetErrorStringW refuses it, FormatMessageW knows it.
  WCHAR text[512];
  EXPECT_EQ(RasGetErrorStringW(ERROR_ACCESS_DENIED, text, 512), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  const auto access_denied = ras.error_string(ERROR_ACCESS_DENIED);
  EXPECT_FALSE(access_denied.empty());
  EXPECT_EQ(access_denied.find("error 5"), std::string::npos) << access_denied;
  EXPECT_NE(access_denied.back(), '\n');
  // Known to nobody.
  EXPECT_EQ(ras.error_string(0x2000F00Du), "error 536932365");
}

TEST_F(Win32RasTest, SavedCredentialsAreUsedWhenNoneAreSent) {
  start(R"({"entries": [{"name": "Customer VPN", "connect_ms": 20, "teardown_ms": 0,
                         "username": "alice", "password": "demo",
                         "saved_credentials": {"for": "all_users", "username": "alice", "password": "demo"}},
                        {"name": "Open VPN", "connect_ms": 20, "teardown_ms": 0}]})");
  // What the backend asks RAS for: the credentials saved for all users, the password as a
  // handle. (RasGetEntryDialParams, which it used to ask, shows SYSTEM only its own:
  // CredentialExportsTest.RasDialTakesTheHandleForTheSavedPassword.)
  RASCREDENTIALSW creds{};
  creds.dwSize = sizeof creds;
  creds.dwMask = RASCM_UserName | RASCM_Password | RASCM_Domain | RASCM_DefaultCreds;
  ASSERT_EQ(RasGetCredentialsW(nullptr, L"Customer VPN", &creds), 0u);
  EXPECT_NE(creds.dwMask & RASCM_Password, 0u);
  EXPECT_STREQ(creds.szUserName, L"alice");
  EXPECT_STREQ(creds.szPassword, L"****************");
  creds.dwMask = RASCM_UserName | RASCM_Password | RASCM_DefaultCreds;
  ASSERT_EQ(RasGetCredentialsW(nullptr, L"Open VPN", &creds), 0u);
  EXPECT_EQ(creds.dwMask, 0u);
  EXPECT_STREQ(creds.szUserName, L"");

  Win32Ras ras(io_.get_executor());
  Progress saved;
  const auto r = ras.dial(request("Customer VPN"), saved.fn());
  ASSERT_EQ(r.error, 0u);
  ASSERT_TRUE(saved.wait_for(ConnState::Connected));
  ASSERT_EQ(ras.hang_up(r.handle), 0u);
  EXPECT_EQ(reap(ras, r.handle), err::kInvalidHandle);

  Progress wrong;
  const auto bad = ras.dial(request("Customer VPN", "alice", "wrong"), wrong.fn());
  ASSERT_EQ(bad.error, 0u);
  ASSERT_TRUE(wrong.wait_for(ConnState::Authenticate, err::kAuthenticationFailure));
  ASSERT_EQ(ras.hang_up(bad.handle), 0u);
  EXPECT_EQ(reap(ras, bad.handle), err::kInvalidHandle);

  // A user name without a password: the saved password, if it is that user's (user names
  // compare without case, as on Windows)...
  Progress same_user;
  const auto r2 = ras.dial(request("Customer VPN", "ALICE"), same_user.fn());
  ASSERT_EQ(r2.error, 0u);
  ASSERT_TRUE(same_user.wait_for(ConnState::Connected));
  ASSERT_EQ(ras.hang_up(r2.handle), 0u);
  EXPECT_EQ(reap(ras, r2.handle), err::kInvalidHandle);
  // ...never another user's.
  Progress other_user;
  const auto r3 = ras.dial(request("Customer VPN", "mallory"), other_user.fn());
  ASSERT_EQ(r3.error, 0u);
  ASSERT_TRUE(other_user.wait_for(ConnState::Authenticate, err::kAuthenticationFailure));
  ASSERT_EQ(ras.hang_up(r3.handle), 0u);
  EXPECT_EQ(reap(ras, r3.handle), err::kInvalidHandle);

  // Saved credentials of an entry RAS does not know: the lookup's error, no handle.
  const auto missing = ras.dial(request("Nowhere"), {});
  EXPECT_EQ(missing.error, err::kCannotFindPhonebookEntry);
  EXPECT_EQ(missing.handle, kNullHandle);
  EXPECT_EQ(leak_report()["clean"], true) << leak_report().dump();
}

TEST_F(Win32RasTest, ConnectionNotifierFiresOnTheExecutorOnConnectAndOnTeardown) {
  start(R"({"entries": [{"name": "Office VPN", "connect_ms": 20, "teardown_ms": 20}]})");
  Win32Ras ras(io_.get_executor());
  // Delivered on the executor (this thread, inside run_until): no lock needed, and no
  // thread of the backend's own waits for RAS.
  int signals = 0;
  bool on_this_thread = true;
  const auto me = std::this_thread::get_id();
  ras.set_connection_notifier([&] {
    ++signals;
    on_this_thread = on_this_thread && std::this_thread::get_id() == me;
  });

  Progress progress;
  const auto r = ras.dial(request("Office VPN"), progress.fn());
  ASSERT_TRUE(progress.wait_for(ConnState::Connected));
  ASSERT_TRUE(run_until(io_, [&] { return signals >= 1; }));
  const int after_connect = signals;
  ASSERT_EQ(ras.hang_up(r.handle), 0u);
  ASSERT_TRUE(run_until(io_, [&] { return signals > after_connect; }));  // teardown complete
  EXPECT_TRUE(on_this_thread);
  EXPECT_EQ(reap(ras, r.handle), err::kInvalidHandle);

  // Stopped: the event is closed and its wait cancelled; later changes reach no one,
  // even with the executor running.
  ras.set_connection_notifier({});
  const int stopped_at = signals;
  Progress again;
  const auto r2 = ras.dial(request("Office VPN"), again.fn());
  ASSERT_TRUE(again.wait_for(ConnState::Connected));
  ASSERT_EQ(ras.hang_up(r2.handle), 0u);
  std::uint32_t rc = 0;
  ASSERT_TRUE(run_until(io_, [&] {
    ConnectStatus st;
    rc = ras.get_connect_status(r2.handle, st);
    return rc != 0;
  }));
  EXPECT_EQ(rc, err::kInvalidHandle);
  io_.restart();
  io_.poll();
  EXPECT_EQ(signals, stopped_at);
  EXPECT_EQ(io_.stopped(), true) << "no wait left behind on the executor";
}

TEST_F(Win32RasTest, TerminationWatchSignalsOneConnectionOnceOnTheExecutor) {
  // The simulator's default reading: signalled once the teardown has ended.
  start(R"({"entries": [{"name": "Office VPN", "connect_ms": 0, "teardown_ms": 200},
      {"name": "Lab", "connect_ms": 0, "teardown_ms": 0}]})");
  Win32Ras ras(io_.get_executor());
  const auto office = ras.dial(request("Office VPN"), {});
  const auto lab = ras.dial(request("Lab"), {});
  ASSERT_EQ(office.error, 0u);
  ASSERT_EQ(lab.error, 0u);
  int office_signals = 0;
  bool on_this_thread = true;
  const auto me = std::this_thread::get_id();
  ASSERT_EQ(ras.watch_termination(office.handle, [&] {
    ++office_signals;
    on_this_thread = on_this_thread && std::this_thread::get_id() == me;
  }), 0u);
  // Another connection's end does not signal it.
  ASSERT_EQ(ras.hang_up(lab.handle), 0u);
  EXPECT_EQ(reap(ras, lab.handle), err::kInvalidHandle);
  io_.restart();
  io_.poll();
  EXPECT_EQ(office_signals, 0);
  ASSERT_EQ(ras.hang_up(office.handle), 0u);
  ASSERT_TRUE(run_until(io_, [&] { return office_signals == 1; }));
  // Signalled once its teardown had ended (DotRas #80's reading, the simulator's default).
  ConnectStatus st;
  EXPECT_EQ(ras.get_connect_status(office.handle, st), err::kInvalidHandle);
  EXPECT_TRUE(on_this_thread);
  ras.unwatch_termination(office.handle);
  io_.restart();
  io_.poll();
  EXPECT_EQ(office_signals, 1);
  EXPECT_TRUE(io_.stopped()) << "no wait left behind on the executor";
  // A handle RAS no longer knows: 6, and nothing waits.
  EXPECT_EQ(ras.watch_termination(office.handle, [] {}), err::kInvalidHandle);
  EXPECT_EQ(leak_report()["clean"], true) << leak_report().dump();
}

TEST_F(Win32RasTest, ConnectionNotifierLeavesNoWaitWhenTheBackendGoesFirst) {
  start(R"({"entries": [{"name": "Office VPN", "connect_ms": 0, "teardown_ms": 0}]})");
  int signals = 0;
  {
    Win32Ras ras(io_.get_executor());
    ras.set_connection_notifier([&] { ++signals; });
    const auto r = ras.dial(request("Office VPN"), {});
    ASSERT_EQ(ras.hang_up(r.handle), 0u);
    EXPECT_EQ(reap(ras, r.handle), err::kInvalidHandle);
  }  // destroyed with the notification possibly signalled but not yet delivered
  io_.restart();
  io_.poll();
  EXPECT_EQ(signals, 0);
  EXPECT_TRUE(io_.stopped());
}

}  // namespace
}  // namespace rasbroker::ras::test
