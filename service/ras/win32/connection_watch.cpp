// The RasConnectionNotification waiter (design: connection_watch.hpp).
#include "ras/win32/connection_watch.hpp"

#include <ras.h>

#include <utility>

namespace rasbroker::ras::win32 {

ConnectionWatch::ConnectionWatch(std::function<void()> changed) : changed_(std::move(changed)) {
  event_ = CreateEventW(nullptr, FALSE, FALSE, nullptr);
  stop_ = CreateEventW(nullptr, TRUE, FALSE, nullptr);
  if (event_ == nullptr || stop_ == nullptr) {
    error_ = GetLastError();
    return;
  }
  // RASCN_Connection is only valid for "every connection" (INVALID_HANDLE_VALUE).
  error_ = RasConnectionNotificationW(static_cast<HRASCONN>(INVALID_HANDLE_VALUE), event_,
                                      RASCN_Connection | RASCN_Disconnection);
  if (error_ == ERROR_SUCCESS) thread_ = std::thread([this] { run(); });
}

ConnectionWatch::~ConnectionWatch() {
  if (stop_ != nullptr) SetEvent(stop_);
  if (thread_.joinable()) thread_.join();
  // RAS keeps its own reference to a registered event: closing ours is what ends our
  // part (there is no call to unregister).
  if (event_ != nullptr) CloseHandle(event_);
  if (stop_ != nullptr) CloseHandle(stop_);
}

void ConnectionWatch::run() {
  const HANDLE handles[] = {stop_, event_};  // stop first: it wins when both are signalled
  for (;;) {
    const DWORD which = WaitForMultipleObjects(2, handles, FALSE, INFINITE);
    if (which != WAIT_OBJECT_0 + 1) return;  // stopped, or the wait itself failed
    try {
      changed_();
    } catch (...) {
      // A hint that could not be delivered: the caller's backstop poll covers it.
    }
  }
}

}  // namespace rasbroker::ras::win32
