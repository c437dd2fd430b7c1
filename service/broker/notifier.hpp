#pragma once
// Wake-all signal for coroutines on one executor: waiters re-check their condition
// after every notify_all(). A timer that never expires, cancelled to wake waiters;
// cancellation of the waiting coroutine (Asio per-operation cancellation) also ends the wait.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/clock.hpp"

namespace rasbroker::broker {

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

class Notifier {
 public:
  explicit Notifier(const boost::asio::any_io_executor& ex) : timer_(ex, Clock::time_point::max()) {}

  boost::asio::awaitable<void> wait() {
    boost::system::error_code ec;
    co_await timer_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
  }
  void notify_all() { timer_.cancel(); }

 private:
  Timer timer_;
};

}  // namespace rasbroker::broker
