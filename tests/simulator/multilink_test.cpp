// Multilink entries and extended errors (docs/simulator.md, "Multilink"): which link each
// callback comes from, both readings of one link's error before RASCS_Connected, a link lost
// after it, and dwExtendedError only for the four errors RAS sets it for.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "simulator/dial_steps.hpp"
#include "sim_test_util.hpp"

namespace rasbroker::sim::test {
namespace {

using S = ConnState;

// Two links, connecting in 0.95 s: 19 steps (8 states on each link, two SubEntryConnected,
// Connected), 50 ms apart.
std::string two_links(const std::string& extra = "") {
  return R"({"entries": [{"name": "Bonded", "links": 2, "connect_ms": 900, "teardown_ms": 100)" +
         (extra.empty() ? "" : ", " + extra) + "}]}";
}

class Multilink : public VirtualTime {
 protected:
  // A simulator with "Bonded" (two_links(extra)): dials it into rec_, lets the walk run to
  // its end, returns the handle.
  ras::Handle dial_bonded(const std::string& extra) {
    sim_ = std::make_unique<Simulator>(scenario(two_links(extra).c_str()));
    rec_.calls.clear();
    const auto r = sim_->dial(request("Bonded"), rec_.fn());
    EXPECT_EQ(r.error, err::kSuccess);
    settle(*sim_);
    return r.handle;
  }
  // Hangs up and polls until 6, as the broker does: the ledger is clean afterwards.
  static void hang_up_and_reap(Simulator& sim, ras::Handle h) {
    EXPECT_EQ(sim.hang_up(h), err::kSuccess);
    settle(sim);
    EXPECT_EQ(status(sim, h), err::kInvalidHandle);
    EXPECT_TRUE(sim.leak_report().clean()) << sim.leak_report().describe();
  }
  // The handle is valid and RasGetConnectStatus answers this state and dwError.
  static void expect_status(Simulator& sim, ras::Handle h, ConnState state, std::uint32_t error) {
    ras::ConnectStatus st;
    ASSERT_EQ(status(sim, h, &st), err::kSuccess);
    EXPECT_EQ(st.state, state);
    EXPECT_EQ(st.error, error);
  }
  static std::size_t listed(Simulator& sim) {
    std::vector<ras::ActiveConnection> conns;
    EXPECT_EQ(sim.enum_connections(conns), err::kSuccess);
    return conns.size();
  }

