// ASCII-only case-insensitive comparison (service/core/ascii_case.hpp).
#include <gtest/gtest.h>

#include "core/ascii_case.hpp"

using rasbroker::equals_ignoring_ascii_case;

TEST(AsciiCase, IgnoresTheCaseOfAsciiLetters) {
  EXPECT_TRUE(equals_ignoring_ascii_case("RASDial", "rasdial"));
  EXPECT_TRUE(equals_ignoring_ascii_case("", ""));
  EXPECT_FALSE(equals_ignoring_ascii_case("rasdial", "rasdial.exe"));
  EXPECT_FALSE(equals_ignoring_ascii_case("a", "b"));
}

TEST(AsciiCase, LeavesEverythingElseExact) {
  EXPECT_FALSE(equals_ignoring_ascii_case("Büro", "BÜRO"));  // entry names use protocol::same_entry
  EXPECT_FALSE(equals_ignoring_ascii_case("[", "{"));        // '[' + 0x20 is '{': not a letter
  EXPECT_TRUE(equals_ignoring_ascii_case("x-1_y", "X-1_Y"));
}
