// The RasConnectionNotification waiter (design: connection_watch.hpp).
#include "ras/win32/connection_watch.hpp"

#include <windows.h>
#include <ras.h>

#include <cstdint>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/windows/object_handle.hpp>

namespace rasbroker::ras::win32 {

namespace asio = boost::asio;

struct ConnectionWatch::Waiter {
  Waiter(const asio::any_io_executor& ex, HANDLE event, std::function<void()> f)
      : event(ex, event), changed(std::move(f)) {}
  asio::windows::object_handle event;  // owns the event handle
  std::function<void()> changed;
};

asio::awaitable<void> ConnectionWatch::wait_loop(std::shared_ptr<Waiter> w, bool once) {
  for (bool more = true; more; more = !once) {
    auto [ec] = co_await w->event.async_wait(asio::as_tuple(asio::use_awaitable));
    // Closed by the watch's destructor: a signal that was already queued is dropped too.
    if (ec || !w->event.is_open()) co_return;
    try {
      w->changed();
    } catch (...) {
      // A hint that could not be delivered: the caller's backstop poll covers it.
    }
  }
}

ConnectionWatch::ConnectionWatch(const asio::any_io_executor& ex, std::function<void()> changed) {
  start(ex, std::nullopt, std::move(changed));
}

ConnectionWatch::ConnectionWatch(const asio::any_io_executor& ex, Handle one, std::function<void()> terminated) {
  start(ex, one, std::move(terminated));
}

void ConnectionWatch::start(const asio::any_io_executor& ex, std::optional<Handle> one, std::function<void()> f) {
  HANDLE event = CreateEventW(nullptr, FALSE, FALSE, nullptr);
  if (event == nullptr) {
    error_ = GetLastError();
    return;
  }
  auto waiter = std::make_shared<Waiter>(ex, event, std::move(f));
  // RASCN_Connection is only valid for "every connection" (INVALID_HANDLE_VALUE).
  error_ = one ? RasConnectionNotificationW(reinterpret_cast<HRASCONN>(static_cast<std::uintptr_t>(*one)), event,
                                            RASCN_Disconnection)
               : RasConnectionNotificationW(static_cast<HRASCONN>(INVALID_HANDLE_VALUE), event,
                                            RASCN_Connection | RASCN_Disconnection);
  if (error_ != ERROR_SUCCESS) return;  // `waiter` closes the event
  waiter_ = waiter;
  asio::co_spawn(ex, wait_loop(std::move(waiter), /*once=*/one.has_value()), asio::detached);
}

ConnectionWatch::~ConnectionWatch() {
  // RAS keeps its own reference to a registered event: closing ours is what ends our
  // part (there is no call to unregister).
  if (auto w = waiter_.lock()) {
    boost::system::error_code ignored;
    w->event.close(ignored);
  }
}

}  // namespace rasbroker::ras::win32
