// What RasEnumConnections tells a caller about each connection: RASCONN's flags and logon
// session relative to the calling account, and which connections it lists in each of the two
// readings of "cannot enumerate a connection as Active until RAS has successfully connected".
#include <initializer_list>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "sim_test_util.hpp"

namespace rasbroker::sim::test {
namespace {

namespace flag = ras::conn_flags;

constexpr std::uint32_t kMine = flag::kAllUsers | flag::kOwnerKnown | flag::kOwnerMatch;
constexpr std::uint32_t kSomeoneElses = flag::kAllUsers | flag::kOwnerKnown;

class Enumeration : public VirtualTime {
 protected:
  static std::optional<ras::ActiveConnection> listed(Simulator& sim, const std::string& entry) {
    std::vector<ras::ActiveConnection> conns;
    EXPECT_EQ(sim.enum_connections(conns), err::kSuccess);
    for (const auto& c : conns)
      if (c.entry == entry) return c;
    return std::nullopt;
  }
  // After the caller's hang-ups: every handle is polled until RAS lets go, and nothing leaked.
  static void reap_all(Simulator& sim, std::initializer_list<ras::Handle> handles) {
    settle(sim);
    for (const auto h : handles) EXPECT_EQ(status(sim, h), err::kInvalidHandle);
    EXPECT_TRUE(sim.leak_report().clean()) << sim.leak_report().describe();
  }
  static SimulatorOptions caller(std::string account, std::uint64_t luid) {
    SimulatorOptions o;
    o.account = std::move(account);
    o.logon_luid = luid;
    return o;
  }
};

constexpr const char* kOwners = R"({"entries": [
    {"name": "Office VPN", "connect_ms": 100, "teardown_ms": 100},
    {"name": "Home", "connect_ms": 100, "teardown_ms": 100, "phonebook": "C:\\Users\\alice\\rasphone.pbk"},
    {"name": "Branch VPN"}, {"name": "Alice VPN"}, {"name": "Shared VPN"}],
  "connected": ["Branch VPN",
                {"entry": "alice vpn", "account": "CONTOSO\\alice", "logon_luid": 123456789012},
                {"entry": "Shared VPN", "account": "system", "logon_luid": 999, "default_credentials": true}]})";

TEST_F(Enumeration, FlagsAndLogonSessionAreTheDiallersSeenFromTheCallingAccount) {
  Simulator sim(scenario(kOwners));  // the caller: SYSTEM, logon session 0x3e7 (the service)
  const auto office = sim.dial(request("Office VPN"), {}).handle;
  auto home_request = request("Home");
  home_request.phonebook = "C:\\Users\\alice\\rasphone.pbk";  // a NULL phonebook would not find it for SYSTEM
  const auto home = sim.dial(home_request, {}).handle;
  settle(sim);

  const auto mine = listed(sim, "Office VPN");
  ASSERT_TRUE(mine);
  EXPECT_EQ(mine->flags, kMine);
  EXPECT_EQ(mine->logon_luid, kSystemLogonLuid);
  EXPECT_EQ(mine->logon_user, "SYSTEM");  // the user of that logon session: the dialling account
  const auto per_user = listed(sim, "Home");  // not in the all-users phonebook
  ASSERT_TRUE(per_user);
  EXPECT_EQ(per_user->flags, flag::kOwnerKnown | flag::kOwnerMatch);

  // `connected` entries: an interactive user by default, or whoever the scenario names.
  const auto branch = listed(sim, "Branch VPN");
  ASSERT_TRUE(branch);
  EXPECT_EQ(branch->flags, kSomeoneElses);
  EXPECT_EQ(branch->logon_luid, kScenarioDiallerLuid);
  EXPECT_EQ(branch->logon_user, kScenarioDiallerAccount);
  const auto alice = listed(sim, "Alice VPN");
  ASSERT_TRUE(alice);
  EXPECT_EQ(alice->flags, kSomeoneElses);
  EXPECT_EQ(alice->logon_luid, 123456789012u);  // all 64 bits
  EXPECT_EQ(alice->logon_user, "CONTOSO\\alice");
  const auto shared = listed(sim, "Shared VPN");  // "system": account names compare without case
  ASSERT_TRUE(shared);
  EXPECT_EQ(shared->flags, kMine | flag::kGlobalCreds);
  EXPECT_EQ(shared->logon_luid, 999u);
  EXPECT_EQ(shared->logon_user, "system");  // as the scenario spells it

  for (const auto h : {office, home}) ASSERT_EQ(sim.hang_up(h), err::kSuccess);
  reap_all(sim, {office, home});
}

TEST_F(Enumeration, AnotherCallerSeesTheSameConnectionsWithItsOwnOwnerFlags) {
  Simulator alice(scenario(kOwners), caller("contoso\\ALICE", 0x1234));
  const auto h = alice.dial(request("Office VPN"), {}).handle;
  settle(alice);
  const auto dialled = listed(alice, "Office VPN");
  ASSERT_TRUE(dialled);
  EXPECT_EQ(dialled->flags, kMine);
  EXPECT_EQ(dialled->logon_luid, 0x1234u);
  EXPECT_EQ(dialled->logon_user, "contoso\\ALICE");
  EXPECT_EQ(listed(alice, "Alice VPN")->flags, kMine);
  EXPECT_EQ(listed(alice, "Branch VPN")->flags, kSomeoneElses);
  EXPECT_EQ(listed(alice, "Shared VPN")->flags, kSomeoneElses | flag::kGlobalCreds);
  ASSERT_EQ(alice.hang_up(h), err::kSuccess);
}

