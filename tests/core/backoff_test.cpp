// The doubling backoff the reaper and the redial chain share (service/core/backoff.hpp).
#include <gtest/gtest.h>

#include <chrono>
#include <limits>

#include "core/backoff.hpp"

using rasbroker::DoublingBackoff;
using std::chrono::milliseconds;

TEST(DoublingBackoff, DoublesFromTheInitialDelay) {
  constexpr DoublingBackoff b(milliseconds(100), milliseconds(10'000));
  EXPECT_EQ(b.delay(0), milliseconds(100));
  EXPECT_EQ(b.delay(1), milliseconds(200));
  EXPECT_EQ(b.delay(2), milliseconds(400));
  EXPECT_EQ(b.delay(6), milliseconds(6'400));
}

TEST(DoublingBackoff, NeverExceedsTheCap) {
  constexpr DoublingBackoff b(milliseconds(300), milliseconds(1'000));
  EXPECT_EQ(b.delay(1), milliseconds(600));
  EXPECT_EQ(b.delay(2), milliseconds(1'000));  // 1200 capped
  EXPECT_EQ(b.delay(50), milliseconds(1'000));
  // A huge attempt count neither overflows nor loops for long.
  EXPECT_EQ(b.delay(std::numeric_limits<std::uint32_t>::max()), milliseconds(1'000));
}

TEST(DoublingBackoff, AnInitialAboveTheCapIsCapped) {
  constexpr DoublingBackoff b(milliseconds(5'000), milliseconds(1'000));
  EXPECT_EQ(b.delay(0), milliseconds(1'000));
}
