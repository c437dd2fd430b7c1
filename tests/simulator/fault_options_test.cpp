// The simulator's fault options that exist for the RAS-fault suite (tests/broker/ras_faults_*)
// and the deterministic simulation: RasHangUp answering 668 in both readings (hang_up_668), and
// RasEnumConnections racing with new connections (enum_race). docs/simulator.md, fidelity table.
#include "sim_test_util.hpp"

namespace rasbroker::sim::test {
namespace {

using HangUp668Test = VirtualTime;

// Dials `entry`, lets it connect and hangs it up; returns the handle and RasHangUp's answer.
std::pair<ras::Handle, std::uint32_t> connect_and_hang_up(Simulator& sim, const char* entry) {
  const auto h = sim.dial(dial_request(entry), {}).handle;
  Clock::advance(1s);
  sim.pump();
  return {h, sim.hang_up(h)};
}

TEST_F(HangUp668Test, ThenTeardownAnswers668YetTearsDownAsUsual) {
  Simulator sim(scenario(R"({"entries": [{"name": "A", "connect_ms": 0, "teardown_ms": 2000,
                                          "hang_up_668": "then_teardown"}]})"));
  const auto [h, rc] = connect_and_hang_up(sim, "A");
  EXPECT_EQ(rc, err::kNoConnection);
  ras::ConnectStatus st;
  ASSERT_EQ(status(sim, h, &st), err::kSuccess);  // still tearing down
  EXPECT_EQ(st.state, ConnState::Disconnected);
  EXPECT_FALSE(sim.leak_report().clean());  // not reaped yet
  advance(sim, 2s);
  EXPECT_EQ(status(sim, h), err::kInvalidHandle);
  EXPECT_TRUE(sim.leak_report().clean()) << sim.leak_report().describe();
  EXPECT_EQ(sim.stats().hang_up_no_connection, 1u);
}

TEST_F(HangUp668Test, AlreadyGoneAnswers668AndTheHandleIsGoneAtOnce) {
  Simulator sim(scenario(R"({"entries": [{"name": "A", "connect_ms": 0, "teardown_ms": 2000,
                                          "hang_up_668": "already_gone"}]})"));
  int notified = 0;
  sim.set_connection_notifier([&] { ++notified; });
  const auto [h, rc] = connect_and_hang_up(sim, "A");
  EXPECT_EQ(rc, err::kNoConnection);
  EXPECT_FALSE(sim.leak_report().clean());  // the status poll still owes its 6
  EXPECT_EQ(status(sim, h), err::kInvalidHandle);
  EXPECT_TRUE(sim.leak_report().clean()) << sim.leak_report().describe();
  sim.pump();
  EXPECT_EQ(notified, 2);  // connected, then the end of the connection
  EXPECT_EQ(sim.hang_up(h), err::kInvalidHandle);  // a second RasHangUp: the handle is gone
}

TEST_F(HangUp668Test, ADialInProgressAndASharedConnectionFollowTheReadingToo) {
  Simulator sim(scenario(R"({"entries": [{"name": "A", "connect_ms": 5000, "hang_up_668": "already_gone"}]})"));
  const auto h = sim.dial(request("A"), {}).handle;
  ASSERT_EQ(sim.dial(request("A"), {}).handle, h);  // a second reference
  advance(sim, 1s);
  EXPECT_EQ(sim.hang_up(h), err::kSuccess);  // one reference left: the connection goes on
  EXPECT_EQ(sim.hang_up(h), err::kNoConnection);
  EXPECT_EQ(status(sim, h), err::kInvalidHandle);
  EXPECT_TRUE(sim.leak_report().clean()) << sim.leak_report().describe();
}

TEST_F(HangUp668Test, ByDefaultRasHangUpAnswersZero) {
  Simulator sim(scenario(R"({"entries": [{"name": "A", "connect_ms": 0}]})"));
  EXPECT_EQ(connect_and_hang_up(sim, "A").second, err::kSuccess);
  EXPECT_EQ(sim.stats().hang_up_no_connection, 0u);
}

using EnumRaceTest = VirtualTime;

