// The simulator in manual mode under virtual time.
#include <string>

#include "sim_test_util.hpp"

namespace rasbroker::sim::test {
namespace {

constexpr const char* kBasic = R"({"entries": [
  {"name": "Office VPN", "connect_ms": 800, "teardown_ms": 1500},
  {"name": "Lab", "phonebook": "C:\\pbk\\lab.pbk", "connect_ms": 0, "teardown_ms": 100},
  {"name": "Secure", "connect_ms": 80, "teardown_ms": 10, "username": "alice", "password": "secret",
   "saved_credentials": {"for": "all_users", "username": "alice", "password": "secret"}},
  {"name": "Broken", "connect_ms": 80, "teardown_ms": 10, "fail_state": "RASCS_ConnectDevice", "fail_error": 678},
  {"name": "Flaky", "connect_ms": 80, "teardown_ms": 10, "drop_after_ms": 5000, "drop_mode": "disconnected_state"},
  {"name": "Stuck", "connect_ms": 0, "teardown_never": true},
  {"name": "Branch VPN", "connect_ms": 0, "teardown_ms": 10, "drop_mode": "disconnected_state"}],
  "connected": ["Branch VPN"]})";

class SimulatorTest : public VirtualTime {};

TEST_F(SimulatorTest, DialWalksStatesInOrderAndStopsAtConnected) {
  Simulator sim(scenario(kBasic));
  int notified = 0;
  sim.set_connection_notifier([&] { ++notified; });
  Recorder rec;
  const auto r = sim.dial(request("Office VPN"), rec.fn());
  ASSERT_EQ(r.error, err::kSuccess);
  ASSERT_NE(r.handle, ras::kNullHandle);
  EXPECT_TRUE(rec.calls.empty());  // nothing happens before pump()

  ras::ConnectStatus st;
  EXPECT_EQ(sim.pump(), 1u);
  EXPECT_EQ(rec.calls.back(), (Progress{r.handle, ConnState::OpenPort, 0}));
  advance(sim, 400ms);
  ASSERT_EQ(status(sim, r.handle, &st), err::kSuccess);
  EXPECT_EQ(st.state, ConnState::AllDevicesConnected);  // step 4 of 8, 100 ms apart
  std::vector<ras::ActiveConnection> conns;
  ASSERT_EQ(sim.enum_connections(conns), err::kSuccess);
  EXPECT_EQ(conns.size(), 1u);  // only Branch VPN: a dialling connection is not listed
  EXPECT_EQ(notified, 0);

  advance(sim, 400ms);
  EXPECT_EQ(rec.states(), dial_walk());
  for (const auto& c : rec.calls) EXPECT_EQ(c.error, 0u);
  ASSERT_EQ(status(sim, r.handle, &st), err::kSuccess);
  EXPECT_EQ(st.state, ConnState::Connected);
  EXPECT_EQ(st.device_type, "vpn");
  EXPECT_EQ(st.device_name, "WAN Miniport (IKEv2)");
  EXPECT_EQ(notified, 1);
  settle(sim);
  EXPECT_EQ(rec.calls.size(), dial_walk().size());  // nothing after Connected
  EXPECT_FALSE(sim.leak_report().clean());           // dialled, never hung up
}

TEST_F(SimulatorTest, FailureKeepsHandleValidWithErrorUntilHungUp) {
  Simulator sim(scenario(kBasic));
  Recorder rec;
  const auto h = sim.dial(request("Broken"), rec.fn()).handle;
  ASSERT_NE(h, ras::kNullHandle);
  settle(sim);
  ASSERT_EQ(rec.calls.size(), 3u);
  EXPECT_EQ(rec.calls.back(), (Progress{h, ConnState::ConnectDevice, 678}));
  Clock::advance(1h);
  ras::ConnectStatus st;
  ASSERT_EQ(status(sim, h, &st), err::kSuccess);
  EXPECT_EQ(st.state, ConnState::ConnectDevice);
  EXPECT_EQ(st.error, 678u);
  const auto report = sim.leak_report();
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_EQ(report.problems[0].entry, "Broken");
  EXPECT_NE(report.describe().find("never hung up"), std::string::npos);

  EXPECT_EQ(sim.hang_up(h), err::kSuccess);
  ASSERT_EQ(status(sim, h, &st), err::kSuccess);
  EXPECT_EQ(st.state, ConnState::Disconnected);
  settle(sim);
  EXPECT_EQ(status(sim, h), err::kInvalidHandle);
  EXPECT_TRUE(sim.leak_report().clean()) << sim.leak_report().describe();
  EXPECT_EQ(rec.calls.size(), 3u);
}

