#include "password_input.hpp"

#include "client_error.hpp"
#include "terminal.hpp"

#ifdef _WIN32
#include <windows.h>

#include "core/utf16.hpp"
#else
#include <csignal>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#endif

namespace rasbroker::client {

namespace {

constexpr std::size_t kMaxPasswordBytes = 4096;

void strip_line_end(std::string& s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
}

[[noreturn]] void no_password() {
  throw ClientError(ClientError::Kind::usage, "no password on standard input");
}

#ifdef _WIN32

HANDLE g_console_in = nullptr;
DWORD g_saved_mode = 0;

BOOL WINAPI restore_console_mode(DWORD) {
  if (g_console_in != nullptr) SetConsoleMode(g_console_in, g_saved_mode);
  return FALSE;  // let the default handler end the process
}

// One line of bytes from a pipe or file, read byte by byte so that no buffer keeps
// a copy of the password.
protocol::Secret read_plain_line(HANDLE in) {
  std::string line;
  line.reserve(kMaxPasswordBytes + 2);
  bool any = false;
  bool too_long = false;
  for (;;) {
    char c = 0;
    DWORD got = 0;
    if (!ReadFile(in, &c, 1, &got, nullptr) || got == 0) break;  // eof or broken pipe
    any = true;
    if (c == '\n') break;
    if (line.size() < kMaxPasswordBytes) {
      line.push_back(c);
    } else {
      too_long = true;
    }
  }
  if (!any) no_password();
  if (too_long) {
    protocol::wipe(line);
    throw ClientError(ClientError::Kind::usage, "the password on standard input is longer than 4096 bytes");
  }
  strip_line_end(line);
  protocol::Secret secret(std::move(line));
  return secret;
}

protocol::Secret read_console_line(HANDLE in, const std::string& prompt) {
  HANDLE err = GetStdHandle(STD_ERROR_HANDLE);
  const std::wstring wprompt = widen(prompt);
  DWORD written = 0;
  if (!WriteConsoleW(err, wprompt.data(), static_cast<DWORD>(wprompt.size()), &written, nullptr)) {
    WriteFile(err, prompt.data(), static_cast<DWORD>(prompt.size()), &written, nullptr);
  }
  DWORD mode = 0;
  GetConsoleMode(in, &mode);
  g_console_in = in;
  g_saved_mode = mode;
  SetConsoleCtrlHandler(restore_console_mode, TRUE);
  SetConsoleMode(in, (mode | ENABLE_LINE_INPUT | ENABLE_PROCESSED_INPUT) & ~static_cast<DWORD>(ENABLE_ECHO_INPUT));
  std::wstring wide(kMaxPasswordBytes + 2, L'\0');
  DWORD got = 0;
  const BOOL ok = ReadConsoleW(in, wide.data(), static_cast<DWORD>(wide.size()), &got, nullptr);
  SetConsoleMode(in, mode);
  SetConsoleCtrlHandler(restore_console_mode, FALSE);
  g_console_in = nullptr;
  WriteFile(err, "\r\n", 2, &written, nullptr);
  if (!ok) {
    SecureZeroMemory(wide.data(), wide.size() * sizeof(wchar_t));
    throw ClientError(ClientError::Kind::local, "reading the password from the console failed");
  }
  std::string line = narrow(std::wstring_view(wide.data(), got));
  SecureZeroMemory(wide.data(), wide.size() * sizeof(wchar_t));
  strip_line_end(line);
  return protocol::Secret(std::move(line));
}

#else

termios g_saved{};
volatile std::sig_atomic_t g_echo_off = 0;

extern "C" void restore_echo_and_reraise(int sig) {
  if (g_echo_off != 0) ::tcsetattr(STDIN_FILENO, TCSANOW, &g_saved);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

// One line, read byte by byte (no stdio buffer keeps a copy of the password).
protocol::Secret read_fd_line() {
  std::string line;
  line.reserve(kMaxPasswordBytes + 2);
  bool any = false;
  bool too_long = false;
  for (;;) {
    char c = 0;
    const ssize_t n = ::read(STDIN_FILENO, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      protocol::wipe(line);
      throw ClientError(ClientError::Kind::local, "reading the password from standard input failed");
    }
    if (n == 0) break;
    any = true;
    if (c == '\n') break;
    if (line.size() < kMaxPasswordBytes) {
      line.push_back(c);
    } else {
      too_long = true;
    }
  }
  if (!any) no_password();
  if (too_long) {
    protocol::wipe(line);
    throw ClientError(ClientError::Kind::usage, "the password on standard input is longer than 4096 bytes");
  }
  strip_line_end(line);
  return protocol::Secret(std::move(line));
}

#endif

}  // namespace

protocol::Secret read_password_from_stdin(const std::string& prompt) {
#ifdef _WIN32
  HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
  DWORD mode = 0;
  if (in != nullptr && in != INVALID_HANDLE_VALUE && GetConsoleMode(in, &mode)) return read_console_line(in, prompt);
  return read_plain_line(in);
#else
  if (!stdin_is_terminal() || ::tcgetattr(STDIN_FILENO, &g_saved) != 0) return read_fd_line();
  (void)!::write(STDERR_FILENO, prompt.data(), prompt.size());
  termios quiet = g_saved;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  quiet.c_lflag |= ICANON;
  auto old_int = std::signal(SIGINT, restore_echo_and_reraise);
  auto old_term = std::signal(SIGTERM, restore_echo_and_reraise);
  auto old_hup = std::signal(SIGHUP, restore_echo_and_reraise);
  g_echo_off = 1;
  ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  struct Restore {
    decltype(old_int) i, t, h;
    ~Restore() {
      ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_saved);
      g_echo_off = 0;
      std::signal(SIGINT, i);
      std::signal(SIGTERM, t);
      std::signal(SIGHUP, h);
      (void)!::write(STDERR_FILENO, "\n", 1);
    }
  } restore{old_int, old_term, old_hup};
  return read_fd_line();
#endif
}

}  // namespace rasbroker::client