  std::unique_ptr<Simulator> sim_;
  Recorder rec_;
};

TEST_F(Multilink, EachLinkWalksTheStatesThenSubEntryConnectedThenConnected) {
  Simulator sim(scenario(two_links().c_str()));
  int notified = 0;
  sim.set_connection_notifier([&] { ++notified; });
  Recorder rec;
  const auto h = sim.dial(request("Bonded"), rec.fn()).handle;
  sim.pump();
  advance(sim, 450ms);  // step 9 of 18: both links entered AllDevicesConnected
  ASSERT_EQ(rec.calls.size(), 10u);
  EXPECT_EQ(rec.calls.back(), (Progress{h, S::AllDevicesConnected, 0, 2}));
  settle(sim);

  std::vector<Progress> expected;
  const auto& walk = dial_walk();
  for (std::size_t i = 0; i + 1 < walk.size(); ++i) {
    expected.push_back({h, walk[i], 0, 1});
    expected.push_back({h, walk[i], 0, 2});
  }
  expected.push_back({h, S::SubEntryConnected, 0, 1});
  expected.push_back({h, S::SubEntryConnected, 0, 2});
  expected.push_back({h, S::Connected, 0, 1});
  EXPECT_EQ(rec.calls, expected);
  expect_status(sim, h, S::Connected, 0);
  EXPECT_EQ(listed(sim), 1u);
  EXPECT_EQ(notified, 1);
  hang_up_and_reap(sim, h);
}

TEST_F(Multilink, ReadingAOneLinksErrorEndsTheWholeDial) {
  const auto h = dial_bonded(R"("link_error_ends_dial": true,
      "link_fail": {"sub_entry": 2, "state": "RASCS_Authenticate", "error": 691})");
  // Link 1 entered Authenticate, link 2 failed there, and nothing came after.
  ASSERT_GE(rec_.calls.size(), 2u);
  EXPECT_EQ(rec_.calls[rec_.calls.size() - 2], (Progress{h, S::Authenticate, 0, 1}));
  EXPECT_EQ(rec_.calls.back(), (Progress{h, S::Authenticate, 691, 2}));
  expect_status(*sim_, h, S::Authenticate, 691);  // the handle stays valid...
  EXPECT_EQ(listed(*sim_), 0u);
  EXPECT_FALSE(sim_->leak_report().clean());  // ...and must be hung up
  hang_up_and_reap(*sim_, h);
}

TEST_F(Multilink, ReadingBOnlyThatLinkGoesAndTheOthersConnect) {
  for (const bool status_error : {false, true}) {
    SCOPED_TRACE(status_error ? "status reports the link's error" : "status error 0");
    const auto h = dial_bonded(std::string(R"("link_error_ends_dial": false,
        "link_fail": {"sub_entry": 2, "state": "RASCS_Authenticate", "error": 691, "status_error": )") +
                               (status_error ? "true" : "false") + "}");
    const auto& calls = rec_.calls;
    const auto failed = std::find(calls.begin(), calls.end(), Progress{h, S::SubEntryDisconnected, 691, 2});
    ASSERT_NE(failed, calls.end());
    for (auto it = failed + 1; it != calls.end(); ++it) EXPECT_EQ(it->sub_entry, 1u);  // link 2 walks no further
    ASSERT_GE(calls.size(), 2u);
    EXPECT_EQ(calls[calls.size() - 2], (Progress{h, S::SubEntryConnected, 0, 1}));
    EXPECT_EQ(calls.back(), (Progress{h, S::Connected, 0, 1}));
    expect_status(*sim_, h, S::Connected, status_error ? 691 : 0);
    EXPECT_EQ(listed(*sim_), 1u);
    hang_up_and_reap(*sim_, h);
  }
}

TEST_F(Multilink, ConnectedComesFromALinkStillUp) {
  const auto h = dial_bonded(R"("link_error_ends_dial": false,
      "link_fail": {"sub_entry": 1, "state": "RASCS_ConnectDevice", "error": 678})");
  EXPECT_EQ(rec_.calls.back(), (Progress{h, S::Connected, 0, 2}));
  hang_up_and_reap(*sim_, h);
}

TEST_F(Multilink, ALinkLostAfterConnectedIsReportedAndTheConnectionStaysUp) {
  for (const char* ends_dial : {"true", "false"}) {
    SCOPED_TRACE(std::string("link_error_ends_dial ") + ends_dial);
    const std::string extra = std::string(R"("link_error_ends_dial": )") + ends_dial + R"(,
        "link_fail": {"sub_entry": 2, "after_connected": true, "error": 650, "extended_error": 5,
                      "status_error": true})";
    const auto h = dial_bonded(extra);
    ASSERT_GE(rec_.calls.size(), 2u);
    EXPECT_EQ(rec_.calls[rec_.calls.size() - 2], (Progress{h, S::Connected, 0, 1}));
    EXPECT_EQ(rec_.calls.back(), (Progress{h, S::SubEntryDisconnected, 650, 2, 5}));
    expect_status(*sim_, h, S::Connected, 650);  // status_error: RAS reports the link's error beside Connected
    EXPECT_EQ(listed(*sim_), 1u);

    // A restarted process finds it as it was: up, one link down.
    const auto snapshot = sim_->snapshot();
    EXPECT_EQ(snapshot["connections"][0]["link_down"], 2);
    EXPECT_EQ(snapshot["connections"][0]["link_error"], 650);
    Simulator next(scenario(two_links(extra).c_str()));
    next.restore(snapshot);
    expect_status(next, h, S::Connected, 650);
    EXPECT_EQ(next.snapshot()["connections"][0]["link_down"], 2);
    hang_up_and_reap(*sim_, h);
  }
}

TEST_F(Multilink, AJoiningDiallerGetsTheRestOfTheWalkWithItsLinks) {
  Simulator sim(scenario(two_links().c_str()));
  Recorder first;
  Recorder second;
  const auto h = sim.dial(request("Bonded"), first.fn()).handle;
  advance(sim, 450ms);
  EXPECT_EQ(sim.dial(request("Bonded"), second.fn()).handle, h);
  settle(sim);
  ASSERT_FALSE(second.calls.empty());
  EXPECT_EQ(second.calls.front(), (Progress{h, S::Authenticate, 0, 1}));
  EXPECT_EQ(second.calls.back(), (Progress{h, S::Connected, 0, 1}));
  EXPECT_EQ(sim.hang_up(h), err::kSuccess);
  hang_up_and_reap(sim, h);
}

TEST_F(Multilink, ExtendedErrorsOnlyWithTheFourErrorsRasSetsThemFor) {
  Simulator sim(scenario(R"({"entries": [
      {"name": "NoServer", "connect_ms": 80, "teardown_ms": 10, "fail_state": "RASCS_ConnectDevice",
       "fail_error": 650, "fail_extended_error": 5, "username": "alice", "password": "right"}]})"));
  Recorder rec;
  const auto h = sim.dial(request("NoServer"), rec.fn()).handle;
  settle(sim);
  EXPECT_EQ(rec.calls.back(), (Progress{h, S::ConnectDevice, 650, 1, 5}));
  hang_up_and_reap(sim, h);

