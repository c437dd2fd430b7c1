#pragma once
// RasConnectionNotification as a callback on the broker's executor (Windows only): an
// auto-reset event registered for RASCN_Connection | RASCN_Disconnection on every
// connection (or for RASCN_Disconnection on one, signalled once), waited on through Asio
// (windows::object_handle), so no thread of ours waits and an idle service does not wake up.
//
// Threading: construct and destroy on the executor's thread (or once it no longer runs);
// `changed` is called on that thread, never after the destructor has run.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "ras/ras_api.hpp"

namespace rasbroker::ras::win32 {

class ConnectionWatch {
 public:
  // Registers the event with RAS and starts the wait; error() tells whether that worked
  // (on failure nothing waits and `changed` is never called).
  ConnectionWatch(const boost::asio::any_io_executor& ex, std::function<void()> changed);
  // The same for one connection's termination: `terminated` is called at most once.
  ConnectionWatch(const boost::asio::any_io_executor& ex, Handle one, std::function<void()> terminated);
  // Closes the event: the pending wait ends with operation_aborted.
  ~ConnectionWatch();
  ConnectionWatch(const ConnectionWatch&) = delete;
  ConnectionWatch& operator=(const ConnectionWatch&) = delete;

  std::uint32_t error() const { return error_; }

 private:
  struct Waiter;
  static boost::asio::awaitable<void> wait_loop(std::shared_ptr<Waiter> w, bool once);
  // `one`: that connection's RASCN_Disconnection, once; nullopt: every connection's changes.
  void start(const boost::asio::any_io_executor& ex, std::optional<Handle> one, std::function<void()> f);

  // Owned by the waiting coroutine, so it lives exactly as long as the wait can complete
  // (also when the io_context is destroyed first); the watch only closes its event.
  std::weak_ptr<Waiter> waiter_;
  std::uint32_t error_ = 0;
};

}  // namespace rasbroker::ras::win32
