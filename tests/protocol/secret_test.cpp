#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <type_traits>
#include <utility>

#include <nlohmann/json.hpp>

#include "rasbroker/protocol/secret.hpp"

namespace rp = rasbroker::protocol;

namespace {

template <typename T, typename = void>
struct is_streamable : std::false_type {};
template <typename T>
struct is_streamable<T, std::void_t<decltype(std::declval<std::ostream&>() << std::declval<const T&>())>>
    : std::true_type {};

// A Secret cannot end up in JSON or in a stream by accident.
static_assert(!is_streamable<rp::Secret>::value, "Secret must not be printable");
static_assert(!std::is_convertible_v<rp::Secret, nlohmann::json>, "Secret must not convert to json");
static_assert(!std::is_convertible_v<rp::Secret, std::string>, "Secret must not convert to string");
static_assert(!std::is_convertible_v<std::string, rp::Secret>, "the constructor is explicit");

const std::string kLong = "correct horse battery staple, long enough for the heap";

}  // namespace

TEST(Secret, DefaultIsEmpty) {
  const rp::Secret s;
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.reveal(), "");
}

TEST(Secret, HoldsAndRevealsTheValue) {
  for (const std::string& value : {std::string("short"), kLong}) {
    const rp::Secret s(value);
    EXPECT_FALSE(s.empty());
    EXPECT_EQ(s.reveal(), value);
  }
}

TEST(Secret, CopyKeepsBothUsable) {
  for (const std::string& value : {std::string("short"), kLong}) {
    rp::Secret a(value);
    rp::Secret b(a);
    EXPECT_EQ(a.reveal(), value);
    EXPECT_EQ(b.reveal(), value);
    rp::Secret c(std::string("other"));
    c = a;
    EXPECT_EQ(c.reveal(), value);
    EXPECT_EQ(a.reveal(), value);
    c = c;  // self-assignment is harmless
    EXPECT_EQ(c.reveal(), value);
  }
}

TEST(Secret, MoveLeavesTheSourceEmpty) {
  for (const std::string& value : {std::string("short"), kLong}) {
    SCOPED_TRACE(value);
    rp::Secret a(value);
    rp::Secret b(std::move(a));
    EXPECT_EQ(b.reveal(), value);
    EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): the contract under test

    rp::Secret c(std::string("previous value"));
    c = std::move(b);
    EXPECT_EQ(c.reveal(), value);
    EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move)

    auto& same = c;
    c = std::move(same);  // self-move keeps the value
    EXPECT_EQ(c.reveal(), value);
  }
}

TEST(Secret, ClearEmpties) {
  rp::Secret s(kLong);
  s.clear();
  EXPECT_TRUE(s.empty());
  s.clear();  // twice is fine
  EXPECT_TRUE(s.empty());
}

TEST(Secret, WipeOverwritesTheWholeBuffer) {
  std::string s = kLong;
  s.resize(10);  // shorter value, old bytes still behind it in the buffer
  const char* data = s.data();
  const std::size_t capacity = s.capacity();
  ASSERT_GE(capacity, kLong.size());
  rp::wipe(s);
  EXPECT_TRUE(s.empty());
  ASSERT_EQ(s.data(), data) << "wipe must not reallocate";
  for (std::size_t i = 0; i < capacity; ++i) ASSERT_EQ(data[i], '\0') << "byte " << i;
}

TEST(Secret, WipeShortString) {
  std::string s = "abc";
  const char* data = s.data();
  rp::wipe(s);
  EXPECT_TRUE(s.empty());
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(data[i], '\0');
}

TEST(Secret, WipeEmptyStringIsFine) {
  std::string s;
  rp::wipe(s);
  EXPECT_TRUE(s.empty());
}
