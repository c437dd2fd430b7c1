// Snapshot, restore and the change hook: what the rasapi32.dll stand-in builds its state
// file on (a killed and restarted process must find its connections again).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "sim_test_util.hpp"

namespace rasbroker::sim::test {
namespace {

class SimulatorState : public VirtualTime {
 protected:
  static constexpr const char* kScenario = R"({"entries": [
      {"name": "Up", "connect_ms": 100, "teardown_ms": 1000},
      {"name": "Slow", "connect_ms": 10000, "teardown_ms": 500},
      {"name": "Leaving", "connect_ms": 100, "teardown_ms": 1000},
      {"name": "Flaky", "connect_ms": 0, "drop_after_ms": 1000, "drop_mode": "disconnected_state"},
      {"name": "Broken", "connect_ms": 100, "fail_state": "RASCS_Authenticate", "fail_error": 691}],
      "connected": ["Up"]})";

  static std::vector<ras::Handle> enumerated(Simulator& sim) {
    std::vector<ras::ActiveConnection> conns;
    EXPECT_EQ(sim.enum_connections(conns), err::kSuccess);
    std::vector<ras::Handle> out;
    for (const auto& c : conns) out.push_back(c.handle);
    return out;
  }
  static void reap(Simulator& sim, ras::Handle h) {
    for (int i = 0; i < 100 && status(sim, h) == err::kSuccess; ++i) advance(sim, 100ms);
    EXPECT_EQ(status(sim, h), err::kInvalidHandle);
  }
};

TEST_F(SimulatorState, ChangeHookRunsAfterChangesButNotAfterPlainReads) {
  Simulator sim(scenario(kScenario));
  int changes = 0;
  sim.set_change_hook([&] { ++changes; });

  const auto r = sim.dial(request("Leaving"), {});
  ASSERT_EQ(r.error, err::kSuccess);
  EXPECT_EQ(changes, 1);
  settle(sim);
  const int after_connect = changes;
  EXPECT_GT(after_connect, 1);  // every state of the walk is a change

  ras::ConnectStatus st;
  std::vector<ras::ActiveConnection> conns;
  std::vector<ras::PhonebookEntry> entries;
  sim.get_connect_status(r.handle, st);
  sim.enum_connections(conns);
  sim.enum_entries("", entries);
  EXPECT_EQ(changes, after_connect);

  EXPECT_EQ(sim.dial(request("Nope"), {}).error, err::kCannotFindPhonebookEntry);
  EXPECT_EQ(changes, after_connect);

  ASSERT_EQ(sim.hang_up(r.handle), err::kSuccess);
  EXPECT_EQ(changes, after_connect + 1);
  advance(sim, 1000ms);  // teardown completes
  EXPECT_EQ(changes, after_connect + 2);
  EXPECT_EQ(status(sim, r.handle), err::kInvalidHandle);  // reaped: the ledger changed
  EXPECT_EQ(changes, after_connect + 3);
  EXPECT_EQ(status(sim, r.handle), err::kInvalidHandle);  // nothing new
  EXPECT_EQ(changes, after_connect + 3);

  sim.set_change_hook({});
  sim.dial(request("Leaving"), {});
  EXPECT_EQ(changes, after_connect + 3);
}

TEST_F(SimulatorState, ChangeHookMayTakeASnapshot) {
  Simulator sim(scenario(kScenario));
  nlohmann::json last;
  sim.set_change_hook([&] { last = sim.snapshot(); });
  const auto r = sim.dial(request("Leaving"), {});
  ASSERT_FALSE(last.is_null());
  const auto& conns = last["connections"];
  EXPECT_TRUE(std::any_of(conns.begin(), conns.end(), [&](const nlohmann::json& c) {
    return c["handle"] == r.handle && c["phase"] == "dialing";
  }));
}

// A process killed right after hearing RASCS_Connected must leave a state that says so:
// RAS's state (RasMan's) changes before the dialler is told.
TEST_F(SimulatorState, TheHookSeesAStateBeforeTheDiallerHearsOfIt) {
  Simulator sim(scenario(kScenario));
  nlohmann::json last;
  sim.set_change_hook([&] { last = sim.snapshot(); });
  std::vector<std::string> heard, saved;
  const auto r = sim.dial(request("Leaving"), [&](const ras::DialProgress& p) {
    heard.push_back(ras::state_name(p.state));
    for (const auto& c : last["connections"]) {
      if (c["handle"] == p.handle) saved.push_back(c["state"].get<std::string>());
    }
  });
  ASSERT_EQ(r.error, err::kSuccess);
  settle(sim);
  ASSERT_FALSE(heard.empty());
  EXPECT_EQ(heard.back(), "RASCS_Connected");
  EXPECT_EQ(saved, heard);
}

