#include "terminal.hpp"

#include <cstring>
#include <utility>

#ifdef _WIN32
#include <windows.h>

#include "win32/arguments.hpp"
#else
#include <unistd.h>
#endif

namespace rasbroker::client {

#ifdef _WIN32

namespace {
bool is_console(DWORD which) {
  DWORD mode = 0;
  HANDLE h = GetStdHandle(which);
  return h != nullptr && h != INVALID_HANDLE_VALUE && GetConsoleMode(h, &mode) != 0;
}
}  // namespace

bool stdout_is_terminal() noexcept { return is_console(STD_OUTPUT_HANDLE); }
bool stdin_is_terminal() noexcept { return is_console(STD_INPUT_HANDLE); }

ConsoleUtf8::ConsoleUtf8() {
  if (is_console(STD_OUTPUT_HANDLE) || is_console(STD_ERROR_HANDLE)) {
    previous_ = GetConsoleOutputCP();
    SetConsoleOutputCP(CP_UTF8);
  }
}

ConsoleUtf8::~ConsoleUtf8() {
  if (previous_ != 0) SetConsoleOutputCP(previous_);
}

std::vector<std::string> utf8_arguments(int argc, char** argv) {
  if (auto wide = utf8_argv(GetCommandLineW())) return std::move(*wide);
  // The system could not split the command line: the ANSI arguments are better than none.
  return std::vector<std::string>(argv, argv + argc);
}

void hide_argument(int, char**, std::size_t) noexcept {}

#else

bool stdout_is_terminal() noexcept { return ::isatty(STDOUT_FILENO) == 1; }
bool stdin_is_terminal() noexcept { return ::isatty(STDIN_FILENO) == 1; }

ConsoleUtf8::ConsoleUtf8() = default;
ConsoleUtf8::~ConsoleUtf8() = default;

std::vector<std::string> utf8_arguments(int argc, char** argv) {
  std::vector<std::string> out;
  out.reserve(static_cast<std::size_t>(argc));
  for (int i = 0; i < argc; ++i) out.emplace_back(argv[i]);
  return out;
}

void hide_argument(int argc, char** argv, std::size_t index) noexcept {
  if (index < static_cast<std::size_t>(argc) && argv[index] != nullptr) {
    const std::size_t n = std::strlen(argv[index]);
    std::memset(argv[index], '*', n);
  }
}

#endif

}  // namespace rasbroker::client
