// The one fixed-size wide-field copy (service/win32/wide_field.hpp): a value fits with its
// NUL or is refused — the field then holds "", never part of the value.
#include <windows.h>

#include <gtest/gtest.h>

#include <cwchar>
#include <string>

#include "win32/wide_field.hpp"

namespace rasbroker {
namespace {

TEST(WideField, AValueThatFitsExactlyIsCopiedWithItsNul) {
  WCHAR field[4];
  wmemset(field, L'x', 4);
  ASSERT_TRUE(copy_to_wide_field(field, "abc"));  // 3 characters + NUL = 4
  EXPECT_EQ(std::wstring(field, 4), std::wstring(L"abc\0", 4));
  EXPECT_EQ(wide_field_text(field), "abc");
}

TEST(WideField, OneCharacterTooLongIsRefusedNotCut) {
  WCHAR field[4];
  wmemset(field, L'x', 4);
  EXPECT_FALSE(copy_to_wide_field(field, "abcd"));
  EXPECT_EQ(field[0], L'\0');  // empty, not "abc"
  EXPECT_EQ(wide_field_text(field), "");
}

TEST(WideField, AShorterValueIsNulTerminated) {
  WCHAR field[8];
  wmemset(field, L'x', 8);
  ASSERT_TRUE(copy_to_wide_field(field, "ab"));
  EXPECT_EQ(field[2], L'\0');
  EXPECT_EQ(wide_field_text(field), "ab");
  ASSERT_TRUE(copy_to_wide_field(field, ""));
  EXPECT_EQ(field[0], L'\0');
}

TEST(WideField, LengthCountsUtf16UnitsNotBytes) {
  WCHAR field[4];
  ASSERT_TRUE(copy_to_wide_field(field, "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"));  // three euro signs: 9 bytes
  EXPECT_EQ(wide_field_text(field), "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac");
  ASSERT_TRUE(copy_to_wide_field(field, "a\xf0\x9f\x94\x92"));  // a surrogate pair: 3 units
  EXPECT_FALSE(copy_to_wide_field(field, "ab\xf0\x9f\x94\x92"));  // 4 units: no room for the NUL
  EXPECT_EQ(field[0], L'\0');
}

TEST(WideField, BufferOfGivenCapacity) {
  wchar_t buffer[3] = {L'x', L'x', L'x'};
  EXPECT_FALSE(copy_to_wide_buffer(L"abc", buffer, 3));
  EXPECT_EQ(buffer[0], L'\0');
  EXPECT_TRUE(copy_to_wide_buffer(L"ab", buffer, 3));
  EXPECT_STREQ(buffer, L"ab");
  wchar_t untouched = L'x';
  EXPECT_FALSE(copy_to_wide_buffer(L"", &untouched, 0));  // no room at all: nothing written
  EXPECT_EQ(untouched, L'x');
}

TEST(WideField, AFieldWithoutNulIsReadToItsEnd) {
  const WCHAR full[3] = {L'a', L'b', L'c'};
  EXPECT_EQ(wide_field_text(full), "abc");
}

}  // namespace
}  // namespace rasbroker