TEST_F(Enumeration, TheStateFileKeepsWhoDialledAcrossAProcessRestart) {
  Simulator service(scenario(kOwners));  // SYSTEM dials, then the process ends
  const auto h = service.dial(request("Office VPN"), {}).handle;
  settle(service);
  const auto state = service.snapshot().dump();  // through text, as the state file does

  // The next process runs as another account: the connection's owner stays SYSTEM.
  Simulator user(scenario(kOwners), caller("alice", 0x777));
  user.restore(nlohmann::json::parse(state));
  const auto after = listed(user, "Office VPN");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->handle, h);
  EXPECT_EQ(after->flags, kSomeoneElses);
  EXPECT_EQ(after->logon_luid, kSystemLogonLuid);
  EXPECT_EQ(after->logon_user, "SYSTEM");  // the dialler, not the process reading the state
  EXPECT_EQ(listed(user, "Alice VPN")->logon_luid, 123456789012u);
  EXPECT_EQ(listed(user, "Shared VPN")->flags, kSomeoneElses | flag::kGlobalCreds);

  // A state without owners (written before they were kept): RAS does not know who dialled.
  auto old_format = nlohmann::json::parse(state);
  for (auto& c : old_format["connections"]) {
    c.erase("account");
    c.erase("logon_luid");
    c.erase("default_credentials");
  }
  Simulator later(scenario(kOwners));
  later.restore(old_format);
  const auto unknown = listed(later, "Office VPN");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->flags, flag::kAllUsers);
  EXPECT_EQ(unknown->logon_luid, 0u);
  EXPECT_EQ(unknown->logon_user, "");

  // An owner needs its logon session.
  auto broken = nlohmann::json::parse(state);
  broken["connections"][0].erase("logon_luid");
  Simulator refused(scenario(kOwners));
  try {
    refused.restore(broken);
    ADD_FAILURE() << "restore accepted an account without its logon session";
  } catch (const StateError& e) {
    EXPECT_STREQ(e.what(), "connections[0].logon_luid: is required");
  }
}

// Both readings: only what reached Connected (default), or everything RAS still holds a
// handle for on behalf of its dialler, until it is hung up.
constexpr const char* kLifecycle = R"({"entries": [
    {"name": "Slow", "connect_ms": 1000, "teardown_ms": 500},
    {"name": "Broken", "connect_ms": 100, "teardown_ms": 100, "fail_state": "RASCS_Authenticate", "fail_error": 691},
    {"name": "Kept", "connect_ms": 0, "teardown_ms": 100, "drop_mode": "disconnected_state"},
    {"name": "Forgotten", "connect_ms": 0, "teardown_ms": 100}],
  "enum_lists": "%s"})";

std::string lifecycle(const char* reading) {
  std::string text = kLifecycle;
  text.replace(text.find("%s"), 2, reading);
  return text;
}

TEST_F(Enumeration, ByDefaultOnlyConnectedConnectionsAreListed) {
  Simulator sim(scenario(lifecycle("connected").c_str()));
  const auto slow = sim.dial(request("Slow"), {}).handle;
  const auto broken = sim.dial(request("Broken"), {}).handle;
  const auto kept = sim.dial(request("Kept"), {}).handle;
  const auto forgotten = sim.dial(request("Forgotten"), {}).handle;
  advance(sim, 200ms);
  EXPECT_FALSE(listed(sim, "Slow"));    // still dialling
  EXPECT_FALSE(listed(sim, "Broken"));  // failed, not hung up
  ASSERT_TRUE(listed(sim, "Kept"));
  ASSERT_EQ(sim.drop_link(kept), err::kSuccess);
  ASSERT_EQ(sim.drop_link(forgotten), err::kSuccess);
  EXPECT_FALSE(listed(sim, "Kept"));
  EXPECT_FALSE(listed(sim, "Forgotten"));
  advance(sim, 1000ms);
  EXPECT_TRUE(listed(sim, "Slow"));
  for (const auto h : {slow, broken, kept, forgotten}) sim.hang_up(h);
  reap_all(sim, {slow, broken, kept});
}

