// Threaded mode with the real clock: callbacks arrive from the simulator's thread.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "sim_test_util.hpp"

namespace rasbroker::sim::test {
namespace {

TEST(ThreadedSimulator, DialConnectHangUpReapWithRealClock) {
  Clock::use_real_time();
  Simulator sim(parse_scenario_text(R"({"entries": [{"name": "Quick", "connect_ms": 20, "teardown_ms": 20}]})", ""),
                SimulatorOptions{.mode = Mode::threaded});

  std::mutex mu;
  std::condition_variable cv;
  bool connected = false;
  bool notified = false;
  std::thread::id callback_thread;
  std::vector<ConnState> states;
  sim.set_connection_notifier([&] {
    std::lock_guard lock(mu);
    notified = true;
    cv.notify_all();
  });
  const auto r = sim.dial(dial_request("Quick"), [&](const ras::DialProgress& p) {
    ras::ConnectStatus st;
    EXPECT_EQ(sim.get_connect_status(p.handle, st), ras::err::kSuccess);  // calling back in is allowed
    std::lock_guard lock(mu);
    EXPECT_EQ(p.error, 0u);
    states.push_back(p.state);
    callback_thread = std::this_thread::get_id();
    if (p.state == ConnState::Connected) connected = true;
    cv.notify_all();
  });
  ASSERT_EQ(r.error, ras::err::kSuccess);
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, 10s, [&] { return connected && notified; }));
    EXPECT_NE(callback_thread, std::this_thread::get_id());
    EXPECT_EQ(states, dial_walk());
  }

  ASSERT_EQ(sim.hang_up(r.handle), ras::err::kSuccess);
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  ras::ConnectStatus st;
  std::uint32_t rc = ras::err::kSuccess;
  while ((rc = sim.get_connect_status(r.handle, st)) == ras::err::kSuccess &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(2ms);
  }
  EXPECT_EQ(rc, ras::err::kInvalidHandle);
  EXPECT_TRUE(sim.leak_report().clean()) << sim.leak_report().describe();
}

// Several threads dial, poll, enumerate and hang up at once while the event thread fires
// callbacks that call back in (a TSan target); every handle ends reaped.
TEST(ThreadedSimulator, ConcurrentCallersLeaveACleanLedger) {
  Clock::use_real_time();
  Simulator sim(parse_scenario_text(R"({"entries": [
      {"name": "E0", "connect_ms": 2, "teardown_ms": 1}, {"name": "E1", "connect_ms": 3, "teardown_ms": 2},
      {"name": "E2", "connect_ms": 1, "teardown_ms": 1, "fail_state": "RASCS_Authenticate"},
      {"name": "Shared", "connect_ms": 2, "teardown_ms": 1}],
      "notifications": {"drop_every": 3}})", ""),
                SimulatorOptions{.mode = Mode::threaded, .enum_initial_capacity = 0});
  std::atomic<int> notified{0};
  sim.set_connection_notifier([&] { ++notified; });

  const auto worker = [&](const std::string& entry) {
    for (int round = 0; round < 10; ++round) {
      // Shared: a callback of a shared walk may still be in flight after this round ends.
      auto done = std::make_shared<std::atomic<bool>>(false);
      const auto r = sim.dial(dial_request(entry), [&sim, done](const ras::DialProgress& p) {
        ras::ConnectStatus st;
        sim.get_connect_status(p.handle, st);
        if (p.state == ConnState::Connected || p.error != 0) *done = true;
      });
      ASSERT_EQ(r.error, ras::err::kSuccess);
      const auto deadline = std::chrono::steady_clock::now() + 10s;
      ras::ConnectStatus st;
      // A duplicate dial of a connected entry gets one Connected callback; one that joined a
      // walk gets the rest; poll as a backstop either way.
      while (!*done && std::chrono::steady_clock::now() < deadline) {
        if (sim.get_connect_status(r.handle, st) == ras::err::kSuccess &&
            (st.state == ConnState::Connected || st.error != 0)) {
          break;
        }
        std::this_thread::sleep_for(1ms);
      }
      std::vector<ras::ActiveConnection> conns;
      EXPECT_EQ(sim.enum_connections(conns), ras::err::kSuccess);
      EXPECT_EQ(sim.hang_up(r.handle), ras::err::kSuccess);
      while (sim.get_connect_status(r.handle, st) == ras::err::kSuccess &&
             std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(1ms);
      }
    }
  };
  std::vector<std::thread> threads;
  for (const char* e : {"E0", "E1", "E2", "Shared", "Shared"}) threads.emplace_back(worker, e);
  for (auto& t : threads) t.join();
  const auto report = sim.leak_report();
  EXPECT_TRUE(report.clean()) << report.describe();
  EXPECT_EQ(sim.stats().dial_calls, 50u);
}

TEST(ThreadedSimulator, DestructorStopsPendingWork) {
  Clock::use_real_time();
  auto sim = std::make_unique<Simulator>(
      parse_scenario_text(R"({"entries": [{"name": "Slow", "connect_ms": 60000}]})", ""),
      SimulatorOptions{.mode = Mode::threaded});
  sim->dial(dial_request("Slow"), [](const ras::DialProgress&) {});
  EXPECT_EQ(sim->pump(), 0u);  // threaded mode: pump() does nothing
  sim.reset();                 // joins promptly although events are pending
}

}  // namespace
}  // namespace rasbroker::sim::test