  // Wrong credentials fail the same dial earlier, with 691 at RASCS_Authenticate: no extended error.
  Simulator auth(scenario(R"({"entries": [
      {"name": "NoServer", "connect_ms": 80, "teardown_ms": 10, "fail_state": "RASCS_Authenticated",
       "fail_error": 650, "fail_extended_error": 5, "username": "alice", "password": "right"}]})"));
  Recorder bad;
  const auto hb = auth.dial(request("NoServer", "alice", "wrong"), bad.fn()).handle;
  settle(auth);
  EXPECT_EQ(bad.calls.back(), (Progress{hb, S::Authenticate, 691, 1, 0}));
  hang_up_and_reap(auth, hb);

  for (std::uint32_t code = 600; code < 1000; ++code) {
    const bool named = code == 639 || code == 640 || code == 645 || code == 650;
    EXPECT_EQ(has_extended_error(code), named) << code;
  }
}

// As RAS does it: every link's callback from the engine's own thread, the one for a link lost
// after Connected included (run under TSan by the linux-tsan preset).
TEST(MultilinkThreaded, LinkCallbacksComeFromTheEngineThread) {
  Clock::use_real_time();
  Simulator sim(parse_scenario_text(two_links(R"("link_fail": {"sub_entry": 2, "after_connected": true,
                                                                "error": 650, "extended_error": 5})"),
                                    ""),
                SimulatorOptions{.mode = Mode::threaded});
  std::mutex mu;
  std::condition_variable cv;
  std::vector<Progress> calls;
  std::vector<std::thread::id> threads;
  const auto h = sim.dial(dial_request("Bonded"), [&](const ras::DialProgress& p) {
    std::lock_guard lock(mu);
    calls.push_back({p.handle, p.state, p.error, p.sub_entry, p.extended_error});
    threads.push_back(std::this_thread::get_id());
    cv.notify_all();
  }).handle;
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, 10s, [&] { return !calls.empty() && calls.back().error != 0; }));
    EXPECT_EQ(calls.back(), (Progress{h, S::SubEntryDisconnected, 650, 2, 5}));
    EXPECT_EQ(calls.size(), dial_step_count(sim.scenario().entries[0]) + 1);
    for (const auto id : threads) EXPECT_NE(id, std::this_thread::get_id());
  }
  EXPECT_EQ(sim.hang_up(h), err::kSuccess);
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  ras::ConnectStatus st;
  while (sim.get_connect_status(h, st) != err::kInvalidHandle && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_TRUE(sim.leak_report().clean()) << sim.leak_report().describe();
}