TEST_F(SimulatorTest, UnknownEntryAndPhonebookMismatchAre623) {
  Simulator sim(scenario(kBasic));
  auto r = sim.dial(request("Nope"), {});
  EXPECT_EQ(r.error, err::kCannotFindPhonebookEntry);
  EXPECT_EQ(r.handle, ras::kNullHandle);
  auto req = request("Lab");
  req.phonebook = "C:\\other.pbk";
  EXPECT_EQ(sim.dial(req, {}).error, err::kCannotFindPhonebookEntry);
  req.phonebook = "c:\\PBK\\lab.pbk";  // Windows paths compare case-insensitively
  EXPECT_EQ(sim.dial(req, {}).error, err::kSuccess);
  req = request("Office VPN");
  req.phonebook = std::string(kSystemPhonebook);
  EXPECT_EQ(sim.dial(req, {}).error, err::kSuccess);
  EXPECT_EQ(sim.stats().dial_errors, 2u);
  EXPECT_NE(sim.error_string(623).find("phone book entry"), std::string::npos);
  EXPECT_EQ(sim.error_string(12345), "RAS error 12345");
}

TEST_F(SimulatorTest, CredentialsBadFailAt691SavedAndMatchingSucceed) {
  Simulator sim(scenario(kBasic));
  Recorder bad;
  const auto hb = sim.dial(request("Secure", "alice", "wrong"), bad.fn()).handle;
  ASSERT_NE(hb, ras::kNullHandle);
  settle(sim);
  EXPECT_EQ(bad.calls.back(), (Progress{hb, ConnState::Authenticate, err::kAuthenticationFailure}));
  ras::ConnectStatus st;
  ASSERT_EQ(status(sim, hb, &st), err::kSuccess);
  EXPECT_EQ(st.error, 691u);
  EXPECT_EQ(sim.hang_up(hb), err::kSuccess);
  settle(sim);
  EXPECT_EQ(status(sim, hb), err::kInvalidHandle);

  for (const auto& [user, pass] : {std::pair{"", ""}, std::pair{"ALICE", "secret"}}) {
    Recorder ok;
    const auto h = sim.dial(request("Secure", user, pass), ok.fn()).handle;
    settle(sim);
    EXPECT_EQ(ok.calls.back(), (Progress{h, ConnState::Connected, 0})) << user;
    EXPECT_NE(h, hb);  // handles are never reused
    sim.hang_up(h);
    settle(sim);
    EXPECT_EQ(status(sim, h), err::kInvalidHandle);
  }
  EXPECT_TRUE(sim.leak_report().clean()) << sim.leak_report().describe();
}

TEST_F(SimulatorTest, TeardownAnswersThenInvalidHandleAndLedgerNeedsReaping) {
  Simulator sim(scenario(kBasic));
  const auto h = sim.dial(request("Office VPN"), {}).handle;
  settle(sim);
  ASSERT_EQ(sim.hang_up(h), err::kSuccess);
  EXPECT_EQ(sim.hang_up(h), err::kSuccess);  // already tearing down: idempotent
  EXPECT_EQ(sim.stats().hang_up_idempotent, 1u);
  std::vector<ras::ActiveConnection> conns;
  sim.enum_connections(conns);
  EXPECT_EQ(conns.size(), 1u);  // tearing down: no longer listed (Branch VPN is)
  advance(sim, 1499ms);
  ras::ConnectStatus st;
  ASSERT_EQ(status(sim, h, &st), err::kSuccess);
  EXPECT_EQ(st.state, ConnState::Disconnected);
  EXPECT_NE(sim.leak_report().describe().find("teardown never completed"), std::string::npos);

  advance(sim, 1ms);
  const auto unreaped = sim.leak_report();
  ASSERT_EQ(unreaped.problems.size(), 1u);
  EXPECT_NE(unreaped.describe().find("never reaped"), std::string::npos);
  EXPECT_EQ(status(sim, h), err::kInvalidHandle);
  EXPECT_TRUE(sim.leak_report().clean()) << sim.leak_report().describe();
  EXPECT_EQ(sim.hang_up(h), err::kInvalidHandle);
  EXPECT_EQ(sim.hang_up(0xdead), err::kInvalidHandle);
  EXPECT_EQ(status(sim, 0xdead), err::kInvalidHandle);

  const auto rec = sim.ledger();
  const auto it = std::find_if(rec.begin(), rec.end(), [&](const LedgerRecord& r) { return r.handle == h; });
  ASSERT_NE(it, rec.end());
  EXPECT_EQ(it->dial_refs, 1u);
  EXPECT_EQ(it->hang_ups, 2u);
  EXPECT_TRUE(it->teardown_started && it->teardown_completed && it->reaped);
}

