#include "win32/win32_message.hpp"

#include <windows.h>

#include <string_view>

#include "win32/handles.hpp"
#include "win32/utf16.hpp"

namespace rasbroker {

std::string system_message(std::uint32_t code) {
  LocalPtr<wchar_t> buffer;
  // With FORMAT_MESSAGE_ALLOCATE_BUFFER the "buffer" argument receives a pointer.
  const DWORD n = FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM |
                                     FORMAT_MESSAGE_IGNORE_INSERTS,
                                 nullptr, code, 0, reinterpret_cast<wchar_t*>(buffer.out()), 0, nullptr);
  std::string text;
  if (n > 0 && buffer) text = narrow(std::wstring_view(buffer.get(), n));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

std::string win32_error_text(std::uint32_t code) {
  std::string text = system_message(code);
  if (text.empty()) text = "Windows error";
  return text + " (error " + std::to_string(code) + ")";
}

}  // namespace rasbroker
