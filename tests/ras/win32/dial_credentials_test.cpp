// Win32Ras's credentials against the simulated rasapi32.dll, running as SYSTEM by default:
// saved credentials through RasGetCredentialsW (all-users ones first, then the service
// account's own, under both readings of RASCM_DefaultCreds), and EAP identities through
// RasGetEapUserIdentityW (non-interactive, interactive, not EAP).
#include <gtest/gtest.h>

#include <windows.h>
#include <ras.h>

#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ras/win32/win32_ras.hpp"
#include "sim_dll_fixture.hpp"

namespace rasbroker::ras::test {
namespace {

// Where a dial ended: RASCS_Connected, or the state that reported an error.
class DialEnd {
 public:
  DialProgressFn fn() {
    return [this](const DialProgress& p) {
      if (p.error == 0 && p.state != ConnState::Connected) return;
      std::lock_guard lock(mu_);
      if (!end_) end_ = std::pair{p.state, p.error};
      cv_.notify_all();
    };
  }
  std::optional<std::pair<ConnState, std::uint32_t>> wait() {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, 10s, [&] { return end_.has_value(); });
    return end_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<std::pair<ConnState, std::uint32_t>> end_;
};

const std::pair kConnected{ConnState::Connected, 0u};
const std::pair kRefused{ConnState::Authenticate, static_cast<std::uint32_t>(err::kAuthenticationFailure)};

// The scenario, with RASCM_DefaultCreds read one way or the other (the parameter).
class Win32RasCredentialsTest : public SimDll, public ::testing::WithParamInterface<const char*> {
 protected:
  void start_with(const std::string& entries) {
    start(("{\"default_creds_flag\": \"" + std::string(GetParam()) + "\", \"entries\": [" + entries + "]}").c_str());
  }
  // Dials `entry` (no password unless given), waits for its end, hangs up and reaps it.
  std::optional<std::pair<ConnState, std::uint32_t>> dial_to_end(Win32Ras& ras, const char* entry,
                                                                  const char* user = "", const char* password = "") {
    DialRequest request;
    request.entry = entry;
    request.username = user;
    request.password = password;
    DialEnd end;
    const auto r = ras.dial(request, end.fn());
    EXPECT_EQ(r.error, 0u) << entry;
    if (r.handle == kNullHandle) return std::nullopt;
    auto outcome = end.wait();
    EXPECT_EQ(ras.hang_up(r.handle), 0u);
    EXPECT_TRUE(wait_until([&] {
      ConnectStatus st;
      return ras.get_connect_status(r.handle, st) == err::kInvalidHandle;
    }));
    return outcome;
  }
  void expect_nothing_leaked() {
    const auto report = leak_report();
    EXPECT_EQ(report["clean"], true) << report.dump();
    EXPECT_EQ(report["eap_identities_not_freed"], 0) << report.dump();
  }
};

constexpr const char* kSavedEntries = R"(
  {"name": "All Users", "connect_ms": 10, "teardown_ms": 0, "username": "alice", "password": "right",
   "saved_credentials": {"for": "all_users", "username": "alice", "password": "right"}},
  {"name": "Both", "connect_ms": 10, "teardown_ms": 0, "username": "alice", "password": "right",
   "saved_credentials": [{"for": "SYSTEM", "username": "bob", "password": "stale"},
                         {"for": "all_users", "username": "alice", "password": "right"}]},
  {"name": "System Own", "connect_ms": 10, "teardown_ms": 0, "username": "svc", "password": "pw",
   "saved_credentials": {"for": "system", "username": "svc", "password": "pw"}},
  {"name": "Alice Only", "connect_ms": 10, "teardown_ms": 0, "username": "alice", "password": "right",
   "saved_credentials": {"for": "alice", "username": "alice", "password": "right"}},
  {"name": "Name Only", "connect_ms": 10, "teardown_ms": 0, "username": "bob", "password": "pw",
   "saved_credentials": {"for": "all_users", "username": "bob"}})";

TEST_P(Win32RasCredentialsTest, SavedForAllUsersFirstThenTheServiceAccountsOwn) {
  start_with(kSavedEntries);
  Win32Ras ras(io_.get_executor());
  EXPECT_EQ(dial_to_end(ras, "All Users"), kConnected);
  // Saved for all users (right) and by SYSTEM itself (stale, another user): the backend
  // asks for the all-users ones first. Where RAS ignores that request ("output" reading)
  // it answers SYSTEM's own, and nothing the caller does can reach the others.
  EXPECT_EQ(dial_to_end(ras, "Both"), std::string(GetParam()) == "input" ? kConnected : kRefused);
  EXPECT_EQ(dial_to_end(ras, "System Own"), kConnected);
  // A user name with no password: the saved password only if it is that user's.
  EXPECT_EQ(dial_to_end(ras, "All Users", "ALICE"), kConnected);
  EXPECT_EQ(dial_to_end(ras, "All Users", "mallory"), kRefused);
  EXPECT_EQ(dial_to_end(ras, "Name Only"), kRefused);  // a user name saved without its password
  expect_nothing_leaked();
}

TEST_P(Win32RasCredentialsTest, OnlyAnotherUsersSavedCredentialsGive691) {
  start_with(kSavedEntries);
  Win32Ras ras(io_.get_executor());
  // alice saved them for herself: SYSTEM cannot see them, dials without, and is refused.
  EXPECT_EQ(dial_to_end(ras, "Alice Only"), kRefused);
  expect_nothing_leaked();
}

TEST_P(Win32RasCredentialsTest, AUserSeesHerOwnSavedCredentials) {
  // The calling account is the simulator's configuration (RASBROKER_SIM_ACCOUNT).
  ASSERT_TRUE(SetEnvironmentVariableW(L"RASBROKER_SIM_ACCOUNT", L"Alice"));
  start_with(kSavedEntries);
  SetEnvironmentVariableW(L"RASBROKER_SIM_ACCOUNT", nullptr);
  Win32Ras ras(io_.get_executor());
  EXPECT_EQ(dial_to_end(ras, "Alice Only"), kConnected);
  EXPECT_EQ(dial_to_end(ras, "System Own"), kRefused);
  expect_nothing_leaked();
}

INSTANTIATE_TEST_SUITE_P(DefaultCredsFlag, Win32RasCredentialsTest, ::testing::Values("input", "output"));

class Win32RasEapTest : public Win32RasCredentialsTest {};

constexpr const char* kEapEntries = R"(
  {"name": "Certificate VPN", "connect_ms": 10, "teardown_ms": 0, "eap": "non_interactive"},
  {"name": "Smart Card VPN", "connect_ms": 10, "teardown_ms": 0, "eap": "interactive",
   "saved_credentials": {"for": "all_users", "username": "alice", "password": "right"}},
  {"name": "Broken EAP", "connect_ms": 10, "teardown_ms": 0, "eap": "non_interactive",
   "fail_state": "RASCS_ConnectDevice", "fail_error": 800},
  {"name": "Password VPN", "connect_ms": 10, "teardown_ms": 0, "username": "alice", "password": "right"})";

