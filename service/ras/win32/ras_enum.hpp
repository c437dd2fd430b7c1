#pragma once
// The buffer protocol of the RasEnum* calls (docs/ras-rules.md, "The buffer protocol"),
// written once for RasEnumConnectionsW and RasEnumEntriesW (Windows only).
#include <windows.h>
#include <raserror.h>

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

namespace rasbroker::ras::win32 {

// Connections can appear between two calls, so a few rounds may be needed, but never
// endlessly: after this many ERROR_BUFFER_TOO_SMALL answers the enumeration fails with it.
constexpr int kEnumAttempts = 8;

// Calls `enumerate(T* buffer, DWORD* bytes, DWORD* count)` — a RasEnum* call with its
// other arguments bound — with a zeroed buffer whose first element carries dwSize, as
// RAS requires. On ERROR_BUFFER_TOO_SMALL RAS has written the bytes it needs into `bytes`:
// the buffer grows to that (at least one element more) and the call is repeated.
// On success `out` holds the `count` elements RAS filled; on any error it is empty.
template <typename T, typename Enumerate>
DWORD ras_enumerate(std::vector<T>& out, Enumerate&& enumerate) {
  out.clear();
  std::size_t capacity = 1;
  for (int attempt = 0; attempt < kEnumAttempts; ++attempt) {
    std::vector<T> buffer(capacity);
    for (auto& element : buffer) ZeroMemory(&element, sizeof element);
    buffer.front().dwSize = sizeof(T);
    DWORD bytes = static_cast<DWORD>(buffer.size() * sizeof(T));
    DWORD count = 0;
    const DWORD rc = enumerate(buffer.data(), &bytes, &count);
    if (rc == ERROR_BUFFER_TOO_SMALL) {
      capacity = std::max<std::size_t>((bytes + sizeof(T) - 1) / sizeof(T), capacity + 1);
      continue;
    }
    if (rc != ERROR_SUCCESS) return rc;
    buffer.resize(std::min<std::size_t>(count, buffer.size()));
    out = std::move(buffer);
    return ERROR_SUCCESS;
  }
  return ERROR_BUFFER_TOO_SMALL;
}

}  // namespace rasbroker::ras::win32
