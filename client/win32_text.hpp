#pragma once
// Windows only: UTF-8 <-> UTF-16 and error texts.
#ifdef _WIN32
#include <windows.h>

#include <string>
#include <string_view>

namespace rasbroker::client::win32 {

std::wstring to_wide(std::string_view utf8);    // invalid bytes become U+FFFD
std::string to_utf8(std::wstring_view utf16);   // unpaired surrogates become U+FFFD
std::string error_text(DWORD error);            // "The system cannot find the file specified. (2)"

}  // namespace rasbroker::client::win32
#endif