TEST_F(SimulatorState, RestoreCarriesLiveConnectionsIntoANewProcess) {
  Simulator before(scenario(kScenario));
  const auto up = enumerated(before).at(0);                  // external, from "connected"
  const auto leaving = before.dial(request("Leaving"), {}).handle;
  settle(before);
  const auto slow = before.dial(request("Slow"), {}).handle;  // still dialling at the "kill"
  advance(before, 100ms);
  ASSERT_EQ(before.hang_up(leaving), err::kSuccess);
  advance(before, 400ms);  // 600 ms of teardown left

  // Through text, as the state file does.
  const auto state = nlohmann::json::parse(before.snapshot().dump());
  EXPECT_EQ(state["version"], 1);

  Simulator after(scenario(kScenario));
  after.restore(state);
  EXPECT_EQ(enumerated(after), std::vector<ras::Handle>{up});  // no second external "Up"

  ras::ConnectStatus st;
  ASSERT_EQ(status(after, leaving, &st), err::kSuccess);
  EXPECT_EQ(st.state, ConnState::Disconnected);
  ASSERT_EQ(status(after, slow, &st), err::kSuccess);  // abandoned dial: tearing down
  EXPECT_EQ(st.state, ConnState::Disconnected);

  advance(after, 599ms);
  EXPECT_EQ(status(after, leaving), err::kSuccess);
  advance(after, 2ms);
  EXPECT_EQ(status(after, leaving), err::kInvalidHandle);  // the rest of the teardown only

  // Handles stay unique across the restart.
  const auto fresh = after.dial(request("Leaving"), {}).handle;
  EXPECT_GT(fresh, std::max({up, leaving, slow}));

  // The new process adopts "Up", hangs up and reaps everything; only the dial the killed
  // process abandoned mid-way stays a leak (AbandonedMidDialIsALeak).
  ASSERT_EQ(after.hang_up(up), err::kSuccess);
  ASSERT_EQ(after.hang_up(fresh), err::kSuccess);
  reap(after, up);
  reap(after, fresh);
  reap(after, slow);
  const auto report = after.leak_report();
  ASSERT_EQ(report.problems.size(), 1u) << report.describe();
  EXPECT_EQ(report.problems.front().handle, slow);
}

// A process that exits while its dial is still in progress may leave the port
// inconsistent (RasHangUp's remarks, docs/ras-rules.md#teardown): nobody releases that
// reference, and the leak report says so. A dial that had failed, or a link that had
// dropped, reached the end of its state machine: exiting then is allowed, and RAS
// releases what the process held.
TEST_F(SimulatorState, AbandonedMidDialIsALeak) {
  Simulator before(scenario(kScenario));
  const auto slow = before.dial(request("Slow"), {}).handle;
  const auto broken = before.dial(request("Broken"), {}).handle;
  const auto flaky = before.dial(request("Flaky"), {}).handle;
  advance(before, 1500ms);
  const auto state = nlohmann::json::parse(before.snapshot().dump());
  const auto phase_of = [&](ras::Handle h) {
    for (const auto& c : state["connections"])
      if (c["handle"] == h) return c["phase"].get<std::string>();
    return std::string("(none)");
  };
  ASSERT_EQ(phase_of(slow), "dialing");
  ASSERT_EQ(phase_of(broken), "failed");
  ASSERT_EQ(phase_of(flaky), "dropped");

  Simulator after(scenario(kScenario));
  after.restore(state);  // the process exits; a new one starts
  for (const auto h : {slow, broken, flaky}) reap(after, h);  // every abandoned connection tears down
  const auto report = after.leak_report();
  ASSERT_EQ(report.problems.size(), 1u) << report.describe();
  EXPECT_EQ(report.problems.front().handle, slow);
  EXPECT_EQ(report.problems.front().problem, "1 of 1 dial reference(s) never hung up");
}

// The process that takes over a dial abandoned mid-way (the broker, from its journal)
// hangs it up: that RasHangUp pays the reference the killed process owed.
TEST_F(SimulatorState, TheNextProcessCanHangUpADialAbandonedMidWay) {
  Simulator before(scenario(kScenario));
  const auto slow = before.dial(request("Slow"), {}).handle;
  advance(before, 100ms);
  Simulator after(scenario(kScenario));
  after.restore(nlohmann::json::parse(before.snapshot().dump()));
  EXPECT_FALSE(after.leak_report().clean());
  EXPECT_EQ(after.hang_up(slow), err::kSuccess);  // tearing down already: 0
  reap(after, slow);
  EXPECT_TRUE(after.leak_report().clean()) << after.leak_report().describe();
  EXPECT_EQ(after.hang_up(slow), err::kInvalidHandle);  // gone
}

