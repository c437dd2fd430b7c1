// Scenario parsing and validation, state names, error texts.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "ras/ras_api.hpp"
#include "simulator/error_text.hpp"
#include "simulator/scenario.hpp"

namespace rasbroker::sim {
namespace {

using namespace std::chrono_literals;
using ras::ConnState;

TEST(StateNames, RoundTripAndUnnamed) {
  for (std::uint32_t v = 0; v < 0x2010; ++v) {
    const auto s = static_cast<ConnState>(v);
    ConnState back{};
    ASSERT_TRUE(ras::parse_state_name(ras::state_name(s), back)) << v;
    EXPECT_EQ(back, s);
  }
  EXPECT_EQ(ras::state_name(ConnState::Authenticate), "RASCS_Authenticate");
  EXPECT_EQ(ras::state_name(ConnState::Interactive), "RASCS_Interactive");
  EXPECT_EQ(ras::state_name(ConnState::Connected), "RASCS_Connected");
  EXPECT_EQ(ras::state_name(ConnState::Disconnected), "RASCS_Disconnected");
  EXPECT_EQ(ras::state_name(static_cast<ConnState>(25)), "RASCS_25");
  ConnState out{};
  EXPECT_FALSE(ras::parse_state_name("RASCS_5", out));  // named: RASCS_Authenticate
  EXPECT_FALSE(ras::parse_state_name("RASCS_025", out));
  EXPECT_FALSE(ras::parse_state_name("RASCS_", out));
  EXPECT_FALSE(ras::parse_state_name("Authenticate", out));
}

TEST(ErrorText, CommonCodesAndFallback) {
  EXPECT_EQ(ras_error_text(6), "The handle is invalid.");
  EXPECT_NE(ras_error_text(691).find("user name and password"), std::string::npos);
  EXPECT_NE(ras_error_text(623).find("phone book entry"), std::string::npos);
  EXPECT_NE(ras_error_text(629).find("closed by the remote computer"), std::string::npos);
  for (std::uint32_t code : {87u, 603u, 619u, 628u, 631u, 632u, 651u, 668u, 678u, 720u, 721u, 800u, 809u, 868u}) {
    EXPECT_EQ(ras_error_text(code).rfind("RAS error", 0), std::string::npos) << code;
  }
  EXPECT_EQ(ras_error_text(999), "RAS error 999");
}

TEST(Scenario, DefaultsAndFullEntry) {
  const auto s = parse_scenario_text(R"json({
    // comments are allowed
    "entries": [
      {"name": "Office VPN"},
      {"name": "Lab", "phonebook": "C:\\pbk\\lab.pbk", "user": "alice", "connect_ms": 10, "teardown_ms": 0,
       "fail_state": "RASCS_ConnectDevice", "drop_after_ms": 50, "drop_error": 628,
       "drop_mode": "disconnected_state", "teardown_never": true, "username": "alice", "password": "secret",
       "device_type": "PPPoE", "device_name": "WAN Miniport (PPPOE)"}],
    "connected": ["Office VPN"],
    "notifications": {"delay_ms": 250, "drop_every": 3, "one_connection": "hang_up"},
    "null_phonebook": "system_phonebook"})json");
  ASSERT_EQ(s.entries.size(), 2u);
  const auto& d = s.entries[0];
  EXPECT_EQ(d.connect, 800ms);
  EXPECT_EQ(d.teardown, 1500ms);
  EXPECT_FALSE(d.fail_state);
  EXPECT_FALSE(d.drop_after);
  EXPECT_EQ(d.drop_mode, DropMode::invalid_handle);  // DotRas issue #80's reading is the default
  EXPECT_FALSE(d.username);
  EXPECT_EQ(d.user, "");  // all users
  EXPECT_EQ(d.device_type, "vpn");
  EXPECT_EQ(d.device_name, "WAN Miniport (IKEv2)");
  const auto& l = s.entries[1];
  EXPECT_EQ(l.phonebook, "C:\\pbk\\lab.pbk");
  EXPECT_EQ(l.user, "alice");
  EXPECT_EQ(l.fail_state, ConnState::ConnectDevice);
  EXPECT_EQ(l.fail_error, 691u);  // default when fail_state is given
  EXPECT_EQ(l.drop_after, 50ms);
  EXPECT_EQ(l.drop_error, 628u);
  EXPECT_EQ(l.drop_mode, DropMode::disconnected_state);
  EXPECT_TRUE(l.teardown_never);
  EXPECT_EQ(l.password, "secret");
  EXPECT_EQ(s.connected, std::vector<std::string>{"Office VPN"});
  EXPECT_EQ(s.notifications.delay, 250ms);
  EXPECT_EQ(s.notifications.drop_every, 3u);
  EXPECT_EQ(s.notifications.one_connection, TerminationSignal::hang_up);
  EXPECT_EQ(s.null_phonebook, NullPhonebook::system_phonebook);

