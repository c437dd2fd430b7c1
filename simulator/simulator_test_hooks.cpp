// What tests do to the simulated "RAS" from outside the RasApi (docs/simulator.md, "Link
// drop", "External hang-up"): a link drops, someone else hangs up, a stuck teardown finally
// ends, a connection appears between two enumeration calls.
#include <utility>

#include "rasbroker/protocol/entry_name.hpp"
#include "simulator/simulator.hpp"

namespace rasbroker::sim {

namespace err = ras::err;

std::uint32_t Simulator::drop_link(const std::string& entry, std::optional<std::uint32_t> error) {
  PublishOnExit publish{*this};
  std::lock_guard lock(mu_);
  for (auto& [h, c] : conns_) {
    if (c.phase == Phase::connected && protocol::same_entry(spec(c).name, entry)) {
      drop_locked(c, error.value_or(spec(c).drop_error), Clock::now());
      return err::kSuccess;
    }
  }
  return err::kNoConnection;
}

std::uint32_t Simulator::drop_link(ras::Handle h, std::optional<std::uint32_t> error) {
  PublishOnExit publish{*this};
  std::lock_guard lock(mu_);
  Conn* c = find_locked(h);
  if (c == nullptr || c->phase != Phase::connected) return err::kNoConnection;
  drop_locked(*c, error.value_or(spec(*c).drop_error), Clock::now());
  return err::kSuccess;
}

std::uint32_t Simulator::external_hang_up(const std::string& entry) {
  PublishOnExit publish{*this};
  std::lock_guard lock(mu_);
  std::uint32_t rc = err::kNoConnection;
  const auto now = Clock::now();
  for (auto& [h, c] : conns_) {
    if (!protocol::same_entry(spec(c).name, entry) || c.phase == Phase::tearing_down || c.phase == Phase::gone) {
      continue;
    }
    if (c.phase == Phase::dialing) {
      // The dial in progress learns it was cut off: one last callback with an error.
      c.error = err::kUserDisconnection;
      for (auto& fn : c.listeners) {
        if (!fn) continue;
        schedule_locked({.due = now, .kind = EventKind::progress, .handle = h, .fn = std::move(fn),
                         .state = c.state, .error = c.error});
      }
    }
    ledger_.released_externally(h);
    start_teardown_locked(c, now);
    dirty_ = true;
    rc = err::kSuccess;
  }
  return rc;
}

std::size_t Simulator::finish_stuck_teardowns() {
  PublishOnExit publish{*this};
  std::lock_guard lock(mu_);
  const auto now = Clock::now();
  std::size_t finished = 0;
  for (auto& [h, c] : conns_) {
    if (c.phase == Phase::tearing_down && spec(c).teardown_never) {
      complete_teardown_locked(c, now);
      dirty_ = true;
      ++finished;
    }
  }
  return finished;
}

void Simulator::set_enum_retry_hook(std::function<void()> hook) {
  std::lock_guard lock(mu_);
  enum_retry_hook_ = std::move(hook);
}

}  // namespace rasbroker::sim
