// The hostile-input suite natively: the service core in-process with the dev host's Unix
// socket listener and the simulator (tests/app/core_fixture.hpp), one fresh service per
// case. Runs under ASan/UBSan and TSan too (linux-asan, linux-tsan), scaled down there.
#include <gtest/gtest.h>

#include "core_fixture.hpp"
#include "hostile_case.hpp"

using namespace rasbroker;
using namespace rasbroker::app;
using namespace rasbroker::app::test;
using namespace rasbroker::hostile;

namespace {

HostileScale native_scale() {
#ifdef RASBROKER_HOSTILE_SANITIZED
  return {.huge_line_bytes = 16u * 1024 * 1024, .vanishing_clients = 200, .unread_bytes = 16u * 1024 * 1024};
#else
  return {};
#endif
}

class NativeHostileTest : public CoreTest, public ::testing::WithParamInterface<HostileCase> {};

TEST_P(NativeHostileTest, Case) {
  RecordingReporter reporter;
  auto opts = options(write_config(hostile_config()));
  opts.session_limits.first_request_timeout = kFirstRequestTimeout;
  ServiceThread service(std::move(opts), reporter, log_.logger());
  ASSERT_TRUE(reporter.wait_for(ServiceState::running));
  run_hostile_case(GetParam(), HostileTarget{socket_, native_scale(), kFirstRequestTimeout});
  EXPECT_EQ(service.stop(), 0);
  EXPECT_TRUE(sim_.leak_report().clean()) << sim_.leak_report().describe();
}

INSTANTIATE_TEST_SUITE_P(Hostile, NativeHostileTest, ::testing::ValuesIn(all_hostile_cases()),
                         [](const auto& info) { return hostile_case_name(info.param); });

}  // namespace
