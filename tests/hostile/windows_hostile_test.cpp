// The hostile-input suite over the real named pipe under Wine: the service core
// in-process as the Windows service runs it (service_runner_options: the pipe listener,
// its security and admission), with the simulator for RAS, one fresh service per case.
// The heavy cases are scaled down (hostile_case.hpp) to keep the run to tens of seconds.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "app_test_support.hpp"
#include "host/windows/service_options.hpp"
#include "host/windows/win32_util.hpp"
#include "hostile_case.hpp"
#include "test_support.hpp"

using namespace rasbroker;
using namespace rasbroker::app::test;
using namespace rasbroker::hostile;
using namespace rasbroker::winhost;
using namespace rasbroker::winhost::test;

namespace {

constexpr HostileScale kWineScale{
    .huge_line_bytes = 8u * 1024 * 1024, .vanishing_clients = 100, .unread_bytes = 16u * 1024 * 1024};

class WindowsHostileTest : public ::testing::TestWithParam<HostileCase> {
 protected:
  // The configuration as UTF-8 path, as the service reads it (the ANSI code page may differ).
  std::string write_config() {
    auto cfg = hostile_config();
    cfg["pipe_name"] = pipe_name_;
    const auto path = dir_.path() / L"config.json";
    std::ofstream(path) << cfg.dump(2);
    return narrow(path.wstring());
  }

  TempFolder dir_{"hostile"};
  std::string pipe_name_ = unique_pipe_name("hostile");
  sim::Simulator sim_{test_scenario(), sim::SimulatorOptions{.mode = sim::Mode::threaded}};
};

TEST_P(WindowsHostileTest, Case) {
  ServiceOptions o;
  o.config_path = write_config();
  o.file_log = false;
  o.make_ras = [this](boost::asio::any_io_executor) { return std::make_unique<ForwardingRas>(sim_); };
  const auto log = test_logger();
  auto opts = service_runner_options(std::move(o), log);
  opts.session_limits.first_request_timeout = kFirstRequestTimeout;
  RecordingReporter reporter;
  ServiceThread service(std::move(opts), reporter, log);
  ASSERT_TRUE(reporter.wait_for(app::ServiceState::running));
  run_hostile_case(GetParam(), HostileTarget{pipe_name_, kWineScale, kFirstRequestTimeout});
  EXPECT_EQ(service.stop(), 0);
  EXPECT_TRUE(sim_.leak_report().clean()) << sim_.leak_report().describe();
}

INSTANTIATE_TEST_SUITE_P(Hostile, WindowsHostileTest, ::testing::ValuesIn(all_hostile_cases()),
                         [](const auto& info) { return hostile_case_name(info.param); });

}  // namespace
