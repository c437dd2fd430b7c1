#pragma once
// The load test's clients, for both transports (tests/app/load_test.cpp over the dev
// host's Unix socket, tests/host/windows/load_test.cpp over the named pipe under Wine):
// request clients that pipeline mixed requests with ids of every type while dialers
// dial, hang up and vanish in a loop, each on a fresh connection. Portable: threads and
// app::test::LineClient only.
//
// What run_load() checks (each breach is one line of LoadOutcome::failures):
// - protocol: every line a client reads is JSON; every answer is a result (or, for `get`,
//   `not_found`), of the shape its method promises;
// - matching: answers come in the order of the requests, each with its request's id
//   (integers, large integers, strings with escapes, null), batches as arrays in order;
// - notifications: the first half of the request clients subscribe before any dial and
//   stay subscribed to the end; they all see exactly the same sequence of
//   `connection.changed` notifications. In it, each connection's states follow the
//   broker's state machine — dialing, then optionally connected, then hanging_up, then
//   gone, never backwards, gone exactly once and last (a state may repeat: a RAS state
//   changed) — and every connection ends in gone, every connection a dialer was given
//   among them. Request clients that subscribe late see a suffix of that sequence;
// - nothing left: after the dialers, `hangup all` (wait gone) hangs up what vanished
//   dialers left, and then `list` is empty.
// The caller stops the service and checks the simulator's ledger.
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "simulator/simulator.hpp"

namespace rasbroker::app::test {

struct LoadCounts {
  int clients = 64;               // request clients; the first half subscribe before any dial
  int requests_per_client = 400;  // each: ping, list, get, status, entries or subscribe
  int pipeline = 8;               // requests a client has in flight at most
  int dialers = 4;                // each dials its own entry, one fresh connection per round
  int dial_rounds = 45;           // per dialer
};

// The counts for this build: the native ones, smaller under sanitizers
// (RASBROKER_LOAD_SANITIZED) and under Wine, times RASBROKER_LOAD_FACTOR (an integer in
// the environment, default 1) for a bigger run.
LoadCounts load_counts();

// Places the service must allow: every client of run_load at once, and the cleanup one.
int load_max_clients(const LoadCounts& counts);

// A scenario with one entry per dialer ("Load 1", …): quick dials and teardowns.
sim::Scenario load_scenario(const LoadCounts& counts);

struct LoadOutcome {
  LoadCounts counts;
  std::vector<std::string> failures;  // empty: every check held
  std::size_t answers = 0;            // responses read by the request clients
  std::size_t notifications = 0;      // read by the subscribers throughout, each
  std::size_t connections = 0;        // distinct connections in those notifications
  std::size_t dial_connects = 0;      // connections the dialers' clients opened
  std::chrono::milliseconds took{0};
  std::string summary() const;        // the counts and the duration, for the test's output
};

LoadOutcome run_load(const std::string& endpoint, const LoadCounts& counts);

}  // namespace rasbroker::app::test