TEST_P(Win32RasEapTest, ANonInteractiveEapEntryDialsWithItsIdentity) {
  start_with(kEapEntries);
  Win32Ras ras(io_.get_executor());
  EXPECT_EQ(dial_to_end(ras, "Certificate VPN"), kConnected);
  // The EAP identity, not what the client sent.
  EXPECT_EQ(dial_to_end(ras, "Certificate VPN", "mallory", "wrong"), kConnected);
  // The identity is freed also when the dial then fails.
  EXPECT_EQ(dial_to_end(ras, "Broken EAP"), (std::pair{ConnState::ConnectDevice, 800u}));
  // Not EAP (780): credentials as before.
  EXPECT_EQ(dial_to_end(ras, "Password VPN", "alice", "right"), kConnected);
  EXPECT_EQ(dial_to_end(ras, "Password VPN", "alice", "wrong"), kRefused);
  expect_nothing_leaked();
}

TEST_P(Win32RasEapTest, AnInteractiveEapEntryIs703WithNoHandle) {
  start_with(kEapEntries);
  Win32Ras ras(io_.get_executor());
  DialRequest request;
  request.entry = "Smart Card VPN";  // saved credentials do not help an EAP entry
  const auto r = ras.dial(request, {});
  EXPECT_EQ(r.error, err::kInteractiveMode);
  EXPECT_EQ(r.handle, kNullHandle);
  std::vector<ActiveConnection> conns;
  ASSERT_EQ(ras.enum_connections(conns), 0u);
  EXPECT_TRUE(conns.empty());
  // What a backend that never asked for the identity would have met: RasDialW fails the
  // dial at authentication with 703 (VPNCredentialsHelper issue #3).
  RASDIALPARAMSW params{};
  params.dwSize = sizeof params;
  wcscpy(params.szEntryName, L"Certificate VPN");
  HRASCONN conn = nullptr;
  EXPECT_EQ(RasDialW(nullptr, nullptr, &params, 0, nullptr, &conn), static_cast<DWORD>(err::kInteractiveMode));
  ASSERT_NE(conn, nullptr);
  EXPECT_EQ(ras.hang_up(reinterpret_cast<std::uintptr_t>(conn)), 0u);
  EXPECT_TRUE(wait_until([&] {
    ConnectStatus st;
    return ras.get_connect_status(reinterpret_cast<std::uintptr_t>(conn), st) == err::kInvalidHandle;
  }));
  expect_nothing_leaked();
}

INSTANTIATE_TEST_SUITE_P(DefaultCredsFlag, Win32RasEapTest, ::testing::Values("input"));

}  // namespace
}  // namespace rasbroker::ras::test