// A link that dropped in invalid_handle mode was unknown to RAS before the process
// exited (DotRas issue #80): after a restart it still answers 6 at once, never
// RASCS_Disconnected while a teardown runs.
TEST_F(SimulatorState, ADropThatKilledTheHandleStaysKilledAcrossARestart) {
  constexpr const char* kVanishing =
      R"({"entries": [{"name": "Vanishing", "connect_ms": 0, "drop_after_ms": 1000, "teardown_ms": 2000}]})";
  Simulator before(scenario(kVanishing));
  const auto h = before.dial(request("Vanishing"), {}).handle;
  advance(before, 1500ms);
  ASSERT_EQ(status(before, h), err::kInvalidHandle);
  Simulator after(scenario(kVanishing));
  after.restore(nlohmann::json::parse(before.snapshot().dump()));
  EXPECT_EQ(status(after, h), err::kInvalidHandle);
  EXPECT_TRUE(after.leak_report().clean()) << after.leak_report().describe();
}

TEST_F(SimulatorState, LedgerSurvivesSoLeaksOfTheKilledProcessStayVisible) {
  Simulator before(scenario(kScenario));
  const auto h = before.dial(request("Leaving"), {}).handle;
  settle(before);
  Simulator after(scenario(kScenario));
  after.restore(before.snapshot());
  // Still connected and never hung up by anyone: the dial reference is outstanding.
  EXPECT_FALSE(after.leak_report().clean());
  ASSERT_EQ(after.hang_up(h), err::kSuccess);
  reap(after, h);
  EXPECT_TRUE(after.leak_report().clean()) << after.leak_report().describe();
}

TEST_F(SimulatorState, DropTimerResumesWithTheTimeThatWasLeft) {
  Simulator before(scenario(kScenario));
  const auto h = before.dial(request("Flaky"), {}).handle;
  before.pump();  // connect_ms 0: connected now, the drop is due in 1000 ms
  advance(before, 400ms);
  Simulator after(scenario(kScenario));
  after.restore(before.snapshot());
  advance(after, 599ms);
  EXPECT_EQ(enumerated(after).size(), 2u);  // "Up" and "Flaky"
  advance(after, 2ms);
  ras::ConnectStatus st;
  ASSERT_EQ(status(after, h, &st), err::kSuccess);
  EXPECT_EQ(st.state, ConnState::Disconnected);
  EXPECT_EQ(st.error, err::kRemoteDisconnection);
}

// Threaded mode: hooks run on the event thread and the caller's, possibly at once. A
// writer that snapshots inside its own lock (as the DLL's state file writer does) always
// ends with the latest state.
TEST(SimulatorStateThreaded, LastHookCallSeesTheFinalState) {
  Clock::use_real_time();
  Simulator sim(parse_scenario_text(R"({"entries": [{"name": "Q", "connect_ms": 5, "teardown_ms": 5}]})", ""),
                SimulatorOptions{.mode = Mode::threaded});
  std::mutex mu;
  nlohmann::json last;
  sim.set_change_hook([&] {
    std::lock_guard lock(mu);
    last = sim.snapshot();
  });
  const auto h = sim.dial(dial_request("Q"), {}).handle;
  ras::ConnectStatus st;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while ((sim.get_connect_status(h, st) != err::kSuccess || st.state != ConnState::Connected) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);
  }
  ASSERT_EQ(sim.hang_up(h), err::kSuccess);
  while (sim.get_connect_status(h, st) == err::kSuccess && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);
  }
  std::lock_guard lock(mu);
  ASSERT_EQ(last["ledger"].size(), 1u);
  EXPECT_EQ(last["ledger"][0]["reaped"], true);
  EXPECT_EQ(last["connections"][0]["phase"], "gone");
}

TEST_F(SimulatorState, InvalidStateIsRejectedAndChangesNothing) {
  Simulator sim(scenario(kScenario));
  const auto before = sim.snapshot();
  auto state = before;
  state["connections"][0]["entry"] = "Not in the scenario";
  try {
    sim.restore(state);
    FAIL() << "restore accepted an unknown entry";
  } catch (const StateError& e) {
    EXPECT_STREQ(e.what(), "connections[0].entry: no entry named \"Not in the scenario\" in the scenario");
  }
  EXPECT_THROW(sim.restore(nlohmann::json::array()), StateError);
  EXPECT_THROW(sim.restore({{"version", 2}}), StateError);
  EXPECT_EQ(sim.snapshot(), before);
}

}  // namespace
}  // namespace rasbroker::sim::test
