// The Windows service — the service core (tests/app tests its lifecycle natively) with
// the named pipe, allowed_groups, the log file and the SCM's status mapping — with a
// recording reporter instead of the SCM: what the SCM would see during start, run and
// stop, and for the failed starts that are Windows' own.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "app/service_runner.hpp"
#include "app_test_support.hpp"
#include "host/windows/logging.hpp"
#include "host/windows/network_watch.hpp"
#include "host/windows/pipe_listener.hpp"
#include "host/windows/scm.hpp"
#include "host/windows/service_controls.hpp"
#include "host/windows/service_options.hpp"
#include "host/windows/win32_util.hpp"
#include "test_support.hpp"

using namespace rasbroker;
using namespace rasbroker::winhost;
using namespace rasbroker::winhost::test;
using namespace rasbroker::app::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// Whether a client can open the pipe at this moment.
bool pipe_accepts(const std::string& pipe_name) {
  UniqueHandle h(CreateFileW(widen(pipe_path(pipe_name)).c_str(), GENERIC_READ | GENERIC_WRITE, 0, nullptr,
                             OPEN_EXISTING, 0, nullptr));
  return static_cast<bool>(h);
}

class ServiceRunnerTest : public ::testing::Test {
 protected:
  // Paths as UTF-8, as the service reads them (the ANSI code page may differ).
  std::string write_config(json extra = json::object()) {
    json cfg = {{"pipe_name", pipe_name_},
                {"log", {{"dir", narrow((dir_.path() / L"logs").wstring())}}},
                {"reaper", {{"initial_ms", 50}, {"max_ms", 200}}}};
    cfg.update(extra);
    const auto path = dir_.path() / L"config.json";
    std::ofstream(path) << cfg.dump(2);
    return narrow(path.wstring());
  }

  // The service's own options, as main.cpp makes them, with the simulator for Win32 RAS.
  app::RunnerOptions runner_options(const std::string& config_path, bool file_log = true) {
    ServiceOptions o;
    o.config_path = config_path;
    o.file_log = file_log;
    o.make_ras = [this](boost::asio::any_io_executor) {
      ++backends_made_;
      return std::make_unique<ForwardingRas>(sim_);
    };
    return service_runner_options(std::move(o), log_);
  }

  // The service's log file so far (flushed at every info line, as a service's log is).
  std::string log_text() const {
    std::ifstream log_file(dir_.path() / L"logs" / L"rasbroker.log");
    return std::string((std::istreambuf_iterator<char>(log_file)), std::istreambuf_iterator<char>());
  }
  std::size_t logged(const std::string& line) const {
    const auto text = log_text();
    std::size_t n = 0;
    for (auto at = text.find(line); at != std::string::npos; at = text.find(line, at + 1)) ++n;
    return n;
  }
  // Polls the log until `line` is in it (at most 20 s).
  bool wait_logged(const std::string& line) const {
    for (int i = 0; i < 200; ++i) {
      if (logged(line) > 0) return true;
      Sleep(100);
    }
    return false;
  }

  TempFolder dir_{"runner"};
  std::string pipe_name_ = unique_pipe_name("svc");
  std::shared_ptr<spdlog::logger> log_ = make_service_logger({});
  sim::Simulator sim_{test_scenario(), sim::SimulatorOptions{.mode = sim::Mode::threaded}};
  std::atomic<int> backends_made_ = 0;
};

}  // namespace

