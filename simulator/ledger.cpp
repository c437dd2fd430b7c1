// Handle ledger and leak report.
#include "simulator/ledger.hpp"

namespace rasbroker::sim {

std::string format_handle(ras::Handle h) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  do {
    hex.insert(hex.begin(), kDigits[h & 0xF]);
    h >>= 4;
  } while (h != 0);
  return "0x" + hex;
}

std::string LeakReport::describe() const {
  if (problems.empty()) return "clean";
  std::string out;
  for (const auto& p : problems) {
    if (!out.empty()) out += '\n';
    out += format_handle(p.handle) + " (" + p.entry + "): " + p.problem;
  }
  return out;
}

void Ledger::issued(ras::Handle h, const std::string& entry, bool external) {
  auto& r = records_[h];
  r.handle = h;
  r.entry = entry;
  r.external = external;
}

void Ledger::dial_ref(ras::Handle h) { ++records_.at(h).dial_refs; }

void Ledger::hung_up(ras::Handle h, bool released, bool tearing_down) {
  auto& r = records_.at(h);
  ++r.hang_ups;
  if (released) ++r.refs_released;
  if (tearing_down) r.must_reap = true;
}

void Ledger::released_externally(ras::Handle h) { records_.at(h).released_externally = true; }
void Ledger::teardown_started(ras::Handle h) { records_.at(h).teardown_started = true; }
void Ledger::teardown_completed(ras::Handle h) { records_.at(h).teardown_completed = true; }
void Ledger::reaped(ras::Handle h) { records_.at(h).reaped = true; }
void Ledger::restore(const LedgerRecord& record) { records_[record.handle] = record; }

const LedgerRecord* Ledger::find(ras::Handle h) const {
  const auto it = records_.find(h);
  return it == records_.end() ? nullptr : &it->second;
}

std::vector<LedgerRecord> Ledger::records() const {
  std::vector<LedgerRecord> out;
  out.reserve(records_.size());
  for (const auto& [h, r] : records_) out.push_back(r);
  return out;
}

namespace {
std::uint32_t outstanding_of(const LedgerRecord& r) {
  return r.refs_released >= r.dial_refs ? 0 : r.dial_refs - r.refs_released;
}
}  // namespace

std::uint32_t Ledger::outstanding_dial_refs(ras::Handle h) const {
  const auto it = records_.find(h);
  return it == records_.end() ? 0 : outstanding_of(it->second);
}

LeakReport Ledger::report() const {
  LeakReport report;
  for (const auto& [h, r] : records_) {
    // A caller's hang_up() releases its own dial references first; on an adopted
    // (external) connection it may also release the external one.
    const std::uint32_t outstanding = outstanding_of(r);
    if (outstanding > 0 && !r.released_externally) {
      report.problems.push_back({.handle = h,
                                 .entry = r.entry,
                                 .problem = std::to_string(outstanding) + " of " + std::to_string(r.dial_refs) +
                                            " dial reference(s) never hung up"});
    }
    if (r.must_reap && !r.reaped) {
      report.problems.push_back(
          {.handle = h,
           .entry = r.entry,
           .problem = r.teardown_completed
                          ? "hung up, teardown complete, but never reaped (nobody polled get_connect_status until 6)"
                          : "hung up but teardown never completed (still tearing down)"});
    }
  }
  return report;
}

}  // namespace rasbroker::sim