TEST_F(EnumRaceTest, EachTooSmallAnswerIsFollowedByTheNextEntryConnecting) {
  Simulator sim(scenario(R"({"entries": [{"name": "A"}, {"name": "B"}, {"name": "C"}],
                             "connected": ["A"], "enum_race": ["B", "C"]})"));
  // The size call, then the fill call sized by its answer: too small again, twice.
  std::size_t count = 0;
  ASSERT_EQ(sim.enum_connections_raw(nullptr, count), err::kBufferTooSmall);
  EXPECT_EQ(count, 1u);
  std::vector<ras::ActiveConnection> buffer(count);
  ASSERT_EQ(sim.enum_connections_raw(buffer.data(), count), err::kBufferTooSmall);
  EXPECT_EQ(count, 2u);  // B appeared after the first answer; C appears after this one
  buffer.resize(count);
  ASSERT_EQ(sim.enum_connections_raw(buffer.data(), count), err::kBufferTooSmall);
  EXPECT_EQ(count, 3u);
  buffer.resize(count);
  ASSERT_EQ(sim.enum_connections_raw(buffer.data(), count), err::kSuccess);
  ASSERT_EQ(count, 3u);
  EXPECT_EQ(buffer[1].entry, "B");
  EXPECT_EQ(buffer[2].entry, "C");
  // Dialled by someone else: the scenario's default dialler, not the calling account.
  EXPECT_EQ(buffer[2].logon_user, kScenarioDiallerAccount);
  EXPECT_EQ(buffer[2].flags & ras::conn_flags::kOwnerMatch, 0u);
  EXPECT_EQ(sim.stats().enum_race_connections, 2u);
  EXPECT_TRUE(sim.leak_report().clean()) << sim.leak_report().describe();  // not ours to hang up
}

TEST_F(EnumRaceTest, TheLoopingCallerGivesUpWith603AfterItsAttemptsAndSucceedsNextTime) {
  SimulatorOptions options;
  options.enum_max_attempts = 3;
  Simulator sim(scenario(R"({"entries": [{"name": "A"}, {"name": "B"}, {"name": "C"}, {"name": "D"},
                                         {"name": "E"}],
                             "connected": ["A", "B"], "enum_race": ["C", "D", "E"]})"),
                options);
  std::vector<ras::ActiveConnection> conns;
  EXPECT_EQ(sim.enum_connections(conns), err::kBufferTooSmall);  // three calls, three races
  EXPECT_TRUE(conns.empty());
  ASSERT_EQ(sim.enum_connections(conns), err::kSuccess);
  EXPECT_EQ(conns.size(), 5u);
}

TEST_F(EnumRaceTest, AnEntryThatAlreadyHasAConnectionIsUsedUpWithoutANewOne) {
  Simulator sim(scenario(R"({"entries": [{"name": "A", "connect_ms": 0}, {"name": "B", "connect_ms": 0}],
                             "enum_race": ["A"]})"));
  sim.dial(request("A"), {});
  sim.dial(request("B"), {});
  sim.pump();
  std::size_t count = 0;
  ASSERT_EQ(sim.enum_connections_raw(nullptr, count), err::kBufferTooSmall);
  std::vector<ras::ActiveConnection> buffer(count);
  EXPECT_EQ(sim.enum_connections_raw(buffer.data(), count), err::kSuccess);
  EXPECT_EQ(sim.stats().enum_race_connections, 0u);
}

TEST(FaultOptionsScenario, KeysAreValidated) {
  const auto error = [](const char* text) -> std::string {
    try {
      parse_scenario_text(text, "");
    } catch (const ScenarioError& e) {
      return e.what();
    }
    return "accepted";
  };
  EXPECT_EQ(error(R"({"entries": [{"name": "A", "hang_up_668": "sometimes"}]})"),
            "entries[0].hang_up_668: unknown reading \"sometimes\" (one of never, then_teardown, already_gone)");
  EXPECT_EQ(error(R"({"entries": [{"name": "A"}], "enum_race": "A"})"), "enum_race: must be an array of entry names");
  EXPECT_EQ(error(R"({"entries": [{"name": "A"}], "enum_race": ["B"]})"), "enum_race[0]: no entry named \"B\"");
  EXPECT_EQ(error(R"({"entries": [{"name": "A"}], "enum_race": ["A", "a"]})"),
            "enum_race[1]: entry \"a\" listed twice");
  EXPECT_EQ(error(R"({"entries": [{"name": "A"}], "connected": ["A"], "enum_race": ["A"]})"),
            "enum_race[0]: entry \"A\" is already in \"connected\"");
  const auto s = parse_scenario_text(R"({"entries": [{"name": "Office VPN", "hang_up_668": "already_gone"}],
                                         "enum_race": ["office vpn"]})", "");
  EXPECT_EQ(s.entries[0].hang_up_668, HangUp668::already_gone);
  EXPECT_EQ(s.enum_race, std::vector<std::string>{"Office VPN"});  // the entry's own spelling
  EXPECT_EQ(parse_scenario_text(R"({"entries": [{"name": "A"}]})", "").entries[0].hang_up_668, HangUp668::never);
}

}  // namespace
}  // namespace rasbroker::sim::test
