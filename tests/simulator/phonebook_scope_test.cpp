// Phonebooks and the calling account: with a NULL phonebook RAS reads the all-users
// phonebooks and the caller's own profile phonebook, so a LocalSystem caller does not find
// an entry a user made for themselves (Add-VpnConnection without -AllUserConnection); a
// phonebook named by its path is read whoever owns it (docs/simulator.md, "Phonebooks and
// the calling account").
#include <algorithm>
#include <string>
#include <vector>

#include "sim_test_util.hpp"

namespace rasbroker::sim::test {
namespace {

constexpr const char* kAlicePhonebook =
    "C:\\Users\\alice\\AppData\\Roaming\\Microsoft\\Network\\Connections\\Pbk\\rasphone.pbk";
constexpr const char* kSystemOwnPhonebook =
    "C:\\Windows\\System32\\config\\systemprofile\\AppData\\Roaming\\Microsoft\\Network\\Connections\\Pbk\\"
    "rasphone.pbk";

constexpr const char* kScoped = R"({"entries": [
  {"name": "Office VPN", "connect_ms": 0, "teardown_ms": 10},
  {"name": "Home VPN", "user": "alice", "connect_ms": 0, "teardown_ms": 10},
  {"name": "Service VPN", "user": "SYSTEM", "connect_ms": 0, "teardown_ms": 10},
  {"name": "Second All Users", "phonebook": "C:\\ProgramData\\Microsoft\\Network\\Connections\\Pbk\\second.pbk",
   "connect_ms": 0, "teardown_ms": 10},
  {"name": "Lab", "phonebook": "D:\\lab\\lab.pbk", "connect_ms": 0, "teardown_ms": 10}]})";

std::vector<std::string> names(Simulator& sim, const std::string& phonebook) {
  std::vector<ras::PhonebookEntry> entries;
  EXPECT_EQ(sim.enum_entries(phonebook, entries), err::kSuccess);
  std::vector<std::string> out;
  for (const auto& e : entries) out.push_back(e.name);
  return out;
}

SimulatorOptions called_by(const char* account) {
  SimulatorOptions options;
  options.account = account;
  return options;
}

class PhonebookScope : public VirtualTime {};

TEST_F(PhonebookScope, DefaultPathsFollowTheScope) {
  const auto s = scenario(kScoped);
  EXPECT_EQ(entry_phonebook(s.entries[0]), kSystemPhonebook);
  EXPECT_EQ(entry_phonebook(s.entries[1]), kAlicePhonebook);
  EXPECT_EQ(entry_phonebook(s.entries[2]), kSystemOwnPhonebook);  // SYSTEM's profile is not under C:\Users
  EXPECT_EQ(entry_phonebook(s.entries[4]), "D:\\lab\\lab.pbk");
  EXPECT_EQ(profile_phonebook("system"), kSystemOwnPhonebook);  // account names compare without case
  EXPECT_TRUE(all_users_phonebook(""));
  EXPECT_TRUE(all_users_phonebook("c:\\programdata\\microsoft\\network\\connections\\pbk\\SECOND.pbk"));
  EXPECT_FALSE(all_users_phonebook(kAlicePhonebook));
}

// The LocalSystem service: the all-users folder and SYSTEM's own profile, nobody else's.
TEST_F(PhonebookScope, SystemDoesNotFindAnotherUsersEntryWithTheNullPhonebook) {
  Simulator sim(scenario(kScoped));  // calling account: SYSTEM, the default
  EXPECT_EQ(names(sim, ""), (std::vector<std::string>{"Office VPN", "Service VPN", "Second All Users"}));

  const auto home = sim.dial(request("Home VPN"), {});
  EXPECT_EQ(home.error, err::kCannotFindPhonebookEntry);
  EXPECT_EQ(home.handle, ras::kNullHandle);
  EXPECT_EQ(sim.find_entry("home vpn", ""), nullptr);
  EXPECT_EQ(sim.dial(request("Lab"), {}).error, err::kCannotFindPhonebookEntry);  // a file outside both folders
  EXPECT_EQ(sim.stats().dial_errors, 2u);

  for (const char* visible : {"Office VPN", "Service VPN", "Second All Users"}) {
    const auto r = sim.dial(request(visible), {});
    EXPECT_EQ(r.error, err::kSuccess) << visible;
    sim.hang_up(r.handle);
    settle(sim);
    EXPECT_EQ(status(sim, r.handle), err::kInvalidHandle);
  }
  EXPECT_TRUE(sim.leak_report().clean()) << sim.leak_report().describe();
}

