#pragma once
// The one time source of the broker and the RAS simulator.
//
// A chrono clock usable with asio::basic_waitable_timer. In production it is the
// steady clock. Unit tests switch it to virtual time: now() then returns a value
// that only moves when the test advances it, so broker timers (reaper backoff,
// timeouts) and simulator events (connect_ms, teardown_ms) run deterministically
// and instantly with io_context::poll().
#include <atomic>
#include <chrono>
#include <cstdint>

namespace rasbroker {

struct Clock {
  using duration = std::chrono::nanoseconds;
  using rep = duration::rep;
  using period = duration::period;
  using time_point = std::chrono::time_point<Clock, duration>;
  static constexpr bool is_steady = true;

  static time_point now() noexcept {
    if (virtual_enabled_.load(std::memory_order_acquire)) {
      return time_point(duration(virtual_now_.load(std::memory_order_acquire)));
    }
    return time_point(std::chrono::duration_cast<duration>(
        std::chrono::steady_clock::now().time_since_epoch()));
  }

  // Tests only: freeze time at an arbitrary origin; advance() moves it.
  static void use_virtual_time() noexcept {
    virtual_now_.store(std::chrono::duration_cast<duration>(std::chrono::hours(1)).count());
    virtual_enabled_.store(true, std::memory_order_release);
  }
  static void use_real_time() noexcept { virtual_enabled_.store(false, std::memory_order_release); }
  static bool is_virtual() noexcept { return virtual_enabled_.load(std::memory_order_acquire); }
  static void advance(duration d) noexcept { virtual_now_.fetch_add(d.count(), std::memory_order_acq_rel); }

 private:
  static inline std::atomic<bool> virtual_enabled_{false};
  static inline std::atomic<rep> virtual_now_{0};
};

}  // namespace rasbroker