TEST_F(SimulatorTest, TeardownNeverIsReportedAsLeak) {
  Simulator sim(scenario(kBasic));
  const auto h = sim.dial(request("Stuck"), {}).handle;
  settle(sim);
  ASSERT_EQ(sim.hang_up(h), err::kSuccess);
  settle(sim);
  Clock::advance(24h);
  ras::ConnectStatus st;
  EXPECT_EQ(status(sim, h, &st), err::kSuccess);
  EXPECT_EQ(st.state, ConnState::Disconnected);
  const auto report = sim.leak_report();
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_EQ(report.problems[0].handle, h);
  EXPECT_EQ(report.describe(), format_handle(h) + " (Stuck): hung up but teardown never completed (still tearing down)");

  // Until RAS finally lets go.
  EXPECT_EQ(sim.finish_stuck_teardowns(), 1u);
  EXPECT_EQ(sim.finish_stuck_teardowns(), 0u);
  EXPECT_EQ(status(sim, h), err::kInvalidHandle);
  EXPECT_TRUE(sim.leak_report().clean()) << sim.leak_report().describe();
}

TEST_F(SimulatorTest, DuplicateDialSharesHandleAndCountsReferences) {
  Simulator sim(scenario(kBasic));
  Recorder first, second, third;
  const auto h = sim.dial(request("Office VPN"), first.fn()).handle;
  advance(sim, 300ms);
  const auto h2 = sim.dial(request("Office VPN"), second.fn());  // while dialling: joins the walk
  EXPECT_EQ(h2.error, err::kSuccess);
  EXPECT_EQ(h2.handle, h);
  settle(sim);
  EXPECT_EQ(first.states(), dial_walk());
  ASSERT_FALSE(second.calls.empty());
  EXPECT_EQ(second.calls.back().state, ConnState::Connected);
  EXPECT_LT(second.calls.size(), first.calls.size());

  EXPECT_EQ(sim.dial(request("Office VPN"), third.fn()).handle, h);  // connected: one Connected
  sim.pump();
  EXPECT_EQ(third.calls, (std::vector<Progress>{{h, ConnState::Connected, 0}}));

  EXPECT_EQ(sim.hang_up(h), err::kSuccess);
  EXPECT_EQ(sim.hang_up(h), err::kSuccess);
  settle(sim);
  ras::ConnectStatus st;
  ASSERT_EQ(status(sim, h, &st), err::kSuccess);
  EXPECT_EQ(st.state, ConnState::Connected);  // one reference left
  EXPECT_NE(sim.leak_report().describe().find("1 of 3 dial reference(s) never hung up"), std::string::npos);
  EXPECT_EQ(sim.hang_up(h), err::kSuccess);  // the last one tears down
  ASSERT_EQ(status(sim, h, &st), err::kSuccess);
  EXPECT_EQ(st.state, ConnState::Disconnected);
  settle(sim);
  EXPECT_EQ(status(sim, h), err::kInvalidHandle);
  EXPECT_TRUE(sim.leak_report().clean()) << sim.leak_report().describe();
}

