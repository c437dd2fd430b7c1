#pragma once
// The simulator's handle ledger: every HRASCONN it ever handed out and what the caller
// did with it, so tests can prove that nothing leaked (docs/ras-rules.md#dial: a non-NULL handle from
// RasDial must be hung up; #teardown: the caller must poll RasGetConnectStatus until 6).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ras/ras_api.hpp"

namespace rasbroker::sim {

struct LedgerRecord {
  ras::Handle handle = ras::kNullHandle;
  std::string entry;
  bool external = false;              // from the scenario's "connected" (dialled by someone else)
  std::uint32_t dial_refs = 0;        // references handed out by dial()
  std::uint32_t hang_ups = 0;         // hang_up() calls on this handle that released or were idempotent
  std::uint32_t refs_released = 0;    // references dropped by those calls
  bool released_externally = false;   // external_hang_up() dropped every reference
  bool must_reap = false;             // a caller's hang_up() left it tearing down
  bool teardown_started = false;
  bool teardown_completed = false;
  bool reaped = false;                // get_connect_status() answered 6 after teardown
};

struct LeakProblem {
  ras::Handle handle = ras::kNullHandle;
  std::string entry;
  std::string problem;
};

struct LeakReport {
  std::vector<LeakProblem> problems;
  bool clean() const { return problems.empty(); }
  // "clean" or one line per problem: "0x10010 (Office VPN): 1 dial reference(s) never hung up".
  std::string describe() const;
};

std::string format_handle(ras::Handle h);

class Ledger {
 public:
  void issued(ras::Handle h, const std::string& entry, bool external);
  void dial_ref(ras::Handle h);
  // A hang_up() that returned 0, or 6 on a dropped link's dead handle (drop_mode
  // invalid_handle; it still releases the reference); `released` is whether it dropped a
  // reference and `tearing_down` whether the connection is tearing down afterwards.
  void hung_up(ras::Handle h, bool released, bool tearing_down);
  void released_externally(ras::Handle h);
  void teardown_started(ras::Handle h);
  void teardown_completed(ras::Handle h);
  void reaped(ras::Handle h);
  // Puts back a record from a snapshot (Simulator::restore), replacing any with its handle.
  void restore(const LedgerRecord& record);

  const LedgerRecord* find(ras::Handle h) const;
  // Dial references of `h` that no hang_up() released yet (0 for an unknown handle).
  std::uint32_t outstanding_dial_refs(ras::Handle h) const;
  std::vector<LedgerRecord> records() const;
  LeakReport report() const;

 private:
  std::map<ras::Handle, LedgerRecord> records_;
};

}  // namespace rasbroker::sim
