#pragma once
// The timer of every coroutine in the service: a Boost.Asio waitable
// timer on Clock, so tests that switch Clock to virtual time drive every timeout too.
#include <boost/asio/basic_waitable_timer.hpp>

#include "core/clock.hpp"

namespace rasbroker {

// In virtual time the reactor must look at its timer queue on every poll (real time
// does not move, so a timerfd armed for the real wait would never fire): ask it to
// wait zero. In real time this is the plain chrono behaviour.
struct ClockWaitTraits {
  static Clock::duration to_wait_duration(const Clock::duration& d) {
    return Clock::is_virtual() ? Clock::duration::zero() : d;
  }
  static Clock::duration to_wait_duration(const Clock::time_point& t) {
    if (Clock::is_virtual()) return Clock::duration::zero();
    const auto now = Clock::now();
    if (now + Clock::duration::max() < t) return Clock::duration::max();
    if (now + Clock::duration::min() > t) return Clock::duration::min();
    return t - now;
  }
};

using Timer = boost::asio::basic_waitable_timer<Clock, ClockWaitTraits>;

}  // namespace rasbroker
