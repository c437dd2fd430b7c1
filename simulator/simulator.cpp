// The RAS simulator engine's core (semantics: docs/simulator.md, docs/ras-rules.md):
// construction and destruction, the connection table, and the connection transitions that
// the RAS calls, the events and the test hooks share. The rest of the class lives in the
// files listed in simulator.hpp.
#include "simulator/simulator.hpp"

#include <utility>

namespace rasbroker::sim {
namespace {

constexpr ras::Handle kHandleStride = 0x10;

}  // namespace

Simulator::Simulator(Scenario scenario, SimulatorOptions options)
    : scenario_(std::move(scenario)), options_(options), entry_index_(scenario_.entries) {
  const auto now = Clock::now();
  for (std::size_t i = 0; i < scenario_.connected.size(); ++i) {
    const auto* entry = entry_named(scenario_.connected[i]);
    if (entry == nullptr) continue;  // parse_scenario() rejects this
    Conn& c = add_external_connected_locked(*entry, {}, now);
    c.origin = i < scenario_.connected_origins.size() ? std::optional(scenario_.connected_origins[i]) : std::nullopt;
  }
  if (options_.mode == Mode::threaded) thread_ = std::thread([this] { run(); });
}

Simulator::~Simulator() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::string Simulator::backend_name() const { return "sim"; }

// ---------------------------------------------------------------------------------
// The connection table

Simulator::Conn* Simulator::find_locked(ras::Handle h) {
  const auto it = conns_.find(h);
  return it == conns_.end() ? nullptr : &it->second;
}

const EntrySpec* Simulator::entry_named(std::string_view name) const {
  const auto i = entry_index_.find(name);
  return i ? &scenario_.entries[*i] : nullptr;
}

Simulator::Conn& Simulator::add_connection_locked(const EntrySpec& entry, Clock::time_point now, bool external) {
  // Handles are never reused during the simulator's lifetime (nor across restore()).
  last_handle_ += kHandleStride;
  Conn& c = conns_[last_handle_];
  c.handle = last_handle_;
  c.entry = static_cast<std::size_t>(&entry - scenario_.entries.data());
  c.refs = 1;
  c.dial_start = now;
  ledger_.issued(c.handle, entry.name, external);
  return c;
}

Simulator::Conn& Simulator::add_external_connected_locked(const EntrySpec& entry, const ConnectionOrigin& origin,
                                                          Clock::time_point now) {
  Conn& c = add_connection_locked(entry, now, /*external=*/true);
  c.origin = origin;
  c.phase = Phase::connected;
  c.state = ras::ConnState::Connected;
  if (entry.drop_after) schedule_timer_locked(EventKind::drop, c.handle, now + *entry.drop_after);
  return c;
}

// ---------------------------------------------------------------------------------
// Transitions

void Simulator::start_teardown_locked(Conn& c, Clock::time_point now) {
  if (vanished(c)) {
    // RAS let go of it at the drop: nothing is left to tear down, status already answers 6.
    c.phase = Phase::gone;
    c.refs = 0;
    c.listeners.clear();
    ledger_.teardown_started(c.handle);
    ledger_.teardown_completed(c.handle);
    return;
  }
  c.phase = Phase::tearing_down;
  c.state = ras::ConnState::Disconnected;  // c.error keeps the failure or drop reason, if any
  c.refs = 0;
  c.listeners.clear();  // notifications stop when RasHangUp is called
  ledger_.teardown_started(c.handle);
  if (!spec(c).teardown_never) schedule_timer_locked(EventKind::teardown_done, c.handle, now + spec(c).teardown);
  if (scenario_.notifications.one_connection == TerminationSignal::hang_up) signal_termination_locked(c, now);
}

void Simulator::complete_teardown_locked(Conn& c, Clock::time_point at) {
  c.phase = Phase::gone;
  ledger_.teardown_completed(c.handle);
  signal_notifier_locked(at);
  // The hang_up reading signalled at the start: a registration made since is never signalled.
  if (scenario_.notifications.one_connection == TerminationSignal::teardown_ended) signal_termination_locked(c, at);
}

void Simulator::drop_locked(Conn& c, std::uint32_t error, Clock::time_point at) {
  dirty_ = true;
  c.phase = Phase::dropped;
  c.state = ras::ConnState::Disconnected;
  c.error = error;
  signal_notifier_locked(at);
  signal_termination_locked(c, at);  // a drop ends the connection in both readings
}

// ---------------------------------------------------------------------------------
// Inspection

LeakReport Simulator::leak_report() const {
  std::lock_guard lock(mu_);
  return ledger_.report();
}

std::vector<LedgerRecord> Simulator::ledger() const {
  std::lock_guard lock(mu_);
  return ledger_.records();
}

SimStats Simulator::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace rasbroker::sim
