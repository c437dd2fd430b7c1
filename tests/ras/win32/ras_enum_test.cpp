// The RasEnum* buffer protocol (service/ras/win32/ras_enum.hpp) against scripted answers:
// dwSize in the first element, growth to the size RAS asks for, and a bounded loop.
#include <gtest/gtest.h>

#include <windows.h>
#include <ras.h>
#include <raserror.h>

#include <vector>

#include "ras/win32/ras_enum.hpp"

namespace rasbroker::ras::win32 {
namespace {

// Plays RasEnumConnectionsW with `available` connections, recording each call's buffer.
struct ScriptedEnum {
  explicit ScriptedEnum(std::size_t connections) : available(connections) {}
  std::size_t available;
  std::vector<DWORD> offered_bytes;
  std::vector<DWORD> first_dw_size;

  DWORD operator()(RASCONNW* buffer, DWORD* bytes, DWORD* count) {
    offered_bytes.push_back(*bytes);
    first_dw_size.push_back(buffer->dwSize);
    *count = 0;
    const DWORD needed = static_cast<DWORD>(available * sizeof(RASCONNW));
    if (*bytes < needed) {
      *bytes = needed;
      return ERROR_BUFFER_TOO_SMALL;
    }
    for (std::size_t i = 0; i < available; ++i) buffer[i].hrasconn = reinterpret_cast<HRASCONN>(i + 1);
    *count = static_cast<DWORD>(available);
    *bytes = needed;
    return ERROR_SUCCESS;
  }
};

TEST(RasEnumerate, GrowsToTheSizeRasAsksForAndKeepsWhatItFilled) {
  ScriptedEnum ras(5);
  std::vector<RASCONNW> out;
  ASSERT_EQ(ras_enumerate(out, [&](RASCONNW* b, DWORD* n, DWORD* c) { return ras(b, n, c); }),
            static_cast<DWORD>(ERROR_SUCCESS));
  EXPECT_EQ(ras.offered_bytes, (std::vector<DWORD>{sizeof(RASCONNW), 5 * sizeof(RASCONNW)}));
  for (const DWORD size : ras.first_dw_size) EXPECT_EQ(size, sizeof(RASCONNW));
  ASSERT_EQ(out.size(), 5u);
  EXPECT_EQ(out[4].hrasconn, reinterpret_cast<HRASCONN>(5));
}

TEST(RasEnumerate, NoConnectionsIsAnEmptyResult) {
  ScriptedEnum ras(0);
  std::vector<RASCONNW> out(3);
  ASSERT_EQ(ras_enumerate(out, [&](RASCONNW* b, DWORD* n, DWORD* c) { return ras(b, n, c); }),
            static_cast<DWORD>(ERROR_SUCCESS));
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(ras.offered_bytes.size(), 1u);
}

TEST(RasEnumerate, AnUnhelpfulSizeStillGrowsByOne) {
  // RAS answers 603 without a larger size: the loop must not offer the same buffer again.
  std::vector<DWORD> offered;
  std::vector<RASENTRYNAMEW> out;
  const DWORD rc = ras_enumerate(out, [&](RASENTRYNAMEW*, DWORD* bytes, DWORD* count) {
    offered.push_back(*bytes);
    *count = 0;
    if (offered.size() < 3) return static_cast<DWORD>(ERROR_BUFFER_TOO_SMALL);  // *bytes left as it was
    *count = 1;
    return static_cast<DWORD>(ERROR_SUCCESS);
  });
  ASSERT_EQ(rc, static_cast<DWORD>(ERROR_SUCCESS));
  EXPECT_EQ(offered, (std::vector<DWORD>{sizeof(RASENTRYNAMEW), 2 * sizeof(RASENTRYNAMEW), 3 * sizeof(RASENTRYNAMEW)}));
  EXPECT_EQ(out.size(), 1u);
}

TEST(RasEnumerate, EndlessGrowthGivesUpAfterABoundedNumberOfCalls) {
  // Connections keep appearing faster than the buffer grows.
  int calls = 0;
  std::vector<RASCONNW> out;
  const DWORD rc = ras_enumerate(out, [&](RASCONNW*, DWORD* bytes, DWORD* count) {
    ++calls;
    *count = 0;
    *bytes += 10 * sizeof(RASCONNW);
    return static_cast<DWORD>(ERROR_BUFFER_TOO_SMALL);
  });
  EXPECT_EQ(rc, static_cast<DWORD>(ERROR_BUFFER_TOO_SMALL));
  EXPECT_EQ(calls, kEnumAttempts);
  EXPECT_TRUE(out.empty());
}

TEST(RasEnumerate, OtherErrorsPassThroughAtOnce) {
  int calls = 0;
  std::vector<RASCONNW> out(2);
  const DWORD rc = ras_enumerate(out, [&](RASCONNW*, DWORD*, DWORD*) {
    ++calls;
    return static_cast<DWORD>(ERROR_INVALID_SIZE);
  });
  EXPECT_EQ(rc, static_cast<DWORD>(ERROR_INVALID_SIZE));
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace rasbroker::ras::win32
