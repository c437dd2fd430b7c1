// RasConnectionNotification for one connection (RASCN_Disconnection with its handle): "hEvent
// is signaled when the hrasconn connection is terminated", in both of the simulator's readings
// (notifications.one_connection): once the teardown has ended, or as it starts.
#include "sim_test_util.hpp"

namespace rasbroker::sim::test {
namespace {

class OneConnectionSignal : public VirtualTime {
 protected:
  // "A" tears down in 500 ms; `reading` is the scenario's notifications.one_connection.
  static Scenario two_entries(const std::string& reading) {
    return parse_scenario_text(R"({"entries": [{"name": "A", "connect_ms": 0, "teardown_ms": 500},
        {"name": "B", "connect_ms": 0, "drop_after_ms": 1000}],
        "notifications": {"one_connection": ")" + reading + R"("}})",
                               "");
  }
};

TEST_F(OneConnectionSignal, ComesOnceTheTeardownHasEndedByDefault) {
  Simulator sim(two_entries("teardown_ended"));
  const auto h = sim.dial(dial_request("A"), {}).handle;
  sim.pump();
  int signalled = 0;
  ASSERT_EQ(sim.watch_termination(h, [&] { ++signalled; }), err::kSuccess);
  ASSERT_EQ(sim.hang_up(h), err::kSuccess);
  advance(sim, 499ms);
  EXPECT_EQ(signalled, 0);
  ras::ConnectStatus st;
  EXPECT_EQ(sim.get_connect_status(h, st), err::kSuccess);  // still tearing down
  advance(sim, 1ms);
  EXPECT_EQ(signalled, 1);
  EXPECT_EQ(sim.get_connect_status(h, st), err::kInvalidHandle);  // over when signalled (DotRas #80)
  settle(sim);
  EXPECT_EQ(signalled, 1);  // once
  EXPECT_EQ(sim.stats().terminations_delivered, 1u);
  // RAS no longer knows the handle: nothing to register.
  EXPECT_EQ(sim.watch_termination(h, [&] { ++signalled; }), err::kInvalidHandle);
  EXPECT_TRUE(sim.leak_report().clean()) << sim.leak_report().describe();
}

TEST_F(OneConnectionSignal, ComesAsTheTeardownStartsInTheOtherReading) {
  Simulator sim(two_entries("hang_up"));
  const auto h = sim.dial(dial_request("A"), {}).handle;
  sim.pump();
  int signalled = 0;
  ASSERT_EQ(sim.watch_termination(h, [&] { ++signalled; }), err::kSuccess);
  ASSERT_EQ(sim.hang_up(h), err::kSuccess);
  sim.pump();
  EXPECT_EQ(signalled, 1);
  ras::ConnectStatus st;
  EXPECT_EQ(sim.get_connect_status(h, st), err::kSuccess);  // the teardown goes on
  // A registration made during the teardown is never signalled: the signal was at its start.
  int late = 0;
  ASSERT_EQ(sim.watch_termination(h, [&] { ++late; }), err::kSuccess);
  settle(sim);
  EXPECT_EQ(signalled, 1);
  EXPECT_EQ(late, 0);
  EXPECT_EQ(sim.get_connect_status(h, st), err::kInvalidHandle);
  EXPECT_TRUE(sim.leak_report().clean()) << sim.leak_report().describe();
}

TEST_F(OneConnectionSignal, ADropEndsTheConnectionInBothReadings) {
  for (const char* reading : {"teardown_ended", "hang_up"}) {
    Simulator sim(two_entries(reading));
    const auto h = sim.dial(dial_request("B"), {}).handle;
    sim.pump();
    int signalled = 0;
    ASSERT_EQ(sim.watch_termination(h, [&] { ++signalled; }), err::kSuccess);
    advance(sim, 1000ms);  // drop_after_ms
    EXPECT_EQ(signalled, 1) << reading;
    sim.hang_up(h);  // the RasDial's RasHangUp is still owed
    settle(sim);
    EXPECT_EQ(signalled, 1) << reading;
    EXPECT_TRUE(sim.leak_report().clean()) << sim.leak_report().describe();
  }
}

TEST_F(OneConnectionSignal, OnlyThatConnectionIsSignalledAndUnwatchingDropsIt) {
  Simulator sim(two_entries("teardown_ended"));
  const auto a = sim.dial(dial_request("A"), {}).handle;
  const auto b = sim.dial(dial_request("B"), {}).handle;
  sim.pump();
  int a_signals = 0, b_signals = 0;
  ASSERT_EQ(sim.watch_termination(a, [&] { ++a_signals; }), err::kSuccess);
  ASSERT_EQ(sim.watch_termination(b, [&] { ++b_signals; }), err::kSuccess);
  sim.unwatch_termination(b);
  sim.hang_up(a);
  sim.hang_up(b);
  settle(sim);
  EXPECT_EQ(a_signals, 1);
  EXPECT_EQ(b_signals, 0);
  ras::ConnectStatus st;
  for (auto h : {a, b}) EXPECT_EQ(sim.get_connect_status(h, st), err::kInvalidHandle);  // reaped
  EXPECT_TRUE(sim.leak_report().clean()) << sim.leak_report().describe();
}

TEST_F(OneConnectionSignal, IsMissedLikeTheNotifierButCountedApart) {
  Simulator sim(parse_scenario_text(R"({"entries": [{"name": "A", "connect_ms": 0, "teardown_ms": 0}],
      "notifications": {"drop_every": 2}})", ""));
  int signalled = 0;
  for (int i = 0; i < 4; ++i) {
    const auto h = sim.dial(dial_request("A"), {}).handle;
    sim.pump();
    ASSERT_EQ(sim.watch_termination(h, [&] { ++signalled; }), err::kSuccess);
    sim.hang_up(h);
    settle(sim);
    ras::ConnectStatus st;
    EXPECT_EQ(sim.get_connect_status(h, st), err::kInvalidHandle);  // reaped
  }
  EXPECT_EQ(signalled, 2);  // the second and fourth were missed
  const auto s = sim.stats();
  EXPECT_EQ(s.terminations_signalled, 4u);
  EXPECT_EQ(s.terminations_missed, 2u);
  EXPECT_TRUE(sim.leak_report().clean()) << sim.leak_report().describe();
}

}  // namespace
}  // namespace rasbroker::sim::test
