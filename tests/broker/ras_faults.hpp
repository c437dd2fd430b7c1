#pragma once
// The RAS-fault suite (issue 12, "RAS faults through the simulator"): what the broker does when
// RAS misbehaves in every way the simulator can express, each test ending with the simulator's
// "nothing leaked" (or, for a teardown that never ends, exactly that handle reported).
//
//   fault                                        where
//   dial failure at every RASCS state            ras_faults_dial_test.cpp   DialFailureAtEveryState
//   bad credentials (691)                        ras_faults_dial_test.cpp   BadCredentials
//   a 30 s teardown                              ras_faults_teardown_test.cpp  SlowTeardown
//   a teardown that never finishes (stuck)       ras_faults_teardown_test.cpp  StuckTeardown
//   RasHangUp answering 668 (both readings)      ras_faults_teardown_test.cpp  HangUpAnswers668
//   link drop with and without redial            ras_faults_link_test.cpp   LinkDrop
//   a drop during redial                         ras_faults_link_test.cpp   DropDuringRedial
//   notifications lost (or late)                 ras_faults_link_test.cpp   LostNotifications
//   RasEnumConnections racing with connections   ras_faults_link_test.cpp   EnumerationRace
//   stop during a dial / a teardown / stuck      ras_faults_stop_test.cpp   StopDuring*
//
// The simulator's options they use are listed in docs/simulator.md (fidelity table): fail_state,
// credentials, teardown_ms, teardown_never, hang_up_668, drop_after_ms / drop_mode / drop_link,
// external_hang_up, notifications.drop_every / delay_ms, enum_race.
#include <string>

#include "broker_harness.hpp"

namespace rasbroker::testing {

class RasFaults : public BrokerHarness {
 protected:
  // Dials `entry` and waits until it is connected; its id.
  std::string connect(const std::string& entry) {
    auto d = dial(entry, protocol::DialWait::connected);
    EXPECT_TRUE(run_until([&] { return d->done; }));
    EXPECT_TRUE(d->value) << (d->error ? d->rpc_error().what() : "no answer");
    return d->value ? d->value->id : "";
  }
  // The event that reported `id` in `state`, if any.
  std::optional<Connection> event_of(const std::string& id, ConnectionState state) const {
    for (auto& e : events_)
      if (e.id == id && e.state == state) return e;
    return std::nullopt;
  }
  // The handle RAS handed out for `entry` (the latest), as its ledger knows it.
  ras::Handle handle_of(const std::string& entry) const {
    ras::Handle h = ras::kNullHandle;
    for (const auto& r : sim_->ledger())
      if (r.entry == entry) h = r.handle;
    return h;
  }
  // For a teardown that never ends: the broker stops (giving up after its stop_timeout), and
  // the ledger reports exactly `stuck`, hung up but still tearing down — nothing else leaked.
  void expect_only_stuck_leaked(ras::Handle stuck) {
    if (broker_ && !broker_->stopping()) {
      auto stopped = spawn_stop();
      ASSERT_TRUE(run_until([&] { return stopped->done; })) << "stop did not give up waiting";
    }
    const auto report = sim_->leak_report();
    ASSERT_EQ(report.problems.size(), 1u) << report.describe();
    EXPECT_EQ(report.problems.front().handle, stuck) << report.describe();
    EXPECT_EQ(report.problems.front().problem, "hung up but teardown never completed (still tearing down)");
  }
};

}  // namespace rasbroker::testing
