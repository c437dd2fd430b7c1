#include "win32/wide_field.hpp"

namespace rasbroker {

bool copy_to_wide_buffer(std::wstring_view text, wchar_t* dest, std::size_t capacity) noexcept {
  if (text.size() >= capacity) {
    if (capacity > 0) dest[0] = L'\0';
    return false;
  }
  text.copy(dest, text.size());
  dest[text.size()] = L'\0';
  return true;
}

bool copy_utf8_to_wide_buffer(std::string_view utf8, wchar_t* dest, std::size_t capacity) {
  std::wstring wide = widen(utf8);
  const bool copied = copy_to_wide_buffer(wide, dest, capacity);
  SecureZeroMemory(wide.data(), wide.size() * sizeof(wchar_t));
  return copied;
}

}  // namespace rasbroker
