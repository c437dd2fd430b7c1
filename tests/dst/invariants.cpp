// What must hold after every step of a simulation run (docs/architecture.md, "Deterministic
// simulation"), and at its end. A violation ends the run with the seed and the step.
#include <map>

#include "tests/dst/simulation.hpp"

namespace rasbroker::dst {

using namespace std::chrono_literals;

namespace {

// How long a handle may go unowned, or a record outlive its reaped handle: a restarted
// service takes back its handles at its next enumeration and link poll, not at once.
constexpr Clock::duration kGrace = 90s;
// Memory: the broker keeps a record per handle it holds, and subscription slots only for
// subscribers (ended ones are pruned at the next change at the latest).
constexpr std::size_t kMaxRecords = 64;
constexpr std::size_t kSlotSlack = 8;

std::string describe(const sim::LedgerRecord& l) { return sim::format_handle(l.handle) + " (" + l.entry + ")"; }

}  // namespace

void Simulation::check() {
  if (failure_) return;
  check_handles();
  check_subscribers();
}

void Simulation::check_handles() {
  const auto held = process_.broker->held_handles();
  // Every RAS event and request finds its record through the indexes: one that disagrees
  // with the records misroutes a progress callback, a hang-up or a get.
  if (auto problem = process_.broker->index_problem()) return fail("record index: " + *problem);
  if (held.size() > kMaxRecords) return fail("the broker holds " + std::to_string(held.size()) + " records");
  std::map<ras::Handle, int> owners;
  for (const auto& h : held) {
    if (h.handle == ras::kNullHandle) return fail("record " + h.info.id + " has no handle");
    if (h.info.state != protocol::ConnectionState::gone) ++owners[h.handle];
  }
  std::map<ras::Handle, sim::LedgerRecord> ledger;
  for (auto& l : ras_->ledger()) ledger.emplace(l.handle, std::move(l));
  for (const auto& [handle, n] : owners) {
    auto l = ledger.find(handle);
    if (l == ledger.end()) return fail("a record holds " + sim::format_handle(handle) + ", which RAS never handed out");
    if (n > 1) return fail(describe(l->second) + " is owned by " + std::to_string(n) + " records");
  }
  const auto now = Clock::now();
  for (const auto& [handle, l] : ledger) {
    // The broker owes RAS a hang-up for every reference it was given, and a status poll until
    // ERROR_INVALID_HANDLE for every teardown it started (docs/ras-rules.md): until then one
    // record must own the handle. Connections dialled by someone else are not owed.
    const bool owed = !l.external && ((l.dial_refs > l.refs_released && !l.released_externally) ||
                                      (l.must_reap && !l.reaped));
    const bool owned = owners.contains(handle);
    if (owed && !owned) {
      const auto since = unowned_since_.try_emplace(handle, now).first->second;
      if (now - since > kGrace)
        return fail(describe(l) + " is owned by no record for " +
                    std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now - since).count()) +
                    " s, though it was never hung up and reaped");
    } else {
      unowned_since_.erase(handle);
    }
    if (l.reaped && owned) {
      const auto since = reaped_but_held_since_.try_emplace(handle, now).first->second;
      if (now - since > kGrace) return fail("a record still holds " + describe(l) + " long after it was reaped");
    } else {
      reaped_but_held_since_.erase(handle);
    }
  }
}

void Simulation::check_subscribers() {
  std::size_t subscribed = 0;
  for (const auto& [id, c] : clients_) {
    if (!c.context->subscription) continue;
    ++subscribed;
    if (c.first_event && *c.first_event + c.notifications != events_.size())
      return fail("client " + std::to_string(id) + " saw " + std::to_string(c.notifications) + " of the " +
                  std::to_string(events_.size() - *c.first_event) + " changes since it subscribed");
  }
  const auto slots = process_.broker->subscription_slots();
  if (slots > subscribed + 1 + kSlotSlack)
    fail("the broker keeps " + std::to_string(slots) + " subscription slots for " + std::to_string(subscribed + 1) +
         " subscribers");
}

void Simulation::check_final() {
  for (const auto& [id, c] : clients_)
    for (const auto& r : c.pending)
      return fail("request #" + std::to_string(r->id) + " (" + r->method + ") of client " + std::to_string(id) +
                  " was never answered, though its client stayed until the service stopped");
  const auto report = ras_->leak_report();
  if (!report.clean()) fail("after a clean stop RAS still holds: " + report.describe());
}

}  // namespace rasbroker::dst
