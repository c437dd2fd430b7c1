#include "password_input.hpp"

#include <algorithm>
#include <array>

#include "client_error.hpp"
#include "terminal.hpp"

#ifdef _WIN32
#include <windows.h>

#include "win32/utf16.hpp"
#else
#include <csignal>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#endif

namespace rasbroker::client {

namespace {

void strip_line_end(std::string& s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
}

#ifdef _WIN32

HANDLE g_console_in = nullptr;
DWORD g_saved_mode = 0;

BOOL WINAPI restore_console_mode(DWORD) {
  if (g_console_in != nullptr) SetConsoleMode(g_console_in, g_saved_mode);
  return FALSE;  // let the default handler end the process
}

// A pipe or a file. A failed read counts as the end: a broken pipe is how the writer's
// exit shows, and no standard input at all means no password either.
SecretRead read_file_byte(HANDLE in, char& c) {
  DWORD got = 0;
  if (!ReadFile(in, &c, 1, &got, nullptr) || got == 0) return SecretRead::end;
  return SecretRead::got;
}

SecretRead read_console_unit(HANDLE in, wchar_t& unit) {
  DWORD got = 0;
  if (!ReadConsoleW(in, &unit, 1, &got, nullptr)) return SecretRead::failed;
  return got == 1 ? SecretRead::got : SecretRead::end;
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
  struct Restore {  // also when reading throws
    HANDLE in, err;
    DWORD mode;
    ~Restore() {
      SetConsoleMode(in, mode);
      SetConsoleCtrlHandler(restore_console_mode, FALSE);
      g_console_in = nullptr;
      DWORD n = 0;
      WriteFile(err, "\r\n", 2, &n, nullptr);  // the user's Enter was not echoed
    }
  } restore{in, err, mode};
  ConsoleBytes bytes([in](wchar_t& unit) { return read_console_unit(in, unit); });
  return read_secret_line([&bytes](char& c) { return bytes.next(c); }, "the console");
}

#else

termios g_saved{};
volatile std::sig_atomic_t g_echo_off = 0;

extern "C" void restore_echo_and_reraise(int sig) {
  if (g_echo_off != 0) ::tcsetattr(STDIN_FILENO, TCSANOW, &g_saved);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

SecretRead read_stdin_byte(char& c) {
  for (;;) {
    const ssize_t n = ::read(STDIN_FILENO, &c, 1);
    if (n == 1) return SecretRead::got;
    if (n == 0) return SecretRead::end;
    if (errno != EINTR) return SecretRead::failed;
  }
}

protocol::Secret read_stdin_line() { return read_secret_line(read_stdin_byte, "standard input"); }

#endif

}  // namespace

#ifdef _WIN32

ConsoleBytes::~ConsoleBytes() { SecureZeroMemory(pending_.data(), pending_.size()); }

SecretRead ConsoleBytes::next(char& c) {
  if (taken_ == count_) {
    if (const SecretRead r = read_code_point(); r != SecretRead::got) return r;
  }
  c = pending_[taken_];
  pending_[taken_++] = '\0';
  return SecretRead::got;
}

SecretRead ConsoleBytes::read_code_point() {
  std::array<wchar_t, 2> units{};
  if (const SecretRead r = read_unit_(units[0]); r != SecretRead::got) return r;
  std::size_t n = 1;
  if (units[0] >= 0xD800 && units[0] <= 0xDBFF) {  // a high surrogate: its pair follows
    if (const SecretRead r = read_unit_(units[1]); r == SecretRead::got) {
      n = 2;
    } else if (r == SecretRead::failed) {
      return r;
    }
  }
  std::string utf8 = narrow(std::wstring_view(units.data(), n));
  SecureZeroMemory(units.data(), sizeof units);
  count_ = std::min(utf8.size(), pending_.size());
  std::copy_n(utf8.data(), count_, pending_.data());
  taken_ = 0;
  protocol::wipe(utf8);
  return count_ > 0 ? SecretRead::got : SecretRead::end;
}

#endif

protocol::Secret read_secret_line(const std::function<SecretRead(char&)>& next_byte, std::string_view source) {
  std::string line;
  line.reserve(kMaxPasswordBytes + 1);  // never grows: no reallocation leaves a copy behind
  char c = 0;
  struct WipeOnExit {  // the last byte read, and the line unless the Secret took it
    std::string& line;
    char& c;
    ~WipeOnExit() {
      protocol::wipe(line);
      *static_cast<volatile char*>(&c) = '\0';
    }
  } wipe_on_exit{line, c};

  bool any = false;
  bool too_long = false;
  for (;;) {
    const SecretRead result = next_byte(c);
    if (result == SecretRead::failed) {
      throw ClientError(ClientError::Kind::local, "reading the password from " + std::string(source) + " failed");
    }
    if (result == SecretRead::end) break;
    any = true;
    if (c == '\n') break;
    if (line.size() < kMaxPasswordBytes) {
      line.push_back(c);
    } else {
      too_long = true;  // read on to the end of the line, keeping nothing more
    }
  }
  if (!any) throw ClientError(ClientError::Kind::usage, "no password on standard input");
  if (too_long) {
    throw ClientError(ClientError::Kind::usage, "the password on standard input is longer than " +
                                                    std::to_string(kMaxPasswordBytes) + " bytes");
  }
  strip_line_end(line);
  return protocol::Secret(std::move(line));
}

protocol::Secret read_password_from_stdin(const std::string& prompt) {
#ifdef _WIN32
  HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
  DWORD mode = 0;
  if (in != nullptr && in != INVALID_HANDLE_VALUE && GetConsoleMode(in, &mode)) return read_console_line(in, prompt);
  return read_secret_line([in](char& c) { return read_file_byte(in, c); }, "standard input");
#else
  if (!stdin_is_terminal() || ::tcgetattr(STDIN_FILENO, &g_saved) != 0) return read_stdin_line();
  (void)!::write(STDERR_FILENO, prompt.data(), prompt.size());
  termios quiet = g_saved;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  quiet.c_lflag |= ICANON;
  auto old_int = std::signal(SIGINT, restore_echo_and_reraise);
  auto old_term = std::signal(SIGTERM, restore_echo_and_reraise);
  auto old_hup = std::signal(SIGHUP, restore_echo_and_reraise);
  g_echo_off = 1;
  ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  struct Restore {  // also when reading throws
    decltype(old_int) i, t, h;
    ~Restore() {
      ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_saved);
      g_echo_off = 0;
      std::signal(SIGINT, i);
      std::signal(SIGTERM, t);
      std::signal(SIGHUP, h);
      (void)!::write(STDERR_FILENO, "\n", 1);  // the user's Enter was not echoed
    }
  } restore{old_int, old_term, old_hup};
  return read_stdin_line();
#endif
}

}  // namespace rasbroker::client
