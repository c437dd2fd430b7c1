// The load test over the named pipe under Wine: the Windows service's own wiring
// (service_runner_options: its configuration, the secured pipe listener) run in-process
// with the threaded simulator for RAS; the clients are tests/app/load_clients.hpp's, with
// Wine's smaller counts (what they check is written there).
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>

#include "host/windows/service_options.hpp"
#include "host/windows/win32_util.hpp"
#include "load_clients.hpp"
#include "test_support.hpp"

using namespace rasbroker;
using namespace rasbroker::app;
using namespace rasbroker::app::test;
using nlohmann::json;

TEST(PipeLoad, ClientsPipelineMixedRequestsWhileOthersDialAndHangUp) {
  const LoadCounts counts = load_counts();
  const int places = load_max_clients(counts);
  const std::string pipe_name = winhost::test::unique_pipe_name("load");
  TempFolder dir("load");
  const auto config_path = dir.path() / L"config.json";
  std::ofstream(config_path) << json{{"pipe_name", pipe_name},
                                     {"max_clients", places},
                                     {"max_clients_per_user", places},
                                     {"reaper", {{"initial_ms", 50}, {"max_ms", 200}}}}
                                    .dump();
  sim::Simulator ras(load_scenario(counts), sim::SimulatorOptions{.mode = sim::Mode::threaded});
  winhost::ServiceOptions service_options;
  service_options.config_path = narrow(config_path.wstring());
  service_options.file_log = false;
  service_options.make_ras = [&ras](boost::asio::any_io_executor) { return std::make_unique<ForwardingRas>(ras); };
  CapturedLog log;
  RecordingReporter reporter;
  ServiceThread service(winhost::service_runner_options(std::move(service_options), log.logger()), reporter,
                        log.logger());
  ASSERT_TRUE(reporter.wait_for(ServiceState::running));

  const LoadOutcome outcome = run_load(pipe_name, counts);
  std::cout << "[ load     ] " << outcome.summary() << std::endl;
  for (const auto& failure : outcome.failures) ADD_FAILURE() << failure;
  EXPECT_GT(outcome.notifications, 0u);

  EXPECT_EQ(service.stop(), 0);
  EXPECT_TRUE(ras.leak_report().clean()) << ras.leak_report().describe();
  EXPECT_FALSE(log.contains("not reading")) << "a client that reads was taken for one that does not";
  EXPECT_FALSE(log.contains("refusing client")) << "max_clients too small for the load";
}