TEST_F(SimulatorTest, EnumerationListsOnlyConnectedAndLoopsOnBufferTooSmall) {
  SimulatorOptions opts;
  opts.enum_initial_capacity = 0;  // the first call always hits ERROR_BUFFER_TOO_SMALL
  Simulator sim(scenario(kBasic), opts);
  const auto lab = sim.dial(request_in("C:\\pbk\\lab.pbk", "Lab"), {}).handle;  // connects at once
  const auto broken = sim.dial(request("Broken"), {}).handle;  // fails
  sim.dial(request("Office VPN"), {});                          // still dialling after 100 ms
  advance(sim, 100ms);

  std::vector<ras::ActiveConnection> conns;
  ASSERT_EQ(sim.enum_connections(conns), err::kSuccess);
  ASSERT_EQ(conns.size(), 2u);
  EXPECT_EQ(conns[0].entry, "Branch VPN");
  EXPECT_EQ(conns[0].phonebook, kSystemPhonebook);
  EXPECT_EQ(conns[1].handle, lab);
  EXPECT_EQ(conns[1].phonebook, "C:\\pbk\\lab.pbk");
  EXPECT_EQ(conns[1].device_name, "WAN Miniport (IKEv2)");
  EXPECT_EQ(sim.stats().enum_buffer_too_small, 1u);
  EXPECT_EQ(sim.stats().enum_raw_calls, 2u);

  // A connection appears between the two calls: the loop goes round again.
  int hook_calls = 0;
  sim.set_enum_retry_hook([&] {
    if (hook_calls++ == 0) {
      sim.dial(request("Stuck"), {});
      sim.pump();
    }
  });
  ASSERT_EQ(sim.enum_connections(conns), err::kSuccess);
  EXPECT_EQ(conns.size(), 3u);
  EXPECT_EQ(hook_calls, 2);
  EXPECT_EQ(sim.stats().enum_buffer_too_small, 3u);

  // The raw call as RasEnumConnections behaves.
  std::size_t count = 0;
  EXPECT_EQ(sim.enum_connections_raw(nullptr, count), err::kBufferTooSmall);
  EXPECT_EQ(count, 3u);
  std::vector<ras::ActiveConnection> buf(5);
  count = buf.size();
  EXPECT_EQ(sim.enum_connections_raw(buf.data(), count, sizeof(ras::ActiveConnection) + 4), err::kInvalidSize);
  EXPECT_EQ(sim.enum_connections_raw(nullptr, count), err::kInvalidParameter);
  EXPECT_EQ(sim.enum_connections_raw(buf.data(), count), err::kSuccess);
  EXPECT_EQ(count, 3u);
  EXPECT_NE(buf[0].handle, broken);
}

TEST_F(SimulatorTest, LinkDropShowsErrorKeepsHandleAndSignals) {
  Simulator sim(scenario(kBasic));
  int notified = 0;
  sim.set_connection_notifier([&] { ++notified; });
  Recorder rec;
  const auto h = sim.dial(request("Flaky"), rec.fn()).handle;
  advance(sim, 80ms);
  EXPECT_EQ(notified, 1);
  advance(sim, 4999ms);
  ras::ConnectStatus st;
  ASSERT_EQ(status(sim, h, &st), err::kSuccess);
  EXPECT_EQ(st.state, ConnState::Connected);
  advance(sim, 1ms);
  ASSERT_EQ(status(sim, h, &st), err::kSuccess);
  EXPECT_EQ(st.state, ConnState::Disconnected);
  EXPECT_EQ(st.error, err::kRemoteDisconnection);
  EXPECT_EQ(notified, 2);
  EXPECT_EQ(rec.calls.back().state, ConnState::Connected);  // no progress callback for a drop
  std::vector<ras::ActiveConnection> conns;
  sim.enum_connections(conns);
  EXPECT_EQ(conns.size(), 1u);  // Branch VPN only
  Clock::advance(1h);
  EXPECT_EQ(status(sim, h), err::kSuccess);  // still valid: it was not hung up
  EXPECT_FALSE(sim.leak_report().clean());

  // A forced drop with an explicit reason; an external connection dropping is no leak.
  EXPECT_EQ(sim.drop_link("Branch VPN", 868u), err::kSuccess);
  EXPECT_EQ(sim.drop_link("Branch VPN"), err::kNoConnection);
  EXPECT_EQ(sim.drop_link(h), err::kNoConnection);
  sim.pump();
  EXPECT_EQ(notified, 3);
  sim.enum_connections(conns);
  EXPECT_TRUE(conns.empty());

  sim.hang_up(h);
  settle(sim);
  EXPECT_EQ(status(sim, h), err::kInvalidHandle);
  EXPECT_TRUE(sim.leak_report().clean()) << sim.leak_report().describe();
}

