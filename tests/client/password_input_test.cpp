// The one secret reader behind every way the client reads a password: from a scripted
// byte source, and from a real pipe as standard input (the piped path of
// read_password_from_stdin on both platforms).
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <string_view>

#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#else
#include <unistd.h>
#endif

#include "client_error.hpp"
#include "password_input.hpp"

namespace rasbroker::client {
namespace {

// Hands out `text` one byte (or UTF-16 unit) at a time, then the end (or a failure).
template <typename Unit>
struct Scripted {
  std::basic_string<Unit> text;
  bool fail_at_end = false;
  std::size_t at = 0;

  SecretRead operator()(Unit& c) {
    if (at == text.size()) return fail_at_end ? SecretRead::failed : SecretRead::end;
    c = text[at++];
    return SecretRead::got;
  }
};
using ScriptedBytes = Scripted<char>;

std::string read_from(ScriptedBytes& source) {
  return read_secret_line([&source](char& c) { return source(c); }, "standard input").reveal();
}

ClientError error_from(ScriptedBytes source) {
  try {
    (void)read_secret_line([&source](char& c) { return source(c); }, "standard input");
  } catch (const ClientError& e) {
    return e;
  }
  ADD_FAILURE() << "no error";
  return ClientError(ClientError::Kind::local, "");
}

TEST(SecretReader, ReadsOneLineAndNothingAfterIt) {
  ScriptedBytes source{"s3cret pass\nnext line"};
  EXPECT_EQ(read_from(source), "s3cret pass");
  EXPECT_EQ(source.at, 12u) << "the byte after the newline stays unread";
  EXPECT_EQ(read_from(source), "next line") << "a last line without newline";
}

TEST(SecretReader, StripsTheLineEnd) {
  for (const std::string text : {"pw\r\n", "pw\n", "pw", "pw\r", "pw\r\r\n"}) {
    ScriptedBytes source{text};
    EXPECT_EQ(read_from(source), "pw") << text.size();
  }
}

TEST(SecretReader, AnEmptyLineIsAnEmptyPassword) {
  ScriptedBytes source{"\n"};
  EXPECT_EQ(read_from(source), "");
  ScriptedBytes crlf{"\r\n"};
  EXPECT_EQ(read_from(crlf), "");
}

TEST(SecretReader, KeepsEveryByteAsItIs) {
  ScriptedBytes source{"B\xC3\xBCro \xF0\x9F\x94\x91 \t*/\\\n"};
  EXPECT_EQ(read_from(source), "B\xC3\xBCro \xF0\x9F\x94\x91 \t*/\\");
}

TEST(SecretReader, NothingToReadIsAUsageError) {
  const ClientError e = error_from(ScriptedBytes{""});
  EXPECT_EQ(e.kind(), ClientError::Kind::usage);
  EXPECT_STREQ(e.what(), "no password on standard input");
}

TEST(SecretReader, TheLimitIs4096Bytes) {
  ScriptedBytes longest{std::string(kMaxPasswordBytes, 'p') + "\n"};
  EXPECT_EQ(read_from(longest).size(), kMaxPasswordBytes);

  ScriptedBytes too_long{std::string(kMaxPasswordBytes + 1, 'q') + "\nnext"};
  try {
    (void)read_secret_line([&too_long](char& c) { return too_long(c); }, "standard input");
    ADD_FAILURE() << "accepted";
  } catch (const ClientError& e) {
    EXPECT_EQ(e.kind(), ClientError::Kind::usage);
    EXPECT_STREQ(e.what(), "the password on standard input is longer than 4096 bytes");
  }
  EXPECT_EQ(too_long.text.substr(too_long.at), "next") << "the whole long line is consumed, nothing more";
}

TEST(SecretReader, AFailedReadIsALocalErrorThatShowsNothingRead) {
  const ClientError e = error_from(ScriptedBytes{"Quokka", true});
  EXPECT_EQ(e.kind(), ClientError::Kind::local);
  EXPECT_STREQ(e.what(), "reading the password from standard input failed");
}

#ifdef _WIN32
// The console path: UTF-16 units from ReadConsoleW, one at a time, become UTF-8 bytes.
using ScriptedUnits = Scripted<wchar_t>;

std::string read_console_units(ScriptedUnits& source) {
  ConsoleBytes bytes([&source](wchar_t& unit) { return source(unit); });
  return read_secret_line([&bytes](char& c) { return bytes.next(c); }, "the console").reveal();
}

TEST(SecretReader, ConsoleUnitsBecomeUtf8) {
  ScriptedUnits source{L"B\u00FCro \U0001F511 \u041E\r\nnext\r\n"};
  EXPECT_EQ(read_console_units(source), "B\xC3\xBCro \xF0\x9F\x94\x91 \xD0\x9E");
  EXPECT_EQ(source.text.substr(source.at), L"next\r\n") << "nothing after the line is read";

  ScriptedUnits unpaired{std::wstring(L"a") + wchar_t(0xD83D) + L"b\r\n"};  // a high surrogate without its pair
  EXPECT_EQ(read_console_units(unpaired), "a\xEF\xBF\xBD" "b");
  ScriptedUnits unpaired_at_end{std::wstring(L"a") + wchar_t(0xD83D)};
  EXPECT_EQ(read_console_units(unpaired_at_end), "a\xEF\xBF\xBD");
}

TEST(SecretReader, AFailedConsoleReadIsALocalError) {
  ScriptedUnits source{L"Quokka", true};
  ConsoleBytes bytes([&source](wchar_t& unit) { return source(unit); });
  try {
    (void)read_secret_line([&bytes](char& c) { return bytes.next(c); }, "the console");
    ADD_FAILURE() << "no error";
  } catch (const ClientError& e) {
    EXPECT_EQ(e.kind(), ClientError::Kind::local);
    EXPECT_STREQ(e.what(), "reading the password from the console failed");
  }
}
#endif

// Standard input replaced by a pipe for the life of the object.
class PipedStdin {
 public:
  explicit PipedStdin(const std::string& bytes) {
    int fds[2] = {-1, -1};
#ifdef _WIN32
    EXPECT_EQ(_pipe(fds, 65536, _O_BINARY), 0);
    saved_ = _dup(0);
    EXPECT_EQ(static_cast<std::size_t>(_write(fds[1], bytes.data(), static_cast<unsigned>(bytes.size()))), bytes.size());
    _close(fds[1]);
    _dup2(fds[0], 0);  // the C runtime also makes it the process's STD_INPUT_HANDLE
    _close(fds[0]);
#else
    EXPECT_EQ(::pipe(fds), 0);
    saved_ = ::dup(0);
    EXPECT_EQ(::write(fds[1], bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    ::close(fds[1]);
    ::dup2(fds[0], 0);
    ::close(fds[0]);
#endif
  }
  ~PipedStdin() {
#ifdef _WIN32
    _dup2(saved_, 0);
    _close(saved_);
#else
    ::dup2(saved_, 0);
    ::close(saved_);
#endif
  }
  PipedStdin(const PipedStdin&) = delete;
  PipedStdin& operator=(const PipedStdin&) = delete;

 private:
  int saved_ = -1;
};

TEST(PasswordFromStdin, APipedLineOneAtATime) {
  PipedStdin piped("first s3cret\r\nsecond\n");
  EXPECT_EQ(read_password_from_stdin("Password: ").reveal(), "first s3cret");
  EXPECT_EQ(read_password_from_stdin("Password: ").reveal(), "second");
  try {
    (void)read_password_from_stdin("Password: ");
    ADD_FAILURE() << "read past the end";
  } catch (const ClientError& e) {
    EXPECT_EQ(e.kind(), ClientError::Kind::usage);
  }
}

}  // namespace
}  // namespace rasbroker::client