  // json built in C++ (signed integers) parses the same way.
  const auto j = nlohmann::json{{"entries", {{{"name", "X"}, {"connect_ms", 5}}}}};
  EXPECT_EQ(parse_scenario(j).entries[0].connect, 5ms);
  EXPECT_EQ(parse_scenario(j).null_phonebook, NullPhonebook::all_users_and_caller);
  EXPECT_EQ(parse_scenario(j).notifications.one_connection, TerminationSignal::teardown_ended);
}

// Entry names are found as RAS finds phonebook sections: without regard to case.
TEST(Scenario, EntryNamesResolveWithoutRegardToCase) {
  const auto s = parse_scenario_text(R"({"entries": [{"name": "Office VPN"}, {"name": "Büro"}],
                                        "connected": ["office VPN", "BÜRO"]})", "");
  EXPECT_EQ(s.connected, (std::vector<std::string>{"Office VPN", "Büro"}));  // the entries' own spelling
  ASSERT_NE(s.find("OFFICE VPN"), nullptr);
  EXPECT_EQ(s.find("OFFICE VPN")->name, "Office VPN");
  EXPECT_EQ(s.find("büro"), &s.entries[1]);
  EXPECT_EQ(s.find("Office"), nullptr);
}

// The index parse_scenario() and the simulator look names up with agrees with Scenario::find.
TEST(Scenario, TheEntryIndexFindsWhatFindFinds) {
  const auto s = parse_scenario_text(R"({"entries": [{"name": "Office VPN"}, {"name": "Büro"}, {"name": "VPN 1"}]})", "");
  const EntryIndex index(s.entries);
  for (const char* name : {"OFFICE VPN", "office vpn", "büro", "BÜRO", "vpn 1", "VPN 10", "Office", ""}) {
    const auto i = index.find(name);
    EXPECT_EQ(i ? &s.entries[*i] : nullptr, s.find(name)) << name;
  }
}

// Thousands of entries, all connected at start (the scale test bed, issue 10): each one once,
// duplicates still refused at the end of the list.
TEST(Scenario, ThousandsOfConnectedEntriesParse) {
  nlohmann::json entries = nlohmann::json::array(), connected = nlohmann::json::array();
  for (int i = 0; i < 5000; ++i) {
    entries.push_back({{"name", "VPN " + std::to_string(i)}});
    connected.push_back("vpn " + std::to_string(i));
  }
  const auto s = parse_scenario({{"entries", entries}, {"connected", connected}});
  ASSERT_EQ(s.connected.size(), 5000u);
  EXPECT_EQ(s.connected[4999], "VPN 4999");
  connected.push_back("VPN 17");
  EXPECT_THROW(parse_scenario({{"entries", entries}, {"connected", connected}}), ScenarioError);
  entries.push_back({{"name", "vpn 4999"}});
  EXPECT_THROW(parse_scenario({{"entries", entries}}), ScenarioError);
}

struct BadCase {
  const char* json;
  const char* message;
};

