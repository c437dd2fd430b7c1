#pragma once
// The system's text for a Win32 error code (Windows only). The one FormatMessage call of
// the project: the service host, the RAS backend and the client all word errors alike.
#ifdef _WIN32
#include <cstdint>
#include <string>

namespace rasbroker {

// FormatMessage(FROM_SYSTEM) in UTF-8 without the trailing line break; "" when the
// system has no text for `code`.
std::string system_message(std::uint32_t code);

// For logs and error replies: "The system cannot find the file specified. (error 2)";
// "Windows error (error N)" when the system has no text.
std::string win32_error_text(std::uint32_t code);

}  // namespace rasbroker
#endif