TEST_F(SimulatorTest, LinkDropInInvalidHandleModeKillsTheHandleButStillNeedsHangUp) {
  Simulator sim(scenario(R"({"entries": [
      {"name": "Flaky", "connect_ms": 0, "teardown_ms": 10, "drop_after_ms": 1000},
      {"name": "Other", "connect_ms": 0, "drop_mode": "invalid_handle"}],
      "connected": ["Other"]})"));
  int notified = 0;
  sim.set_connection_notifier([&] { ++notified; });
  const auto h = sim.dial(request("Flaky"), {}).handle;
  const auto shared = sim.dial(request("flaky"), {}).handle;  // a second reference
  ASSERT_EQ(shared, h);
  sim.pump();
  advance(sim, 1000ms);
  EXPECT_EQ(notified, 2);  // connected, dropped
  EXPECT_EQ(status(sim, h), err::kInvalidHandle);  // at once: DotRas issue #80
  std::vector<ras::ActiveConnection> conns;
  sim.enum_connections(conns);
  EXPECT_EQ(conns.size(), 1u);  // Other only
  // Our RasDial still owes its RasHangUp: nobody hanging up is a leak in this mode too.
  EXPECT_NE(sim.leak_report().describe().find("2 of 2 dial reference(s) never hung up"), std::string::npos)
      << sim.leak_report().describe();

  // RasHangUp on the dead handle answers 6, but releases the reference.
  EXPECT_EQ(sim.hang_up(h), err::kInvalidHandle);
  EXPECT_NE(sim.leak_report().describe().find("1 of 2 dial reference(s) never hung up"), std::string::npos);
  EXPECT_EQ(sim.hang_up(h), err::kInvalidHandle);
  EXPECT_EQ(sim.stats().hang_up_invalid, 2u);
  EXPECT_EQ(sim.hang_up(h), err::kInvalidHandle);  // gone: no reference left to release
  EXPECT_EQ(status(sim, h), err::kInvalidHandle);
  EXPECT_TRUE(sim.leak_report().clean()) << sim.leak_report().describe();
  EXPECT_EQ(sim.next_event_due(), std::nullopt);  // nothing left to tear down

  // A dialled-by-someone-else connection that drops is nobody's leak; a new dial is a new handle.
  EXPECT_EQ(sim.drop_link("Other"), err::kSuccess);
  const auto again = sim.dial(request("Flaky"), {}).handle;
  EXPECT_NE(again, h);
  EXPECT_FALSE(sim.leak_report().clean());
  EXPECT_EQ(sim.hang_up(again), err::kSuccess);  // still dialling: an ordinary teardown
  settle(sim);
  EXPECT_EQ(status(sim, again), err::kInvalidHandle);
  EXPECT_TRUE(sim.leak_report().clean()) << sim.leak_report().describe();
}

TEST_F(SimulatorTest, HangUpDuringDialStopsNotificationsAndTearsDown) {
  Simulator sim(scenario(kBasic));
  Recorder rec;
  const auto h = sim.dial(request("Office VPN"), rec.fn()).handle;
  advance(sim, 200ms);
  const auto seen = rec.calls.size();
  EXPECT_EQ(seen, 3u);
  ASSERT_EQ(sim.hang_up(h), err::kSuccess);
  ras::ConnectStatus st;
  ASSERT_EQ(status(sim, h, &st), err::kSuccess);
  EXPECT_EQ(st.state, ConnState::Disconnected);
  settle(sim);
  EXPECT_EQ(rec.calls.size(), seen);
  EXPECT_EQ(status(sim, h), err::kInvalidHandle);
  EXPECT_TRUE(sim.leak_report().clean()) << sim.leak_report().describe();
}

TEST_F(SimulatorTest, CallbacksMayCallBackIntoTheSimulator) {
  Simulator sim(scenario(kBasic));
  std::vector<ConnState> seen;
  ras::Handle handle = ras::kNullHandle;
  handle = sim.dial(request("Office VPN"), [&](const ras::DialProgress& p) {
    seen.push_back(p.state);
    ras::ConnectStatus st;
    EXPECT_EQ(sim.get_connect_status(p.handle, st), err::kSuccess);
    if (p.state == ConnState::AllDevicesConnected) {
      EXPECT_EQ(sim.hang_up(p.handle), err::kSuccess);
    }
  }).handle;
  settle(sim);
  EXPECT_EQ(seen.back(), ConnState::AllDevicesConnected);
  EXPECT_EQ(status(sim, handle), err::kInvalidHandle);
  EXPECT_TRUE(sim.leak_report().clean()) << sim.leak_report().describe();
}

