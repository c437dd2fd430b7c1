// What the service can dial: it runs as LocalSystem, so RAS's NULL phonebook gives it the
// all-users entries (and SYSTEM's own), never an entry a user made for themselves; the
// phonebooks in its configuration add theirs. `entries` lists exactly that, a dial of
// anything else is not_found with a message that says why and what to do, and an entry
// of a configured phonebook is dialled by its name alone. Run against both readings of
// RasEnumEntries' NULL phonebook (docs/simulator.md, "Phonebooks and the calling account").
#include <string>
#include <vector>

#include "broker_harness.hpp"

namespace rasbroker::testing {
namespace {

using protocol::DialWait;
using protocol::ErrorCode;

constexpr const char* kAlicePhonebook =
    "C:\\Users\\alice\\AppData\\Roaming\\Microsoft\\Network\\Connections\\Pbk\\rasphone.pbk";

class PhonebookScopeTest : public BrokerHarness, public ::testing::WithParamInterface<const char*> {
 protected:
  // Office VPN for all users, Home VPN alice's own (Add-VpnConnection without
  // -AllUserConnection), Lab in a phonebook file of its own.
  void make_scoped(std::vector<std::string> phonebooks = {}) {
    auto cfg = fast_config();
    cfg.phonebooks = std::move(phonebooks);
    make({{"entries",
           {{{"name", "Office VPN"}, {"connect_ms", 100}, {"teardown_ms", 100}},
            {{"name", "Home VPN"}, {"user", "alice"}, {"connect_ms", 100}, {"teardown_ms", 100}},
            {{"name", "Lab"}, {"phonebook", "D:\\lab\\lab.pbk"}, {"connect_ms", 100}, {"teardown_ms", 100}}}},
          {"null_phonebook", GetParam()}},
         cfg);
  }
  std::vector<std::string> listed() {
    std::vector<std::string> out;
    for (const auto& e : broker_->entries("")) out.push_back(e.name + " @ " + e.phonebook);
    return out;
  }
};

TEST_P(PhonebookScopeTest, EntriesListsOnlyTheAllUsersEntries) {
  make_scoped();
  EXPECT_EQ(listed(), std::vector<std::string>{"Office VPN @ " + std::string(sim::kSystemPhonebook)});
  expect_nothing_leaked();
}

TEST_P(PhonebookScopeTest, EntriesListsTheEntriesOfConfiguredPhonebooks) {
  make_scoped({kAlicePhonebook, "d:\\LAB\\lab.pbk"});
  EXPECT_EQ(listed(), (std::vector<std::string>{"Office VPN @ " + std::string(sim::kSystemPhonebook),
                                                "Home VPN @ " + std::string(kAlicePhonebook),
                                                "Lab @ D:\\lab\\lab.pbk"}));
  expect_nothing_leaked();
}

TEST_P(PhonebookScopeTest, AnotherUsersEntryIsNotFoundAndTheMessageSaysWhatToDo) {
  make_scoped();
  for (const auto wait : {DialWait::accepted, DialWait::connected}) {
    auto d = dial("Home VPN", wait);
    ASSERT_TRUE(d->done);
    const auto error = d->rpc_error();
    EXPECT_EQ(error.code(), ErrorCode::not_found);
    EXPECT_EQ(error.data()["ras_error"], 623);
    const std::string message = error.what();
    for (const char* part : {"no phonebook entry named \"Home VPN\" that the service can see", "LocalSystem",
                             "all-user connections", "Add-VpnConnection -AllUserConnection", "\"phonebooks\""}) {
      EXPECT_NE(message.find(part), std::string::npos) << "missing \"" << part << "\" in: " << message;
    }
  }
  EXPECT_FALSE(find("Home VPN"));  // RAS gave no handle: nothing to hang up
  expect_nothing_leaked();
}

TEST_P(PhonebookScopeTest, AConfiguredPhonebooksEntryIsDialledByItsNameAlone) {
  make_scoped({kAlicePhonebook});
  auto d = dial("home vpn", DialWait::connected);
  ASSERT_TRUE(run_until([&] { return d->done; }));
  ASSERT_TRUE(d->value) << d->rpc_error().what();
  EXPECT_EQ(d->value->state, ConnectionState::connected);
  EXPECT_EQ(d->value->phonebook, kAlicePhonebook);  // the file it was dialled from
  // Not configured: still beyond the service's reach.
  EXPECT_EQ(dial("Lab")->rpc_error().code(), ErrorCode::not_found);
  expect_nothing_leaked();
}

TEST_P(PhonebookScopeTest, AnEntryOfAConfiguredPhonebookOthersCanChangeIsNotDialledByName) {
  make_scoped({kAlicePhonebook});
  untrusted_files_[kAlicePhonebook] = std::string(kAlicePhonebook) + " is writable by CONTOSO\\alice";
  const auto error = dial("Home VPN", DialWait::connected)->rpc_error();
  EXPECT_EQ(error.code(), ErrorCode::not_found);  // as if the file were not configured
  EXPECT_EQ(sim_->stats().dial_calls, 1u);        // the NULL phonebook's RasDial only
  EXPECT_FALSE(find("Home VPN"));
  expect_nothing_leaked();
}

TEST_P(PhonebookScopeTest, ANamedPhonebookWithoutTheEntrySaysWhichFile) {
  make_scoped({"D:\\lab\\lab.pbk"});
  auto p = dial_params("Home VPN");
  p.phonebook = "D:\\lab\\lab.pbk";
  const auto error = spawn(broker_->dial(p, admin()))->rpc_error();
  EXPECT_EQ(error.code(), ErrorCode::not_found);
  EXPECT_EQ(std::string(error.what()), "no phonebook entry named \"Home VPN\" in the phonebook \"D:\\lab\\lab.pbk\"");
  expect_nothing_leaked();
}

INSTANTIATE_TEST_SUITE_P(NullPhonebookReadings, PhonebookScopeTest,
                         ::testing::Values("all_users_and_caller", "system_phonebook"),
                         [](const ::testing::TestParamInfo<const char*>& info) { return std::string(info.param); });

}  // namespace
}  // namespace rasbroker::testing
