#pragma once
// The contexts of RasDial calls in flight, keyed by the id passed as RasDialFunc2's
// dwCallbackId (Windows only).
//
// RAS calls back on its own threads and may do so late: a notification already under
// way when RasHangUp returns, or one for a connection whose backend is gone. So the
// callback never dereferences a pointer it was given: dwCallbackId is a number looked up
// in this process-wide table (never destroyed), and a context that has been released
// is simply not found (the callback then returns 0: "stop notifying"). A context holds
// the broker's DialProgressFn; its lifetime is otherwise the backend's business.
#include <windows.h>
#include <ras.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "ras/ras_api.hpp"

namespace rasbroker::ras::win32 {

class DialContexts {
 public:
  static DialContexts& instance();

  std::uintptr_t add(DialProgressFn progress);  // never 0
  void remove(std::uintptr_t id);

  // RASDIALFUNC2: invokes the context's progress function (which only posts and returns).
  static DWORD WINAPI callback(ULONG_PTR id, DWORD sub_entry, HRASCONN conn, UINT message, RASCONNSTATE state,
                               DWORD error, DWORD extended_error);

 private:
  DialContexts() = default;
  std::shared_ptr<const DialProgressFn> find(std::uintptr_t id);

  std::mutex mu_;
  std::uintptr_t next_id_ = 0;
  std::unordered_map<std::uintptr_t, std::shared_ptr<const DialProgressFn>> contexts_;
};

}  // namespace rasbroker::ras::win32
