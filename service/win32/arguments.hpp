#pragma once
// A program's arguments as UTF-8 (Windows only). main's argv is in the ANSI code page,
// which cannot hold every name; the UTF-16 command line can.
#ifdef _WIN32
#include <optional>
#include <string>
#include <vector>

namespace rasbroker {

// Splits a UTF-16 command line (normally GetCommandLineW()) as CommandLineToArgvW does —
// the program's name first — and converts each argument to UTF-8. nullopt when the
// system cannot split it (CommandLineToArgvW fails only for lack of memory); the caller
// decides what to fall back to.
std::optional<std::vector<std::string>> utf8_argv(const wchar_t* command_line);

}  // namespace rasbroker
#endif