TEST_F(SimulatorTest, ExternalConnectionsAreListedAdoptableAndNoLeak) {
  Simulator sim(scenario(kBasic));
  std::vector<ras::ActiveConnection> conns;
  ASSERT_EQ(sim.enum_connections(conns), err::kSuccess);
  ASSERT_EQ(conns.size(), 1u);
  const auto ext = conns[0].handle;
  EXPECT_EQ(conns[0].entry, "Branch VPN");
  EXPECT_TRUE(sim.leak_report().clean());  // someone else's: not ours to hang up

  // Dialling it adds a reference; our hang_up drops only ours.
  EXPECT_EQ(sim.dial(request("Branch VPN"), {}).handle, ext);
  sim.hang_up(ext);
  sim.pump();
  ras::ConnectStatus st;
  ASSERT_EQ(status(sim, ext, &st), err::kSuccess);
  EXPECT_EQ(st.state, ConnState::Connected);
  EXPECT_TRUE(sim.leak_report().clean());

  // Adopted: hanging it up drops the external reference; we must then reap it.
  EXPECT_EQ(sim.hang_up(ext), err::kSuccess);
  EXPECT_FALSE(sim.leak_report().clean());
  settle(sim);
  EXPECT_EQ(status(sim, ext), err::kInvalidHandle);
  EXPECT_TRUE(sim.leak_report().clean()) << sim.leak_report().describe();
}

TEST_F(SimulatorTest, ExternalHangUpTearsDownWithoutLeak) {
  Simulator sim(scenario(kBasic));
  Recorder rec;
  const auto h = sim.dial(request("Office VPN"), rec.fn()).handle;
  advance(sim, 100ms);
  EXPECT_EQ(sim.external_hang_up("Office VPN"), err::kSuccess);
  EXPECT_EQ(sim.external_hang_up("Office VPN"), err::kNoConnection);
  sim.pump();
  EXPECT_EQ(rec.calls.back().error, err::kUserDisconnection);  // the dial learns it was cut off
  settle(sim);
  EXPECT_EQ(status(sim, h), err::kInvalidHandle);
  EXPECT_EQ(sim.hang_up(h), err::kInvalidHandle);
  EXPECT_TRUE(sim.leak_report().clean()) << sim.leak_report().describe();
}

TEST_F(SimulatorTest, NotificationsCanBeLateAndMissed) {
  Simulator sim(scenario(R"({"entries": [{"name": "A", "connect_ms": 0, "teardown_ms": 0},
      {"name": "B", "connect_ms": 0}, {"name": "C", "connect_ms": 0}],
      "notifications": {"delay_ms": 300, "drop_every": 2}})"));
  int notified = 0;
  sim.set_connection_notifier([&] { ++notified; });
  for (const char* e : {"A", "B", "C"}) sim.dial(request(e), {});
  sim.pump();
  EXPECT_EQ(notified, 0);
  advance(sim, 299ms);
  EXPECT_EQ(notified, 0);
  advance(sim, 1ms);
  EXPECT_EQ(notified, 2);  // the second of three was missed
  const auto s = sim.stats();
  EXPECT_EQ(s.notifications_signalled, 3u);
  EXPECT_EQ(s.notifications_missed, 1u);
  EXPECT_EQ(s.notifications_delivered, 2u);

  sim.set_connection_notifier({});  // stop
  std::vector<ras::ActiveConnection> conns;
  sim.enum_connections(conns);
  sim.hang_up(conns.at(0).handle);
  settle(sim);
  EXPECT_EQ(notified, 2);
  EXPECT_EQ(sim.stats().notifications_signalled, 4u);
}

TEST_F(SimulatorTest, EnumEntriesFiltersByPhonebook) {
  Simulator sim(scenario(kBasic));
  std::vector<ras::PhonebookEntry> entries;
  ASSERT_EQ(sim.enum_entries("", entries), err::kSuccess);
  // A NULL phonebook is the all-users folder's files (and the caller's own): C:\pbk\lab.pbk
  // is read only when named.
  EXPECT_EQ(entries.size(), 6u);
  for (const auto& e : entries) EXPECT_NE(e.name, "Lab");
  ASSERT_EQ(sim.enum_entries("C:\\pbk\\lab.pbk", entries), err::kSuccess);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].name, "Lab");
  ASSERT_EQ(sim.enum_entries(std::string(kSystemPhonebook), entries), err::kSuccess);
  EXPECT_EQ(entries.size(), 6u);
  EXPECT_EQ(sim.backend_name(), "sim");
}

}  // namespace
}  // namespace rasbroker::sim::test
