// Process-wide table of RasDial contexts (why a table and not a pointer: dial_contexts.hpp).
#include "ras/win32/dial_contexts.hpp"

#include <utility>

namespace rasbroker::ras::win32 {

DialContexts& DialContexts::instance() {
  // Never destroyed: RAS may call back while the process is shutting down.
  static DialContexts* const table = new DialContexts();
  return *table;
}

std::uintptr_t DialContexts::add(DialProgressFn progress) {
  std::lock_guard lock(mu_);
  const auto id = ++next_id_;
  contexts_.emplace(id, std::make_shared<const DialProgressFn>(std::move(progress)));
  return id;
}

void DialContexts::remove(std::uintptr_t id) {
  std::lock_guard lock(mu_);
  contexts_.erase(id);
}

std::shared_ptr<const DialProgressFn> DialContexts::find(std::uintptr_t id) {
  std::lock_guard lock(mu_);
  const auto it = contexts_.find(id);
  return it == contexts_.end() ? nullptr : it->second;
}

DWORD WINAPI DialContexts::callback(ULONG_PTR id, DWORD sub_entry, HRASCONN conn, UINT, RASCONNSTATE state,
                                    DWORD error, DWORD extended_error) {
  // The shared_ptr keeps the function alive for this call even if the dial is released
  // meanwhile; the table lock is not held while it runs.
  const auto progress = instance().find(id);
  if (!progress || !*progress) return 0;  // released: RAS may stop notifying
  try {
    // The link and the extended error go through as RAS gave them: which link failed, and
    // the NetBIOS or routing detail of a 639/640/645/650, are what an operator needs.
    (*progress)(DialProgress{.handle = static_cast<Handle>(reinterpret_cast<std::uintptr_t>(conn)),
                             .state = static_cast<ConnState>(static_cast<std::uint32_t>(state)),
                             .error = error,
                             .sub_entry = sub_entry,
                             .extended_error = extended_error});
  } catch (...) {
    // Nothing may unwind into RAS's thread.
  }
  return 1;  // keep the notifications coming
}

}  // namespace rasbroker::ras::win32
