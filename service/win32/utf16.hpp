#pragma once
// UTF-8 <-> UTF-16 at the Win32 boundary (Windows only): the service works in UTF-8,
// Win32 "W" functions in UTF-16. The one place the project converts.
#ifdef _WIN32
#include <string>
#include <string_view>

namespace rasbroker {

// Invalid UTF-8 never fails or crashes: each bad sequence becomes U+FFFD.
std::wstring widen(std::string_view utf8);
// Unpaired surrogates become U+FFFD (encoded as EF BF BD).
std::string narrow(std::wstring_view utf16);

}  // namespace rasbroker
#endif
