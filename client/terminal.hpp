#pragma once
// The console: is a stream a terminal, UTF-8 console output, UTF-8 arguments.
#include <string>
#include <vector>

namespace rasbroker::client {

bool stdout_is_terminal() noexcept;
bool stdin_is_terminal() noexcept;

// Windows: switches the console's output code page to UTF-8 for the life of the
// object (and restores it). Elsewhere: nothing.
class ConsoleUtf8 {
 public:
  ConsoleUtf8();
  ~ConsoleUtf8();
  ConsoleUtf8(const ConsoleUtf8&) = delete;
  ConsoleUtf8& operator=(const ConsoleUtf8&) = delete;

 private:
  unsigned int previous_ = 0;
};

// The program's arguments as UTF-8: on Windows from the UTF-16 command line (argv
// is in the ANSI code page there), elsewhere argv as it is.
std::vector<std::string> utf8_arguments(int argc, char** argv);

// Overwrites a command-line argument in the process's own memory so that process
// listings stop showing it (POSIX; best effort, the window before remains).
void hide_argument(int argc, char** argv, std::size_t index) noexcept;

}  // namespace rasbroker::client
