// The one UTF-8 argv of the project (service/win32/arguments.hpp): CommandLineToArgvW's
// splitting rules, with every argument in UTF-8 whatever the ANSI code page.
#include <windows.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "win32/arguments.hpp"

namespace rasbroker {
namespace {

using Args = std::vector<std::string>;

TEST(Utf8Argv, NonAsciiArgumentsArriveAsUtf8) {
  const auto args = utf8_argv(L"rasbroker.exe dial \"B\u00fcro VPN \u20ac\" --user J\u00fcrgen \U0001F512");
  ASSERT_TRUE(args.has_value());
  EXPECT_EQ(*args, (Args{"rasbroker.exe", "dial", "B\xc3\xbcro VPN \xe2\x82\xac", "--user", "J\xc3\xbcrgen",
                         "\xf0\x9f\x94\x92"}));
}

TEST(Utf8Argv, SplitsAsCommandLineToArgvW) {
  // Quotes group, backslashes before a quote escape it, an empty quoted argument counts.
  const auto args = utf8_argv(LR"(prog "a b" c\"d "" e\\f)");
  ASSERT_TRUE(args.has_value());
  EXPECT_EQ(*args, (Args{"prog", "a b", "c\"d", "", "e\\\\f"}));
}

TEST(Utf8Argv, TheProcessCommandLineStartsWithTheProgram) {
  const auto args = utf8_argv(GetCommandLineW());
  ASSERT_TRUE(args.has_value());
  ASSERT_FALSE(args->empty());
  EXPECT_NE(args->front().find("win32_tests"), std::string::npos) << args->front();
}

}  // namespace
}  // namespace rasbroker
