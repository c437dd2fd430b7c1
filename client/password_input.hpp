#pragma once
// Reading a password from standard input: on a terminal (POSIX) or a console (Windows)
// with a prompt and without echo, otherwise one plain line (piped, redirected). Every
// path goes through one reader, read_secret_line.
#include <array>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include <rasbroker/protocol/secret.hpp>

namespace rasbroker::client {

// prompt: written to standard error, only on a terminal / console. Throws ClientError
// (usage when standard input is empty or the line too long, local when reading fails).
protocol::Secret read_password_from_stdin(const std::string& prompt);

constexpr std::size_t kMaxPasswordBytes = 4096;

// What a source of secret input gave for one read: a byte (or a UTF-16 unit), the end of
// the input, or a failure.
enum class SecretRead { got, end, failed };

// The one secret reader: one line from next_byte, asked for one byte at a time so that
// no stdio or console buffer keeps a copy, and nothing after the '\n' is consumed.
// Trailing "\r" / "\n" are stripped. What it read is wiped on every path (the Secret owns
// it on success). Throws ClientError: usage when the source ended before any byte ("no
// password on standard input") or the line is longer than kMaxPasswordBytes; local when
// next_byte failed ("reading the password from <source> failed").
protocol::Secret read_secret_line(const std::function<SecretRead(char&)>& next_byte, std::string_view source);

#ifdef _WIN32
// The console gives UTF-16 code units, the reader takes UTF-8 bytes: one code point is
// read at a time (in line-input mode the console keeps the rest of the line for the next
// ReadConsoleW) and its bytes handed out one by one. An unpaired surrogate becomes U+FFFD.
// Every copy is wiped.
class ConsoleBytes {
 public:
  using ReadUnit = std::function<SecretRead(wchar_t&)>;  // one UTF-16 unit
  explicit ConsoleBytes(ReadUnit read_unit) : read_unit_(std::move(read_unit)) {}
  ~ConsoleBytes();
  ConsoleBytes(const ConsoleBytes&) = delete;
  ConsoleBytes& operator=(const ConsoleBytes&) = delete;

  SecretRead next(char& c);  // for read_secret_line

 private:
  SecretRead read_code_point();

  ReadUnit read_unit_;
  std::array<char, 8> pending_{};  // two UTF-16 units give at most 6 UTF-8 bytes
  std::size_t count_ = 0, taken_ = 0;
};
#endif

}  // namespace rasbroker::client