TEST(Scenario, RejectsInvalidWithKeyPathAndProblem) {
  const BadCase cases[] = {
      {R"([])", "(top level): must be a JSON object"},
      {R"({"entrys": []})", "(top level): unknown key \"entrys\""},
      {R"({})", "entries: is required"},
      {R"({"entries": {}})", "entries: must be an array of entry objects"},
      {R"({"entries": [42]})", "entries[0]: must be an object"},
      {R"({"entries": [{"name": "A", "conect_ms": 5}]})", "entries[0]: unknown key \"conect_ms\""},
      {R"({"entries": [{"connect_ms": 5}]})", "entries[0].name: is required"},
      {R"({"entries": [{"name": ""}]})", "entries[0].name: must be a non-empty string"},
      {R"({"entries": [{"name": "A"}, {"name": "B", "connect_ms": -1}]})",
       "entries[1].connect_ms: must be a non-negative integer"},
      {R"({"entries": [{"name": "A", "teardown_ms": 1.5}]})", "entries[0].teardown_ms: must be a non-negative integer"},
      {R"({"entries": [{"name": "A", "connect_ms": "800"}]})", "entries[0].connect_ms: must be a non-negative integer"},
      {R"({"entries": [{"name": "A", "drop_after_ms": 4294967296}]})",
       "entries[0].drop_after_ms: must be at most 2147483647"},
      {R"({"entries": [{"name": "A", "drop_mode": "vanish"}]})",
       "entries[0].drop_mode: unknown drop mode \"vanish\" (one of invalid_handle, disconnected_state)"},
      {R"({"entries": [{"name": "A", "drop_mode": 1}]})", "entries[0].drop_mode: must be a string"},
      {R"({"entries": [{"name": "A"}, {"name": "B"}, {"name": "A"}]})",
       "entries[2].name: duplicate entry name \"A\""},
      // One entry to RAS: phonebook sections are looked up without regard to case.
      {R"({"entries": [{"name": "Office VPN"}, {"name": "B"}, {"name": "office vpn"}]})",
       "entries[2].name: duplicate entry name \"office vpn\" (entries[0] is \"Office VPN\"; RAS compares entry "
       "names without regard to case)"},
      {R"({"entries": [{"name": "Büro"}, {"name": "BÜRO"}]})", "entries[1].name: duplicate entry name \"BÜRO\""},
      // Names RasValidateEntryName refuses.
      {R"({"entries": [{"name": "A"}, {"name": "a/b"}]})",
       "entries[1].name: \"a/b\" is not a name RAS accepts: may not contain any of"},
      {R"({"entries": [{"name": ".hidden"}]})", "entries[0].name: \".hidden\" is not a name RAS accepts: may not start with '.'"},
      {R"({"entries": [{"name": "--"}]})", "entries[0].name: \"--\" is not a name RAS accepts: needs at least one letter or digit"},
      {R"({"entries": [{"name": "a\tb"}]})", "entries[0].name: \"a\tb\" is not a name RAS accepts: may not contain control characters"},
      {R"({"entries": [{"name": "A", "fail_state": "RASCS_Bogus"}]})",
       "entries[0].fail_state: unknown state \"RASCS_Bogus\""},
      {R"({"entries": [{"name": "A", "fail_state": "RASCS_Connected"}]})",
       "entries[0].fail_state: \"RASCS_Connected\" is not a state the simulated dial passes through"},
      {R"({"entries": [{"name": "A", "fail_error": 678}]})", "entries[0].fail_error: requires \"fail_state\""},
      {R"({"entries": [{"name": "A", "fail_state": "RASCS_OpenPort", "fail_error": 0}]})",
       "entries[0].fail_error: must be a non-zero error code"},
      {R"({"entries": [{"name": "A", "teardown_never": 1}]})", "entries[0].teardown_never: must be true or false"},
      {R"({"entries": [{"name": "A", "username": "bob"}]})",
       "entries[0]: \"username\" and \"password\" must be given together"},
      {R"({"entries": [{"name": "A", "device_type": "vpnx"}]})", "entries[0].device_type: unknown device type \"vpnx\""},
      {R"({"entries": [{"name": "A"}], "connected": "A"})", "connected: must be an array of entry names"},
      {R"({"entries": [{"name": "A"}], "connected": ["Foo"]})", "connected[0]: no entry named \"Foo\""},
      {R"({"entries": [{"name": "A"}], "connected": ["A", "A"]})", "connected[1]: entry \"A\" listed twice"},
      {R"({"entries": [{"name": "A"}], "connected": ["A", "a"]})", "connected[1]: entry \"a\" listed twice"},
      // Phonebook scope: a user name names a profile folder; one name per machine, whoever owns it.
      {R"({"entries": [{"name": "A", "user": ""}]})", "entries[0].user: must be a non-empty string"},
      {R"({"entries": [{"name": "A", "user": "CORP\\alice"}]})",
       "entries[0].user: not a Windows user name: no control characters and none of"},
      {R"({"entries": [{"name": "Home VPN"}, {"name": "home vpn", "user": "alice"}]})",
       "entries[1].name: duplicate entry name \"home vpn\" (entries[0] is \"Home VPN\""},
      {R"({"entries": [{"name": "A", "user": "bob"}, {"name": "a", "user": "alice"}]})",
       "entries[1].name: duplicate entry name \"a\""},
      {R"({"entries": [], "null_phonebook": "default"})",
       "null_phonebook: unknown reading \"default\" (one of all_users_and_caller, system_phonebook)"},
      {R"({"entries": [], "notifications": {"delay": 5}})", "notifications: unknown key \"delay\""},
      {R"({"entries": [], "notifications": {"drop_every": -2}})",
       "notifications.drop_every: must be a non-negative integer"},
      {R"({"entries": [], "notifications": {"one_connection": "never"}})",
       "notifications.one_connection: unknown reading \"never\" (one of teardown_ended, hang_up)"},
  };
  for (const auto& c : cases) {
    try {
      (void)parse_scenario_text(c.json, "");
      ADD_FAILURE() << "accepted: " << c.json;
    } catch (const ScenarioError& e) {
      EXPECT_EQ(std::string(e.what()).rfind(c.message, 0), 0u) << "got: " << e.what() << "\nwant: " << c.message;
    }
  }
}