TEST_F(Enumeration, InTheOtherReadingEveryHandleRasStillHoldsIsListedUntilHungUp) {
  Simulator sim(scenario(lifecycle("not_hung_up").c_str()));
  const auto slow = sim.dial(request("Slow"), {}).handle;
  EXPECT_TRUE(listed(sim, "Slow"));  // from the moment the dial starts
  const auto broken = sim.dial(request("Broken"), {}).handle;
  const auto kept = sim.dial(request("Kept"), {}).handle;
  const auto forgotten = sim.dial(request("Forgotten"), {}).handle;
  advance(sim, 200ms);

  const auto dialling = listed(sim, "Slow");
  ASSERT_TRUE(dialling);
  EXPECT_EQ(dialling->flags, kMine);  // flags and logon session as for a connected one
  EXPECT_EQ(dialling->logon_luid, kSystemLogonLuid);
  ras::ConnectStatus st;
  ASSERT_EQ(status(sim, slow, &st), err::kSuccess);  // the state is RasGetConnectStatus's to tell
  EXPECT_NE(st.state, ConnState::Connected);
  ASSERT_TRUE(listed(sim, "Broken"));  // failed: the handle lives until hung up
  ASSERT_EQ(status(sim, broken, &st), err::kSuccess);
  EXPECT_EQ(st.error, 691u);

  ASSERT_EQ(sim.drop_link(kept), err::kSuccess);
  ASSERT_EQ(sim.drop_link(forgotten), err::kSuccess);
  EXPECT_TRUE(listed(sim, "Kept"));        // status still answers: Disconnected + 629
  EXPECT_FALSE(listed(sim, "Forgotten"));  // RAS forgot the handle at the drop

  // Hung up: listed no more, while tearing down or after.
  for (const auto h : {slow, broken, kept, forgotten}) sim.hang_up(h);
  for (const char* entry : {"Slow", "Broken", "Kept"}) EXPECT_FALSE(listed(sim, entry)) << entry;
  reap_all(sim, {slow, broken, kept});
}

TEST_F(Enumeration, TheRawCallCountsWhatEachReadingLists) {
  Simulator sim(scenario(lifecycle("not_hung_up").c_str()));
  const auto h = sim.dial(request("Slow"), {}).handle;
  std::size_t count = 0;
  EXPECT_EQ(sim.enum_connections_raw(nullptr, count), err::kBufferTooSmall);
  EXPECT_EQ(count, 1u);
  sim.hang_up(h);
  count = 0;
  EXPECT_EQ(sim.enum_connections_raw(nullptr, count), err::kSuccess);
  EXPECT_EQ(count, 0u);
  settle(sim);
  EXPECT_EQ(status(sim, h), err::kInvalidHandle);
}

TEST(EnumerationScenario, ConnectedItemsAndTheEnumerationReadingAreValidated) {
  const auto s = parse_scenario_text(kOwners, "");
  ASSERT_EQ(s.connected, (std::vector<std::string>{"Branch VPN", "Alice VPN", "Shared VPN"}));
  ASSERT_EQ(s.connected_origins.size(), 3u);
  EXPECT_EQ(s.connected_origins[0].account, kScenarioDiallerAccount);
  EXPECT_EQ(s.connected_origins[0].logon_luid, kScenarioDiallerLuid);
  EXPECT_FALSE(s.connected_origins[0].default_credentials);
  EXPECT_EQ(s.connected_origins[1].account, "CONTOSO\\alice");
  EXPECT_TRUE(s.connected_origins[2].default_credentials);
  EXPECT_EQ(s.enum_lists, EnumLists::connected);
  EXPECT_EQ(parse_scenario_text(lifecycle("not_hung_up"), "").enum_lists, EnumLists::not_hung_up);

  const std::pair<const char*, const char*> bad[] = {
      {R"({"entries": [{"name": "A"}], "enum_lists": "dialling"})",
       "enum_lists: unknown value \"dialling\" (one of connected, not_hung_up)"},
      {R"({"entries": [{"name": "A"}], "connected": [{"account": "x"}]})", "connected[0].entry: is required"},
      {R"({"entries": [{"name": "A"}], "connected": [{"entry": "B"}]})", "connected[0]: no entry named \"B\""},
      {R"({"entries": [{"name": "A"}], "connected": [{"entry": "A", "user": "x"}]})",
       "connected[0]: unknown key \"user\""},
      {R"({"entries": [{"name": "A"}], "connected": [{"entry": "A", "account": ""}]})",
       "connected[0].account: must be a non-empty string"},
      {R"({"entries": [{"name": "A"}], "connected": [{"entry": "A", "logon_luid": 0}]})",
       "connected[0].logon_luid: must be a non-zero integer"},
      {R"({"entries": [{"name": "A"}], "connected": [{"entry": "A", "logon_luid": "0x3e7"}]})",
       "connected[0].logon_luid: must be a non-zero integer"},
      {R"({"entries": [{"name": "A"}], "connected": [{"entry": "A", "default_credentials": 1}]})",
       "connected[0].default_credentials: must be true or false"},
      {R"({"entries": [{"name": "A"}], "connected": [{"entry": "A"}, "a"]})", "connected[1]: entry \"a\" listed twice"},
      {R"({"entries": [{"name": "A"}], "connected": [7]})", "connected[0]: must be an entry name or an object"},
  };
  for (const auto& [text, message] : bad) {
    try {
      parse_scenario_text(text, "");
      ADD_FAILURE() << "accepted: " << text;
    } catch (const ScenarioError& e) {
      EXPECT_EQ(std::string(e.what()), message) << text;
    }
  }
}

}  // namespace
}  // namespace rasbroker::sim::test