// Naming the file is the documented way round it: LocalSystem can read every profile.
TEST_F(PhonebookScope, AnExplicitPathFindsThatFilesEntriesWhoeverOwnsThem) {
  Simulator sim(scenario(kScoped));
  EXPECT_EQ(names(sim, "c:\\users\\ALICE\\appdata\\roaming\\microsoft\\network\\connections\\pbk\\rasphone.pbk"),
            std::vector<std::string>{"Home VPN"});
  EXPECT_EQ(names(sim, "D:\\lab\\lab.pbk"), std::vector<std::string>{"Lab"});
  ASSERT_NE(sim.find_entry("HOME VPN", kAlicePhonebook), nullptr);
  EXPECT_EQ(sim.find_entry("Office VPN", kAlicePhonebook), nullptr);  // not in that file

  const auto r = sim.dial(request_in(kAlicePhonebook, "Home VPN"), {});
  ASSERT_EQ(r.error, err::kSuccess);
  settle(sim);
  std::vector<ras::ActiveConnection> conns;
  ASSERT_EQ(sim.enum_connections(conns), err::kSuccess);
  ASSERT_EQ(conns.size(), 1u);
  EXPECT_EQ(conns[0].phonebook, kAlicePhonebook);
  sim.hang_up(r.handle);
  settle(sim);
  EXPECT_EQ(status(sim, r.handle), err::kInvalidHandle);
  EXPECT_TRUE(sim.leak_report().clean()) << sim.leak_report().describe();
}

// Another caller: its own entries instead of SYSTEM's.
TEST_F(PhonebookScope, TheCallingAccountFindsItsOwnEntries) {
  Simulator sim(scenario(kScoped), called_by("Alice"));
  EXPECT_EQ(names(sim, ""), (std::vector<std::string>{"Office VPN", "Home VPN", "Second All Users"}));
  EXPECT_EQ(sim.dial(request("Service VPN"), {}).error, err::kCannotFindPhonebookEntry);
  const auto r = sim.dial(request("home vpn"), {});
  ASSERT_EQ(r.error, err::kSuccess);
  sim.hang_up(r.handle);
  settle(sim);
}

// The other reading of RasEnumEntries' NULL text: "the current default phone-book file" alone.
TEST_F(PhonebookScope, TheSystemPhonebookReadingReadsOneFile) {
  std::string text = kScoped;
  text.insert(text.rfind('}'), R"(, "null_phonebook": "system_phonebook")");
  Simulator sim(scenario(text.c_str()));
  EXPECT_EQ(names(sim, ""), std::vector<std::string>{"Office VPN"});
  EXPECT_EQ(sim.dial(request("Service VPN"), {}).error, err::kCannotFindPhonebookEntry);
  EXPECT_EQ(sim.dial(request("Second All Users"), {}).error, err::kCannotFindPhonebookEntry);
  EXPECT_NE(sim.find_entry("Service VPN", kSystemOwnPhonebook), nullptr);  // a named file is read either way
  EXPECT_EQ(sim.dial(request("Office VPN"), {}).error, err::kSuccess);
}

// Connections are the machine's, not a phonebook's: one a user dialled is enumerated too.
TEST_F(PhonebookScope, AnotherUsersConnectionIsStillEnumerated) {
  std::string text = kScoped;
  text.insert(text.rfind('}'), R"(, "connected": ["Home VPN"])");
  Simulator sim(scenario(text.c_str()));
  std::vector<ras::ActiveConnection> conns;
  ASSERT_EQ(sim.enum_connections(conns), err::kSuccess);
  ASSERT_EQ(conns.size(), 1u);
  EXPECT_EQ(conns[0].entry, "Home VPN");
  EXPECT_EQ(conns[0].phonebook, kAlicePhonebook);
}

}  // namespace
}  // namespace rasbroker::sim::test