TEST(Scenario, FilesAndPasswordsNeverInMessages) {
  const auto dir = std::filesystem::temp_directory_path() / "rasbroker-sim-scenario-test";
  std::filesystem::create_directories(dir);
  const auto write = [&](const char* name, const char* text) {
    const auto path = (dir / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  };

  const auto missing = (dir / "missing.json").string();
  try {
    (void)load_scenario_file(missing);
    ADD_FAILURE();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()), missing + ": scenario file not found");
  }

  // A broken escape inside the password: the message gives the position, not the token.
  const auto broken = write("broken.json", "{\"entries\": [{\"name\": \"A\", \"username\": \"u\",\n \"password\": \"hunter2\\q\"}]}");
  try {
    (void)load_scenario_file(broken);
    ADD_FAILURE();
  } catch (const ScenarioError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind(broken + ": invalid JSON: parse error at line 2", 0), 0u) << what;
    EXPECT_EQ(what.find("hunter2"), std::string::npos) << what;
  }

  // Found by fuzzing: out_of_range, not a parse_error, to the JSON parser.
  try {
    (void)parse_scenario_text(R"({"entries": [{"name": "A", "connect_ms": 1e999}]})", "s.json");
    ADD_FAILURE();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()), "s.json: invalid JSON: a number out of range");
  }

  const auto wrong_type = write("wrong.json", R"({"entries": [{"name": "A", "username": "u", "password": 12345}]})");
  try {
    (void)load_scenario_file(wrong_type);
    ADD_FAILURE();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()), wrong_type + ": entries[0].password: must be a string");
  }

  const auto good = write("good.json", R"({"entries": [{"name": "Office VPN", "connect_ms": 1}]})");
  EXPECT_EQ(load_scenario_file(good).entries.at(0).connect, 1ms);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace rasbroker::sim
