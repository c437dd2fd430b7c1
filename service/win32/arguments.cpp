#include "win32/arguments.hpp"

#include <windows.h>
#include <shellapi.h>

#include "win32/handles.hpp"
#include "win32/utf16.hpp"

namespace rasbroker {

std::optional<std::vector<std::string>> utf8_argv(const wchar_t* command_line) {
  int argc = 0;
  // The array and its strings are one LocalAlloc block.
  const LocalPtr<wchar_t*> argv(CommandLineToArgvW(command_line, &argc));
  if (!argv) return std::nullopt;
  std::vector<std::string> out;
  out.reserve(static_cast<std::size_t>(argc));
  for (int i = 0; i < argc; ++i) out.push_back(narrow(argv.get()[i]));
  return out;
}

}  // namespace rasbroker
