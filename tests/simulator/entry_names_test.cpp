// Entry names as RAS compares them: a phonebook is an INI-style file whose [section] names
// Windows looks up without regard to case, so "office vpn" and "Office VPN" are one entry
// (protocol/include/rasbroker/protocol/entry_name.hpp). The simulator must agree.
#include <string>

#include <nlohmann/json.hpp>

#include "sim_test_util.hpp"

namespace rasbroker::sim::test {
namespace {

constexpr const char* kPhonebook = R"({"entries": [
  {"name": "Office VPN", "connect_ms": 800, "teardown_ms": 100},
  {"name": "Lab", "phonebook": "C:\\pbk\\lab.pbk", "connect_ms": 0, "teardown_ms": 10},
  {"name": "Secure", "connect_ms": 0, "teardown_ms": 10, "username": "alice", "password": "secret"},
  {"name": "Büro VPN", "connect_ms": 0, "teardown_ms": 10},
  {"name": "Branch VPN", "connect_ms": 0, "teardown_ms": 10}],
  "connected": ["Branch VPN"]})";

class EntryNames : public VirtualTime {
 protected:
  static std::vector<ras::ActiveConnection> enumerated(Simulator& sim) {
    std::vector<ras::ActiveConnection> conns;
    EXPECT_EQ(sim.enum_connections(conns), err::kSuccess);
    return conns;
  }
  static const LedgerRecord* record(const std::vector<LedgerRecord>& records, ras::Handle h) {
    for (const auto& r : records) {
      if (r.handle == h) return &r;
    }
    return nullptr;
  }
  static const LedgerRecord* record(std::vector<LedgerRecord>&& records, ras::Handle h) = delete;  // would dangle
};

TEST_F(EntryNames, DialFindsTheEntryWhateverTheCase) {
  Simulator sim(scenario(kPhonebook));
  Recorder rec;
  const auto r = sim.dial(request("office vpn"), rec.fn());
  ASSERT_EQ(r.error, err::kSuccess);
  ASSERT_NE(r.handle, ras::kNullHandle);
  settle(sim);
  EXPECT_EQ(rec.states(), dial_walk());

  // RAS reports the phonebook's own spelling, not the caller's.
  const auto conns = enumerated(sim);
  ASSERT_EQ(conns.size(), 2u);  // "Branch VPN" (external) and ours
  EXPECT_EQ(conns[1].handle, r.handle);
  EXPECT_EQ(conns[1].entry, "Office VPN");
  const auto ledger = sim.ledger();
  const auto* rec_office = record(ledger, r.handle);
  ASSERT_NE(rec_office, nullptr);
  EXPECT_EQ(rec_office->entry, "Office VPN");

  // Beyond ASCII too, and together with a phonebook path in another case.
  EXPECT_EQ(sim.dial(request("BÜRO vpn"), {}).error, err::kSuccess);
  auto lab = request("LAB");
  lab.phonebook = "c:\\PBK\\Lab.pbk";
  EXPECT_EQ(sim.dial(lab, {}).error, err::kSuccess);
  EXPECT_EQ(sim.dial(request("Office VPN2"), {}).error, err::kCannotFindPhonebookEntry);
}

