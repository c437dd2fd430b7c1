#pragma once
// Writing UTF-8 strings into the fixed WCHAR arrays of RAS structures, and the structure
// sizes the simulated rasapi32.dll accepts (the dwSize check).
#include <windows.h>
#include <ras.h>

#include <cstddef>
#include <string_view>

#include "core/utf16.hpp"

namespace rasbroker::sim::dll {

// The current sizes with _WIN32_WINNT 0x0A00 (../shared/notes/windows-on-linux.md). Real
// RAS also accepts older layouts; callers built against current headers never send them.
static_assert(sizeof(RASCONNW) == 1372);
static_assert(sizeof(RASCONNSTATUSW) == 564);
static_assert(sizeof(RASDIALPARAMSW) == 2112);
static_assert(sizeof(RASENTRYNAMEW) == 1048);
static_assert(sizeof(RASDIALEXTENSIONS) == 44);

// Copies `utf8` as UTF-16 into `field`, cut to fit, always NUL-terminated.
template <std::size_t N>
void set_field(WCHAR (&field)[N], std::string_view utf8) {
  const std::wstring wide = widen(utf8);
  const std::size_t n = wide.size() < N - 1 ? wide.size() : N - 1;
  wide.copy(field, n);
  field[n] = L'\0';
}

// The NUL-terminated (or full) contents of a fixed field as UTF-8.
template <std::size_t N>
std::string field_text(const WCHAR (&field)[N]) {
  std::size_t n = 0;
  while (n < N && field[n] != L'\0') ++n;
  return narrow(std::wstring_view(field, n));
}

}  // namespace rasbroker::sim::dll
