#pragma once
// What the broker keeps for one pinned entry (pins.cpp): the state clients see, the
// connection it follows, and its scheduled dial. docs/operations.md, "Always-on entries".
#include <cstdint>
#include <memory>
#include <optional>
#include <random>

#include "core/clock.hpp"
#include "core/timer.hpp"
#include "rasbroker/protocol/pins.hpp"

namespace rasbroker::broker {

struct PinRecord {
  protocol::Pin shown;  // entry, phonebook, source, state, failures, last error, next attempt, ...
  // The record of its connection while it has one (dialling or connected, or adopted).
  std::optional<std::uint64_t> seq;
  // Bumped whenever the scheduled dial is replaced or cancelled: a scheduled dial that wakes
  // with an older generation does nothing.
  std::uint64_t generation = 0;
  std::shared_ptr<Timer> timer;  // the scheduled dial's, while state is waiting
  // Waiting for the entry's old connection to be torn down (one connection per entry): the
  // dial comes when that record is gone, not at a time.
  bool after_teardown = false;
};

// How long a pin waits after its `failures`-th failure in a row (at least 1): initial_ms
// doubling up to max_ms, then shortened by a uniformly random part of up to a quarter, so
// that machines that lost one server do not dial it again in step. Never less than
// 3/4 of initial_ms (>= 750 ms): never a tight loop.
Clock::duration pin_delay(const protocol::PinBackoff& backoff, std::uint32_t failures, std::mt19937_64& rng);

// Failures that dialling again cannot fix: the pin stops until an administrator pins it
// again (691 bad credentials, 623 no such entry, 703 interactive sign-in needed).
bool retry_cannot_fix(std::uint32_t ras_error) noexcept;

}  // namespace rasbroker::broker