TEST_F(EntryNames, DialUnderAnotherCaseAddsAReferenceToTheSameConnection) {
  Simulator sim(scenario(kPhonebook));
  Recorder first, second, third;
  const auto h = sim.dial(request("Office VPN"), first.fn()).handle;
  advance(sim, 300ms);
  const auto joined = sim.dial(request("OFFICE VPN"), second.fn());  // while dialling
  EXPECT_EQ(joined.error, err::kSuccess);
  EXPECT_EQ(joined.handle, h);
  settle(sim);
  ASSERT_FALSE(second.calls.empty());
  EXPECT_EQ(second.calls.back().state, ConnState::Connected);

  const auto again = sim.dial(request("office vpn"), third.fn());  // connected
  EXPECT_EQ(again.error, err::kSuccess);
  EXPECT_EQ(again.handle, h);
  sim.pump();
  EXPECT_EQ(third.calls, (std::vector<Progress>{{h, ConnState::Connected, 0}}));
  EXPECT_EQ(enumerated(sim).size(), 2u);  // still one connection for the entry

  const auto ledger = sim.ledger();
  const auto* rec = record(ledger, h);
  ASSERT_NE(rec, nullptr);
  EXPECT_EQ(rec->dial_refs, 3u);
  ASSERT_EQ(sim.hang_up(h), err::kSuccess);
  ASSERT_EQ(sim.hang_up(h), err::kSuccess);
  ras::ConnectStatus st;
  ASSERT_EQ(status(sim, h, &st), err::kSuccess);
  EXPECT_EQ(st.state, ConnState::Connected);  // one reference left
  ASSERT_EQ(sim.hang_up(h), err::kSuccess);
  settle(sim);
  EXPECT_EQ(status(sim, h), err::kInvalidHandle);
  EXPECT_TRUE(sim.leak_report().clean()) << sim.leak_report().describe();
}

TEST_F(EntryNames, ExternalConnectionListedInAnotherCaseIsTheScenarioEntry) {
  Simulator sim(scenario(R"({"entries": [{"name": "Branch VPN", "connect_ms": 0}], "connected": ["branch vpn"]})"));
  EXPECT_EQ(sim.scenario().connected, std::vector<std::string>{"Branch VPN"});
  const auto conns = enumerated(sim);
  ASSERT_EQ(conns.size(), 1u);
  EXPECT_EQ(conns[0].entry, "Branch VPN");
  EXPECT_EQ(sim.dial(request("BRANCH vpn"), {}).handle, conns[0].handle);  // adopted, not dialled again
}

TEST_F(EntryNames, CredentialsAreStillCheckedForAnEntryNamedInAnotherCase) {
  Simulator sim(scenario(kPhonebook));
  Recorder bad;
  const auto h = sim.dial(request("SECURE", "alice", "wrong"), bad.fn()).handle;
  ASSERT_NE(h, ras::kNullHandle);
  settle(sim);
  EXPECT_EQ(bad.calls.back(), (Progress{h, ConnState::Authenticate, err::kAuthenticationFailure}));
  EXPECT_EQ(sim.hang_up(h), err::kSuccess);
  settle(sim);
  EXPECT_EQ(status(sim, h), err::kInvalidHandle);
}

TEST_F(EntryNames, TestHooksNameEntriesTheSameWay) {
  Simulator sim(scenario(kPhonebook));
  EXPECT_EQ(sim.drop_link("BRANCH VPN"), err::kSuccess);
  const auto h = sim.dial(request("Office VPN"), {}).handle;
  advance(sim, 100ms);
  EXPECT_EQ(sim.external_hang_up("office vpn"), err::kSuccess);
  settle(sim);
  EXPECT_EQ(status(sim, h), err::kInvalidHandle);
  EXPECT_TRUE(sim.leak_report().clean()) << sim.leak_report().describe();
}

TEST_F(EntryNames, RestoreFindsEntriesWhateverTheCase) {
  Simulator before(scenario(kPhonebook));
  const auto h = before.dial(request_in("C:\\pbk\\lab.pbk", "Lab"), {}).handle;
  settle(before);
  auto state = before.snapshot();
  for (auto& c : state["connections"]) {
    if (c["handle"] == h) c["entry"] = "lab";
  }

  Simulator after(scenario(kPhonebook));
  after.restore(state);
  const auto conns = enumerated(after);
  ASSERT_EQ(conns.size(), 2u);
  EXPECT_EQ(conns[1].handle, h);
  EXPECT_EQ(conns[1].entry, "Lab");
  EXPECT_EQ(after.dial(request_in("C:\\pbk\\lab.pbk", "LAB"), {}).handle, h);  // the restored one, one more reference
}

}  // namespace
}  // namespace rasbroker::sim::test
