// The Win32 toolkit's text (service/win32): UTF-8 <-> UTF-16 round trips, invalid
// input that must not crash, and the system's error texts.
#include <windows.h>

#include <gtest/gtest.h>

#include "win32/utf16.hpp"
#include "win32/win32_message.hpp"

namespace rasbroker {
namespace {

TEST(Win32Utf16, RoundTripsAsciiAndNonAscii) {
  EXPECT_EQ(widen(""), L"");
  EXPECT_EQ(narrow(L""), "");
  EXPECT_EQ(widen("Office VPN"), L"Office VPN");
  EXPECT_EQ(widen("B\xc3\xbcro \xe2\x82\xac"), L"B\u00fcro \u20ac");
  const std::string emoji = "\xf0\x9f\x94\x92 lock";  // outside the BMP: a surrogate pair
  EXPECT_EQ(widen(emoji).size(), 7u);
  EXPECT_EQ(narrow(widen(emoji)), emoji);
}

TEST(Win32Utf16, InvalidInputIsReplacedNotFatal) {
  const std::wstring wide = widen("a\xff\xfe" "b");
  ASSERT_FALSE(wide.empty());
  EXPECT_EQ(wide.front(), L'a');
  EXPECT_EQ(wide.back(), L'b');
  EXPECT_NE(wide.find(L'\uFFFD'), std::wstring::npos);

  const wchar_t lone_surrogate[] = {L'x', static_cast<wchar_t>(0xD800), L'y', 0};
  EXPECT_EQ(narrow(lone_surrogate), "x\xef\xbf\xbdy");
}

TEST(Win32Utf16, EmbeddedNulsAreKept) {
  const std::string with_nul("a\0b", 3);
  EXPECT_EQ(widen(with_nul).size(), 3u);
  EXPECT_EQ(narrow(widen(with_nul)), with_nul);
}

TEST(Win32Message, SystemTextWithoutTrailingLineBreak) {
  const std::string text = system_message(ERROR_FILE_NOT_FOUND);
  ASSERT_FALSE(text.empty());
  EXPECT_NE(text.back(), '\n');
  EXPECT_NE(text.back(), '\r');
  EXPECT_EQ(win32_error_text(ERROR_FILE_NOT_FOUND), text + " (error 2)");
}

TEST(Win32Message, CodeWithoutSystemTextStillSaysWhich) {
  EXPECT_EQ(system_message(0x2000F00Du), "");
  EXPECT_EQ(win32_error_text(0x2000F00Du), "Windows error (error 536932365)");
}

}  // namespace
}  // namespace rasbroker
