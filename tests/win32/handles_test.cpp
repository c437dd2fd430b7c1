// The scoped-handle family (service/win32/handles.hpp): each handle is freed exactly once,
// moves hand ownership over, release gives it up, and the real Traits free real handles.
#include <windows.h>
#include <sddl.h>

#include <gtest/gtest.h>

#include <stdexcept>
#include <utility>
#include <vector>

#include "win32/handles.hpp"

namespace rasbroker {
namespace {

// Records every close instead of calling Windows: 0 is "no handle".
struct CountingTraits {
  using pointer = int;
  static inline std::vector<int> closed;
  static inline bool close_succeeds = true;
  static pointer none() noexcept { return 0; }
  static bool valid(pointer h) noexcept { return h != 0; }
  static bool close(pointer h) noexcept {
    closed.push_back(h);
    return close_succeeds;
  }
};
using Counted = ScopedHandle<CountingTraits>;

class ScopedHandleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CountingTraits::closed.clear();
    CountingTraits::close_succeeds = true;
  }
  static const std::vector<int>& closed() { return CountingTraits::closed; }
};

TEST_F(ScopedHandleTest, ClosesOnceOnScopeExit) {
  { const Counted h(7); }
  EXPECT_EQ(closed(), std::vector<int>{7});
  { const Counted none; }
  EXPECT_EQ(closed(), std::vector<int>{7});  // nothing to free
}

TEST_F(ScopedHandleTest, ClosesOnceWhenAnExceptionLeavesTheScope) {
  EXPECT_THROW(
      {
        const Counted h(3);
        throw std::runtime_error("a later call failed");
      },
      std::runtime_error);
  EXPECT_EQ(closed(), std::vector<int>{3});
}

TEST_F(ScopedHandleTest, MoveHandsOwnershipOver) {
  {
    Counted a(1);
    Counted b(std::move(a));
    EXPECT_FALSE(a);  // the moved-from handle owns nothing
    EXPECT_EQ(b.get(), 1);
    Counted c(2);
    c = std::move(b);  // c's own handle is freed now, b's once later
    EXPECT_EQ(closed(), std::vector<int>{2});
    EXPECT_EQ(c.get(), 1);
    auto& self = c;
    c = std::move(self);  // self-assignment frees nothing
    EXPECT_EQ(closed(), std::vector<int>{2});
  }
  EXPECT_EQ(closed(), (std::vector<int>{2, 1}));
}

TEST_F(ScopedHandleTest, ReleaseGivesTheHandleUpWithoutClosing) {
  {
    Counted h(5);
    EXPECT_EQ(h.release(), 5);
    EXPECT_FALSE(h);
  }
  EXPECT_TRUE(closed().empty());
}

TEST_F(ScopedHandleTest, ResetOutAndCloseFreeTheCurrentHandleFirst) {
  Counted h(1);
  h.reset(2);
  EXPECT_EQ(closed(), std::vector<int>{1});
  *h.out() = 3;  // what a Win32 out-parameter does
  EXPECT_EQ(closed(), (std::vector<int>{1, 2}));
  EXPECT_EQ(h.get(), 3);
  CountingTraits::close_succeeds = false;
  EXPECT_FALSE(h.close());  // a failed close is reported...
  EXPECT_FALSE(h);          // ...and the handle is gone either way
  EXPECT_TRUE(h.close());   // nothing left to free
  EXPECT_EQ(closed(), (std::vector<int>{1, 2, 3}));
}

bool is_open(HANDLE h) {
  DWORD flags = 0;
  return GetHandleInformation(h, &flags) != 0;
}

TEST(UniqueHandle, ClosesAKernelHandle) {
  const HANDLE raw = CreateEventW(nullptr, TRUE, FALSE, nullptr);
  ASSERT_NE(raw, nullptr);
  {
    const UniqueHandle event(raw);
    EXPECT_TRUE(event);
    EXPECT_TRUE(is_open(raw));
  }
  EXPECT_FALSE(is_open(raw));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
}

TEST(UniqueHandle, NullAndInvalidHandleValueBothMeanNone) {
  EXPECT_FALSE(UniqueHandle());
  EXPECT_FALSE(UniqueHandle(nullptr));
  EXPECT_FALSE(UniqueHandle(INVALID_HANDLE_VALUE));
  UniqueHandle file(CreateFileW(L"C:\\no\\such\\folder\\file", GENERIC_READ, 0, nullptr, OPEN_EXISTING, 0, nullptr));
  EXPECT_FALSE(file);
  EXPECT_TRUE(file.close());
}

TEST(LocalPtr, FreesWhatTheApiAllocatedThroughAnOutParameter) {
  LocalPtr<void> sid;
  ASSERT_TRUE(ConvertStringSidToSidW(L"S-1-5-32-545", sid.out()));
  ASSERT_TRUE(sid);
  EXPECT_TRUE(IsValidSid(sid.get()));
  LocalPtr<wchar_t> text;
  ASSERT_TRUE(ConvertSidToStringSidW(sid.get(), text.out()));
  EXPECT_STREQ(text.get(), L"S-1-5-32-545");
  EXPECT_TRUE(text.close());  // freed, and the system said so
  EXPECT_TRUE(sid.close());
}

TEST(ServiceHandle, ClosesTheServiceControlManager) {
  ServiceHandle scm(OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT));
  ASSERT_TRUE(scm) << GetLastError();
  EXPECT_TRUE(scm.close());
  EXPECT_FALSE(scm);
}

TEST(CoTaskMemPtr, FreesCoTaskMemory) {
  CoTaskMemPtr<wchar_t> text(static_cast<wchar_t*>(CoTaskMemAlloc(16)));
  ASSERT_TRUE(text);
  EXPECT_TRUE(text.close());
  EXPECT_FALSE(text);
}

}  // namespace
}  // namespace rasbroker