TEST(MultilinkScenario, DefaultsAndFullSpecification) {
  const auto single = parse_scenario_text(R"({"entries": [{"name": "A"}]})", "");
  EXPECT_EQ(single.entries[0].links, 1u);
  EXPECT_FALSE(single.entries[0].link_fail);
  EXPECT_TRUE(single.entries[0].link_error_ends_dial);
  EXPECT_EQ(single.entries[0].fail_extended_error, 0u);

  const auto full = parse_scenario_text(R"({"entries": [{"name": "A", "links": 3, "link_error_ends_dial": false,
      "link_fail": {"sub_entry": 3, "state": "RASCS_ConnectDevice", "error": 640, "extended_error": 22,
                    "status_error": true}}]})",
                                        "");
  const auto& e = full.entries[0];
  EXPECT_EQ(e.links, 3u);
  EXPECT_FALSE(e.link_error_ends_dial);
  ASSERT_TRUE(e.link_fail);
  EXPECT_EQ(e.link_fail->sub_entry, 3u);
  EXPECT_EQ(e.link_fail->state, S::ConnectDevice);
  EXPECT_EQ(e.link_fail->error, 640u);
  EXPECT_EQ(e.link_fail->extended_error, 22u);
  EXPECT_FALSE(e.link_fail->after_connected);
  EXPECT_TRUE(e.link_fail->status_error);

  const auto defaults = parse_scenario_text(R"({"entries": [{"name": "A", "links": 2,
      "link_fail": {"sub_entry": 1}}]})", "");
  EXPECT_EQ(defaults.entries[0].link_fail->state, S::Authenticate);
  EXPECT_EQ(defaults.entries[0].link_fail->error, 691u);
}

TEST(MultilinkScenario, RejectsWhatRasCouldNotDo) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"name": "A", "links": 0})", "entries[0].links: must be at least 1"},
      {R"({"name": "A", "links": 17})", "entries[0].links: must be at most 16"},
      {R"({"name": "A", "links": true})", "entries[0].links: must be a number of links"},
      {R"({"name": "A", "link_fail": {"sub_entry": 1}})",
       R"(entries[0].link_fail: needs a multilink entry ("links" of 2 or more))"},
      {R"({"name": "A", "link_error_ends_dial": false})",
       R"(entries[0].link_error_ends_dial: needs a multilink entry ("links" of 2 or more))"},
      {R"({"name": "A", "links": 2, "link_error_ends_dial": "no"})",
       "entries[0].link_error_ends_dial: must be true or false"},
      {R"({"name": "A", "links": 2, "link_fail": {"state": "RASCS_Authenticate"}})",
       "entries[0].link_fail.sub_entry: is required"},
      {R"({"name": "A", "links": 2, "link_fail": {"sub_entry": 3}})",
       "entries[0].link_fail.sub_entry: must be at most 2"},
      {R"({"name": "A", "links": 2, "link_fail": {"sub_entry": 0}})",
       "entries[0].link_fail.sub_entry: must be a link number from 1"},
      {R"({"name": "A", "links": 2, "link_fail": {"sub_entry": 2, "sub": 1}})",
       R"(entries[0].link_fail: unknown key "sub")"},
      {R"({"name": "A", "links": 2, "link_fail": {"sub_entry": 2, "state": "RASCS_Connected"}})",
       R"(entries[0].link_fail.state: "RASCS_Connected" is not a state the simulated dial passes through)"},
      {R"({"name": "A", "links": 2, "link_fail": {"sub_entry": 2, "after_connected": true,
                                                   "state": "RASCS_Authenticate"}})",
       "entries[0].link_fail.state: does not apply to a link failing after RASCS_Connected"},
      {R"({"name": "A", "links": 2, "link_fail": {"sub_entry": 2, "extended_error": 5}})",
       "entries[0].link_fail.extended_error: RAS sets an extended error only for errors 639, 640, 645 and 650, "
       "not 691"},
      {R"({"name": "A", "fail_extended_error": 5})", R"(entries[0].fail_extended_error: requires "fail_state")"},
      {R"({"name": "A", "fail_state": "RASCS_Authenticate", "fail_error": 678, "fail_extended_error": 5})",
       "entries[0].fail_extended_error: RAS sets an extended error only for errors 639, 640, 645 and 650, not 678"},
      {R"({"name": "A", "fail_state": "RASCS_Authenticate", "fail_error": 645, "fail_extended_error": 0})",
       "entries[0].fail_extended_error: must be a non-zero error code"},
  };
  for (const auto& [entry, message] : cases) {
    try {
      parse_scenario(nlohmann::json::parse(R"({"entries": [)" + entry + "]}"));
      ADD_FAILURE() << "accepted: " << entry;
    } catch (const ScenarioError& e) {
      EXPECT_EQ(std::string(e.what()).rfind(message, 0), 0u) << e.what() << "\nexpected: " << message;
    }
  }
}

}  // namespace
}  // namespace rasbroker::sim::test
