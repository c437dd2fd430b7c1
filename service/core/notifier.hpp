#pragma once
// Wake-all signal for coroutines on one executor: waiters re-check their condition
// after every notify_all(). A timer that never expires, cancelled to wake waiters;
// cancellation of the waiting coroutine (Asio per-operation cancellation) also ends the wait.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/timer.hpp"

namespace rasbroker {

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

}  // namespace rasbroker
