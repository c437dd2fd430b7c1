#pragma once
// A doubling backoff: initial, 2 x initial, 4 x initial, ... never above the cap. For
// retries whose outcome nobody announces: the reaper polling a teardown, a redial after
// a link drop.
//
// Stateless on purpose: each caller already counts its attempts (the reaper's polls, a
// redial chain's attempts used) for its own rules and logs, so the backoff takes that
// count instead of keeping a second one that could drift from it.
#include <algorithm>
#include <chrono>
#include <cstdint>

namespace rasbroker {

class DoublingBackoff {
 public:
  using Duration = std::chrono::milliseconds;

  constexpr DoublingBackoff(Duration initial, Duration cap) noexcept : initial_(initial), cap_(cap) {}

  // The delay before retry `n` (0 = the first retry): initial x 2^n, at most the cap.
  // Doubling stops once the cap is reached, so a large n never overflows.
  constexpr Duration delay(std::uint32_t n) const noexcept {
    Duration d = initial_;
    for (std::uint32_t i = 0; i < n && d < cap_; ++i) d *= 2;
    return std::min(d, cap_);
  }

 private:
  Duration initial_, cap_;
};

}  // namespace rasbroker