TEST_F(ServiceRunnerTest, StartRunStopReportsWhatTheScmNeeds) {
  RecordingReporter reporter([this] { return pipe_accepts(pipe_name_); });
  reporter.settings_result = "not under the SCM in this test";
  ServiceThread service(runner_options(write_config()), reporter, log_);
  ASSERT_TRUE(reporter.wait_for(ServiceState::running));
  EXPECT_TRUE(reporter.accepting_when_running()) << "RUNNING reported before the pipe accepted clients";

  // A live connection with a 1.5 s teardown: the stop must take a while and show it.
  {
    LineClient client(pipe_name_);
    const auto dial = client.call("dial", {{"entry", "Office VPN"}, {"wait", "connected"}});
    ASSERT_EQ(dial["result"]["state"], "connected") << dial.dump();
  }
  service.runner().request_stop("test");
  service.runner().request_stop("test again");  // idempotent
  EXPECT_EQ(service.stop(), 0);

  expect_start_run_stop(reporter.reports(), std::chrono::seconds(30));
  EXPECT_TRUE(sim_.leak_report().clean()) << sim_.leak_report().describe();
  // The preshutdown budget covers the whole stop (stop_timeout_ms 30 s + cleanup) and was
  // applied while starting.
  EXPECT_GE(reporter.stop_budget_ms(), 30000u + 1000u);

  // The rotating log file was written where the configuration said.
  std::ifstream log_file(dir_.path() / L"logs" / L"rasbroker.log");
  const std::string text((std::istreambuf_iterator<char>(log_file)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("running"), std::string::npos) << text;
  EXPECT_NE(text.find("clients on " + pipe_path(pipe_name_)), std::string::npos) << text;
  EXPECT_NE(text.find("request \"dial\" from pid"), std::string::npos) << text;
  EXPECT_NE(text.find("service settings not applied (not under the SCM in this test)"), std::string::npos) << text;
}

// A stop does not drop answers already decided, over the pipe too (the pipe's handles
// are closed with the io_context: without the drain, queued answers were lost).
TEST_F(ServiceRunnerTest, AHangupWaitingForGoneWhenTheStopBeginsGetsItsAnswer) {
  RecordingReporter reporter;
  ServiceThread service(runner_options(write_config()), reporter, log_);
  ASSERT_TRUE(reporter.wait_for(ServiceState::running));
  expect_hangup_answered_across_stop(service, pipe_name_);
  EXPECT_TRUE(sim_.leak_report().clean()) << sim_.leak_report().describe();
}

TEST_F(ServiceRunnerTest, ADialWaitingToConnectAtStopIsAnsweredShuttingDown) {
  RecordingReporter reporter;
  ServiceThread service(runner_options(write_config()), reporter, log_);
  ASSERT_TRUE(reporter.wait_for(ServiceState::running));
  expect_dial_answered_shutting_down_across_stop(service, pipe_name_);
  EXPECT_TRUE(sim_.leak_report().clean()) << sim_.leak_report().describe();
}

// The service wires the Windows check (host/windows/file_trust.hpp): a configured phonebook
// Everyone may write is named in the log at start and not dialled from.
TEST_F(ServiceRunnerTest, AConfiguredPhonebookEveryoneMayWriteIsNotDialledFrom) {
  const std::string pbk = dir_.write("lab.pbk", "[Office VPN]\r\n");
  set_path_dacl(widen(pbk), "D:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;FA;;;WD)");
  RecordingReporter reporter;
  ServiceThread service(runner_options(write_config({{"phonebooks", {pbk}}})), reporter, log_);
  ASSERT_TRUE(reporter.wait_for(ServiceState::running));
  {
    LineClient client(pipe_name_);
    const auto refused = client.call("dial", {{"entry", "Office VPN"}, {"phonebook", pbk}});
    EXPECT_EQ(refused["error"]["code"], 4) << refused.dump();
    const std::string message = refused["error"]["message"].get<std::string>();
    EXPECT_NE(message.find(pbk + " is writable by "), std::string::npos) << message;
    EXPECT_NE(message.find("Everyone"), std::string::npos) << message;
    EXPECT_NE(message.find("writable only by Administrators and SYSTEM"), std::string::npos) << message;
  }
  EXPECT_EQ(sim_.stats().dial_calls, 0u);
  EXPECT_EQ(service.stop(), 0);
  std::ifstream log_file(dir_.path() / L"logs" / L"rasbroker.log");
  const std::string text((std::istreambuf_iterator<char>(log_file)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("phonebooks: not dialled from until fixed: " + pbk + " is writable by "), std::string::npos)
      << text;
}

TEST_F(ServiceRunnerTest, MissingConfigFileMeansDefaults) {
  // Defaults include the pipe name "rasbroker": only check that the config is not an error.
  RecordingReporter reporter;
  auto opts = runner_options(narrow((dir_.path() / L"absent.json").wstring()), /*file_log=*/false);
  std::string listening_on;
  opts.on_listening = [&](const std::string& path) { listening_on = path; };
  app::ServiceRunner runner(std::move(opts), reporter, log_);
  runner.request_stop("stop right after start");  // before run(): handled once running
  EXPECT_EQ(runner.run(), 0);
  EXPECT_EQ(listening_on, R"(\\.\pipe\rasbroker)");
  EXPECT_EQ(reporter.reports().back().state, ServiceState::stopped);
}

TEST_F(ServiceRunnerTest, BadConfigStopsWithServiceSpecificCode2) {
  RecordingReporter reporter;
  // A bad config would also log to %ProgramData%: keep the test to itself.
  app::ServiceRunner runner(runner_options(write_config({{"max_clients", 0}}), false), reporter, log_);
  EXPECT_EQ(runner.run(), kExitBadConfig);
  const auto all = reporter.reports();
  EXPECT_TRUE(of_state(all, ServiceState::running).empty());
  ASSERT_EQ(all.back().state, ServiceState::stopped);
  EXPECT_EQ(all.back().exit_code, 2u);
  const SERVICE_STATUS s = to_service_status(all.back());
  EXPECT_EQ(s.dwCurrentState, static_cast<DWORD>(SERVICE_STOPPED));
  EXPECT_EQ(s.dwWin32ExitCode, static_cast<DWORD>(ERROR_SERVICE_SPECIFIC_ERROR));
  EXPECT_EQ(s.dwServiceSpecificExitCode, 2u);
  EXPECT_EQ(backends_made_, 0);
}

TEST_F(ServiceRunnerTest, UnknownAllowedGroupIsABadConfig) {
  RecordingReporter reporter;
  app::ServiceRunner runner(runner_options(write_config({{"allowed_groups", {"No Such Group 7d1e"}}}), false),
                            reporter, log_);
  EXPECT_EQ(runner.run(), kExitBadConfig);
  EXPECT_EQ(reporter.reports().back().exit_code, 2u);
  EXPECT_FALSE(pipe_accepts(pipe_name_)) << "a bad configuration creates no pipe";
}

// The journal says who owns which connection: it stays in %ProgramData%\RasBroker, which
// only administrators can change. A data_dir copied from a Linux configuration is refused,
// not silently ignored.
TEST_F(ServiceRunnerTest, DataDirIsABadConfigOnWindows) {
  RecordingReporter reporter;
  app::ServiceRunner runner(runner_options(write_config({{"data_dir", "/var/lib/rasbroker"}}), false), reporter, log_);
  EXPECT_EQ(runner.run(), kExitBadConfig);
  EXPECT_EQ(reporter.reports().back().exit_code, 2u);
  EXPECT_EQ(backends_made_, 0);

  config::ServiceConfig cfg;
  cfg.data_dir = "/var/lib/rasbroker";
  try {
    runner_options(write_config(json::object()), false).check_config(cfg);
    ADD_FAILURE() << "data_dir accepted";
  } catch (const config::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("\"data_dir\" is for the Linux dev host only"), std::string::npos) << e.what();
  }
}

TEST_F(ServiceRunnerTest, SquattedPipeStopsWithServiceSpecificCode3) {
  UniqueHandle squatter(CreateNamedPipeW(widen(pipe_path(pipe_name_)).c_str(), PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE,
                                         PIPE_UNLIMITED_INSTANCES, 4096, 4096, 0, nullptr));
  ASSERT_TRUE(squatter);
  RecordingReporter reporter;
  app::ServiceRunner runner(runner_options(write_config()), reporter, log_);
  EXPECT_EQ(runner.run(), kExitCannotListen);
  const auto all = reporter.reports();
  EXPECT_TRUE(of_state(all, ServiceState::running).empty());
  EXPECT_EQ(all.back().state, ServiceState::stopped);
  EXPECT_EQ(all.back().exit_code, 3u);
  EXPECT_EQ(backends_made_, 0) << "the pipe comes before the RAS backend";
  EXPECT_EQ(sim_.stats().dial_calls + sim_.stats().enum_calls, 0u) << "a refused start touches no connection";
}

// The SCM's control handler wired to the service as main.cpp wires it, called as the SCM
// would call it when the machine resumes: the broker looks at every link at once.
TEST_F(ServiceRunnerTest, AResumeThroughTheControlHandlerReachesTheBroker) {
  RecordingReporter reporter;
  ServiceThread service(runner_options(write_config()), reporter, log_);
  ASSERT_TRUE(reporter.wait_for(ServiceState::running));
  ServiceControls controls;
  controls.set_host_event_handler([&](broker::HostEvent e) { service.runner().notify_host_event(e); });
  EXPECT_EQ(controls.handle(SERVICE_CONTROL_POWEREVENT, PBT_APMRESUMEAUTOMATIC), static_cast<DWORD>(NO_ERROR));
  EXPECT_TRUE(wait_logged("host: resumed from sleep; checking every link now")) << log_text();
  controls.set_host_event_handler({});
  EXPECT_EQ(service.stop(), 0);
  EXPECT_EQ(logged("host: resumed from sleep"), 1u) << log_text();
}

// What the IP helper does when an adapter comes up — a burst of callbacks from its own
// threads — reaches the broker as one network change.
TEST_F(ServiceRunnerTest, ABurstOfNetworkChangesReachesTheBrokerAsOne) {
  RecordingReporter reporter;
  ServiceThread service(runner_options(write_config()), reporter, log_);
  ASSERT_TRUE(reporter.wait_for(ServiceState::running));
  {
    NetworkChangeWatch watch([&] { service.runner().notify_host_event(broker::HostEvent::network_changed); }, log_);
    std::vector<std::thread> ip_helper;
    for (int t = 0; t < 3; ++t)
      ip_helper.emplace_back([&watch] {
        for (int i = 0; i < 4; ++i) watch.on_change();
      });
    for (auto& t : ip_helper) t.join();
  }
  EXPECT_TRUE(wait_logged("host: network changed; checking every link now")) << log_text();
  EXPECT_EQ(service.stop(), 0);
  // 12 callbacks in far less than the 2 s window: one look (two if the machine stalled
  // the burst across a window's end).
  EXPECT_LE(logged("host: network changed"), 2u) << log_text();
}

TEST(ScmStatus, ControlsAreAcceptedOnlyWhileRunning) {
  EXPECT_EQ(to_service_status({ServiceState::running, 0, 0, 0}).dwControlsAccepted,
            static_cast<DWORD>(SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN | SERVICE_ACCEPT_PRESHUTDOWN |
                               SERVICE_ACCEPT_POWEREVENT));
  EXPECT_EQ(to_service_status({ServiceState::start_pending, 1, 5000, 0}).dwControlsAccepted, 0u);
  EXPECT_EQ(to_service_status({ServiceState::stop_pending, 3, 2000, 0}).dwControlsAccepted, 0u);
  const auto ok = to_service_status({ServiceState::stopped, 0, 0, 0});
  EXPECT_EQ(ok.dwWin32ExitCode, static_cast<DWORD>(NO_ERROR));
  const auto pending = to_service_status({ServiceState::stop_pending, 7, 2500, 0});
  EXPECT_EQ(pending.dwCurrentState, static_cast<DWORD>(SERVICE_STOP_PENDING));
  EXPECT_EQ(pending.dwCheckPoint, 7u);
  EXPECT_EQ(pending.dwWaitHint, 2500u);
  EXPECT_EQ(pending.dwServiceType, static_cast<DWORD>(SERVICE_WIN32_OWN_PROCESS));
}
