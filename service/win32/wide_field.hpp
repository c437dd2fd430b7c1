#pragma once
// Fixed-size UTF-16 fields — the WCHAR arrays of RAS structures and caller-sized buffers —
// written and read in one way for the whole project (Windows only).
//
// One behaviour: a value that does not fit, with its terminating NUL, is REFUSED, never
// cut. A cut entry name or user name is another name (RAS would find the wrong entry or
// authenticate as nobody), so every caller turns a refusal into an error of its own. A
// refused field is left empty (NUL-terminated), never holding part of the value.
#ifdef _WIN32
#include <windows.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "win32/utf16.hpp"

namespace rasbroker {

// Copies `text` and a terminating NUL into dest[0..capacity). False, and dest holds ""
// (when capacity > 0), when text.size() + 1 > capacity.
[[nodiscard]] bool copy_to_wide_buffer(std::wstring_view text, wchar_t* dest, std::size_t capacity) noexcept;

// The UTF-16 form of `utf8`, by copy_to_wide_buffer's rule. The temporary UTF-16 copy
// is wiped before it is freed: the value may be a password.
[[nodiscard]] bool copy_utf8_to_wide_buffer(std::string_view utf8, wchar_t* dest, std::size_t capacity);

// The same into a fixed field of a structure, e.g. RASDIALPARAMSW::szEntryName.
template <std::size_t N>
[[nodiscard]] bool copy_to_wide_field(WCHAR (&field)[N], std::string_view utf8) {
  return copy_utf8_to_wide_buffer(utf8, field, N);
}

// One fixed field into another of the same size (RASCREDENTIALSW::szUserName into
// RASDIALPARAMSW::szUserName): false, and dest holds "", when src has no NUL.
template <std::size_t N>
[[nodiscard]] bool copy_wide_field(WCHAR (&dest)[N], const WCHAR (&src)[N]) noexcept {
  std::size_t n = 0;
  while (n < N && src[n] != L'\0') ++n;
  return copy_to_wide_buffer(std::wstring_view(src, n), dest, N);
}

// A fixed field as UTF-8: up to its first NUL, or all N characters when it has none.
template <std::size_t N>
std::string wide_field_text(const WCHAR (&field)[N]) {
  std::size_t n = 0;
  while (n < N && field[n] != L'\0') ++n;
  return narrow(std::wstring_view(field, n));
}

}  // namespace rasbroker
#endif
