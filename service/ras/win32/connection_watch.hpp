#pragma once
// RasConnectionNotification as a callback (Windows only): an auto-reset event registered
// for RASCN_Connection | RASCN_Disconnection on every connection, waited on by one small
// thread that invokes the callback.
//
// Why a thread: Asio's object_handle would need the broker's executor in the RAS seam;
// a dedicated waiter keeps the seam portable. It only waits and calls `changed` (which
// posts into the broker's executor); the destructor stops and joins it.
#include <windows.h>

#include <cstdint>
#include <functional>
#include <thread>

namespace rasbroker::ras::win32 {

class ConnectionWatch {
 public:
  // Registers the event with RAS and starts the waiter; error() tells whether that worked
  // (on failure no thread runs and `changed` is never called).
  explicit ConnectionWatch(std::function<void()> changed);
  ~ConnectionWatch();
  ConnectionWatch(const ConnectionWatch&) = delete;
  ConnectionWatch& operator=(const ConnectionWatch&) = delete;

  std::uint32_t error() const { return error_; }

 private:
  void run();

  std::function<void()> changed_;
  HANDLE event_ = nullptr;  // auto-reset, signalled by RAS
  HANDLE stop_ = nullptr;   // manual-reset, signalled by the destructor
  std::uint32_t error_ = 0;
  std::thread thread_;
};

}  // namespace rasbroker::ras::win32
