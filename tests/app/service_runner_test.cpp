// The service core's lifecycle (app::ServiceRunner) with a recording reporter instead of
// a service manager, the RAS simulator as backend and the real Unix socket listener:
// what the SCM (or a console, or the dev host) sees during start, run and stop, and for
// each way a start can fail.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core_fixture.hpp"

using namespace rasbroker;
using namespace rasbroker::app;
using namespace rasbroker::app::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {
using ServiceRunnerTest = CoreTest;
}  // namespace

TEST_F(ServiceRunnerTest, StartServeStopReportsWhatAServiceManagerNeeds) {
  RecordingReporter reporter([this] { return accepting(); });
  std::vector<config::LogConfig> log_files;
  auto opts = options(write_config({{"log", {{"max_files", 3}}}}));
  opts.open_log_file = [&](const config::LogConfig& cfg) {
    log_files.push_back(cfg);
    return std::string("/var/log/test.log");
  };
  ServiceThread service(std::move(opts), reporter, log_.logger());
  ASSERT_TRUE(reporter.wait_for(ServiceState::running));
  EXPECT_TRUE(reporter.accepting_when_running()) << "RUNNING reported before the listener accepted clients";

  // A live connection with a 1.5 s teardown: the stop must take a while and show it.
  {
    LineClient client(socket_);
    const auto dial = client.call("dial", {{"entry", "Office VPN"}, {"wait", "connected"}});
    ASSERT_EQ(dial["result"]["state"], "connected") << dial.dump();
  }
  service.runner().request_stop("test");
  service.runner().request_stop("test again");  // idempotent
  EXPECT_EQ(service.stop("and again"), 0);

  expect_start_run_stop(reporter.reports(), std::chrono::seconds(30));
  EXPECT_TRUE(sim_.leak_report().clean()) << sim_.leak_report().describe();
  // The preshutdown budget covers the whole stop (stop_timeout_ms 30 s + cleanup) and was
  // applied while starting.
  EXPECT_GE(reporter.stop_budget_ms(), 30000u + 1000u);
  EXPECT_FALSE(fs::exists(socket_)) << "the socket outlived the service";

  // The log file per the configuration, opened once.
  ASSERT_EQ(log_files.size(), 1u);
  EXPECT_EQ(log_files[0].max_files, 3u);
  EXPECT_TRUE(log_.contains("logging to /var/log/test.log")) << log_.text();
  EXPECT_TRUE(log_.contains("running: RAS backend sim, clients on " + socket_ + " (at most 64, 16 per user)")) << log_.text();
  EXPECT_TRUE(log_.contains("request \"dial\" from pid")) << log_.text();
  EXPECT_TRUE(log_.contains("service settings not applied (not under a service manager in this test)"))
      << log_.text();
  EXPECT_TRUE(log_.contains("stopping (test)")) << log_.text();
  EXPECT_FALSE(log_.contains("stopping (test again)")) << log_.text();
  EXPECT_TRUE(log_.contains("stop: waiting for 1 teardown(s)")) << log_.text();
  EXPECT_TRUE(log_.contains("service stopped (exit code 0)")) << log_.text();

  // What the administrator is told (the Windows host: the Event Log).
  ASSERT_EQ(event_kinds(), (std::vector<events::Kind>{events::Kind::settings_not_applied,
                                                      events::Kind::service_started, events::Kind::service_stopped}));
  EXPECT_EQ(events_.all()[0].inserts, (std::vector<std::string>{"not under a service manager in this test"}));
  EXPECT_EQ(events_.all()[1].inserts, (std::vector<std::string>{RASBROKER_VERSION, socket_, "sim"}));
  EXPECT_EQ(events_.all()[2].inserts, (std::vector<std::string>{"test"}));
}

TEST_F(ServiceRunnerTest, StopRequestedBeforeRunHappensRightAfterStart) {
  RecordingReporter reporter;
  auto opts = options("");  // no file: the defaults
  std::string listening_on;
  opts.on_listening = [&](const std::string& path) { listening_on = path; };
  ServiceRunner runner(std::move(opts), reporter, log_.logger());
  runner.request_stop("stop right after start");
  EXPECT_EQ(runner.run(), 0);
  EXPECT_EQ(listening_on, socket_);
  const auto all = reporter.reports();
  EXPECT_EQ(of_state(all, ServiceState::running).size(), 1u);
  EXPECT_EQ(all.back().state, ServiceState::stopped);
  EXPECT_TRUE(log_.contains("starting; configuration by default")) << log_.text();
  EXPECT_TRUE(log_.contains("stopping (stop right after start)")) << log_.text();
}

TEST_F(ServiceRunnerTest, StopRequestedFromManyThreadsAtOnceStopsOnce) {
  RecordingReporter reporter;
  ServiceThread service(options(write_config()), reporter, log_.logger());
  ASSERT_TRUE(reporter.wait_for(ServiceState::running));
  std::vector<std::thread> stoppers;
  for (int i = 0; i < 8; ++i)
    stoppers.emplace_back([&service, i] { service.runner().request_stop("stopper " + std::to_string(i)); });
  for (auto& t : stoppers) t.join();
  EXPECT_EQ(service.stop(), 0);
  const auto text = log_.text();
  std::size_t stops = 0;
  for (auto at = text.find("stopping ("); at != std::string::npos; at = text.find("stopping (", at + 1)) ++stops;
  EXPECT_EQ(stops, 1u) << text;
  EXPECT_EQ(reporter.reports().back().state, ServiceState::stopped);
}

TEST_F(ServiceRunnerTest, MissingConfigFileMeansDefaultsWhenAllowed) {
  RecordingReporter reporter;
  auto opts = options((dir_.path() / "absent.json").string());
  opts.config_missing_ok = true;  // the Windows service's rule
  ServiceRunner runner(std::move(opts), reporter, log_.logger());
  runner.request_stop("test");
  EXPECT_EQ(runner.run(), 0);
}

TEST_F(ServiceRunnerTest, MissingConfigFileIsABadConfigOtherwise) {
  RecordingReporter reporter;
  ServiceRunner runner(options((dir_.path() / "absent.json").string()), reporter, log_.logger());
  EXPECT_EQ(runner.run(), kExitBadConfig);
  expect_failed_start(reporter, kExitBadConfig);
}

TEST_F(ServiceRunnerTest, BadConfigExits2WithoutListenerOrBackend) {
  RecordingReporter reporter;
  const auto path = write_config({{"max_clients", 0}});
  auto opts = options(path);
  std::vector<config::LogConfig> log_files;
  opts.open_log_file = [&](const config::LogConfig& cfg) {
    log_files.push_back(cfg);
    return std::string("default.log");
  };
  ServiceRunner runner(std::move(opts), reporter, log_.logger());
  EXPECT_EQ(runner.run(), kExitBadConfig);
  expect_failed_start(reporter, kExitBadConfig);
  EXPECT_EQ(listeners_made_, 0);
  EXPECT_EQ(backends_made_, 0);
  EXPECT_FALSE(fs::exists(socket_));
  // The reason also goes to the default log file, where a human looks first.
  ASSERT_EQ(log_files.size(), 1u);
  EXPECT_TRUE(log_files[0].dir.empty());
  EXPECT_TRUE(log_.contains("cannot start: bad configuration (" + path + "): ")) << log_.text();
  EXPECT_TRUE(log_.contains("max_clients")) << log_.text();
  EXPECT_TRUE(log_.contains("service stopped (exit code 2)")) << log_.text();
  // One event, saying which file and what is wrong.
  ASSERT_EQ(event_kinds(), (std::vector<events::Kind>{events::Kind::config_error}));
  EXPECT_EQ(events_.all()[0].inserts[0], path);
  EXPECT_NE(events_.all()[0].inserts[1].find("max_clients"), std::string::npos) << events_.all()[0].inserts[1];
}

TEST_F(ServiceRunnerTest, UnknownLogLevelIsABadConfig) {
  RecordingReporter reporter;
  auto opts = options(write_config());
  opts.log_level = "loud";
  ServiceRunner runner(std::move(opts), reporter, log_.logger());
  EXPECT_EQ(runner.run(), kExitBadConfig);
  EXPECT_TRUE(log_.contains("unknown level \"loud\"")) << log_.text();
  EXPECT_EQ(backends_made_, 0);
}

TEST_F(ServiceRunnerTest, AHostCheckRefusingTheConfigIsABadConfig) {
  RecordingReporter reporter;
  auto opts = options(write_config());
  opts.check_config = [](const config::ServiceConfig& cfg) {
    if (cfg.max_clients == 64) throw config::ConfigError("allowed_groups: \"Nobody\" is not a group");
  };
  ServiceRunner runner(std::move(opts), reporter, log_.logger());
  EXPECT_EQ(runner.run(), kExitBadConfig);
  expect_failed_start(reporter, kExitBadConfig);
  EXPECT_EQ(listeners_made_, 0);
  EXPECT_TRUE(log_.contains("\"Nobody\" is not a group")) << log_.text();
}

TEST_F(ServiceRunnerTest, TakenEndpointExits3WithoutTouchingRas) {
  std::ofstream(socket_) << "not a socket";
  RecordingReporter reporter;
  ServiceRunner runner(options(write_config()), reporter, log_.logger());
  EXPECT_EQ(runner.run(), kExitCannotListen);
  expect_failed_start(reporter, kExitCannotListen);
  EXPECT_EQ(backends_made_, 0) << "a refused start touches no connection";
  EXPECT_EQ(sim_.stats().dial_calls + sim_.stats().enum_calls, 0u);
  EXPECT_TRUE(log_.contains("cannot start: " + socket_ + " exists and is not a socket")) << log_.text();
  const auto failed = events_.of(events::Kind::start_failed);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].inserts,
            (std::vector<std::string>{"3", socket_ + " exists and is not a socket; refusing to replace it"}));
}

TEST_F(ServiceRunnerTest, FailingRasBackendExits4) {
  RecordingReporter reporter;
  auto opts = options(write_config());
  opts.make_ras = [](boost::asio::any_io_executor) -> std::unique_ptr<ras::RasApi> {
    throw std::runtime_error("rasapi32.dll not found");
  };
  ServiceRunner runner(std::move(opts), reporter, log_.logger());
  EXPECT_EQ(runner.run(), kExitRasBackend);
  expect_failed_start(reporter, kExitRasBackend);
  EXPECT_TRUE(log_.contains("cannot start: the RAS backend failed: rasapi32.dll not found")) << log_.text();
  const auto failed = events_.of(events::Kind::start_failed);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].inserts, (std::vector<std::string>{"4", "the RAS backend failed: rasapi32.dll not found"}));
  EXPECT_FALSE(fs::exists(socket_)) << "the listener closes with the failed start";
}

TEST_F(ServiceRunnerTest, UnexpectedExceptionExits6AndStillReportsStopped) {
  RecordingReporter reporter;
  auto opts = options(write_config());
  opts.on_listening = [](const std::string&) { throw std::logic_error("bug"); };
  ServiceRunner runner(std::move(opts), reporter, log_.logger());
  EXPECT_EQ(runner.run(), kExitInternal);
  expect_failed_start(reporter, kExitInternal);
  EXPECT_TRUE(log_.contains("internal error: bug")) << log_.text();
  const auto internal = events_.of(events::Kind::internal_error);
  ASSERT_EQ(internal.size(), 1u);
  EXPECT_EQ(internal[0].inserts[0], "bug");
  EXPECT_TRUE(events_.of(events::Kind::service_stopped).empty());
}

TEST_F(ServiceRunnerTest, ALogFileThatCannotBeOpenedIsOnlyAWarning) {
  RecordingReporter reporter;
  auto opts = options(write_config());
  opts.open_log_file = [](const config::LogConfig&) -> std::string { throw std::runtime_error("disk full"); };
  ServiceRunner runner(std::move(opts), reporter, log_.logger());
  runner.request_stop("test");
  EXPECT_EQ(runner.run(), 0);
  EXPECT_TRUE(log_.contains("no log file: disk full")) << log_.text();
  const auto no_file = events_.of(events::Kind::log_file_unavailable);
  ASSERT_EQ(no_file.size(), 1u);
  EXPECT_EQ(no_file[0].inserts[0], "disk full");
}

TEST_F(ServiceRunnerTest, TheHostHasTheLastWordAfterACleanStopOnly) {
  int asked = 0;
  auto leak_check = [&asked] {
    ++asked;
    return kExitRasBackend;
  };
  {
    RecordingReporter reporter;
    auto opts = options(write_config());
    opts.after_stop = leak_check;
    ServiceRunner runner(std::move(opts), reporter, log_.logger());
    runner.request_stop("test");
    EXPECT_EQ(runner.run(), kExitRasBackend);
    EXPECT_EQ(reporter.reports().back().exit_code, static_cast<std::uint32_t>(kExitRasBackend));
  }
  EXPECT_EQ(asked, 1);
  {
    RecordingReporter reporter;
    auto opts = options(write_config({{"max_clients", 0}}));
    opts.after_stop = leak_check;
    ServiceRunner runner(std::move(opts), reporter, log_.logger());
    EXPECT_EQ(runner.run(), kExitBadConfig);
  }
  EXPECT_EQ(asked, 1) << "a failed start keeps its own exit code";
}

TEST_F(ServiceRunnerTest, ASquattedEndpointIsItsOwnEvent) {
  RecordingReporter reporter;
  auto opts = options(write_config());
  opts.make_listener = [](boost::asio::io_context&, const config::ServiceConfig&) -> std::unique_ptr<Listener> {
    throw EndpointSquatted(R"(\\.\pipe\rasbroker already exists, created by another process)");
  };
  ServiceRunner runner(std::move(opts), reporter, log_.logger());
  EXPECT_EQ(runner.run(), kExitCannotListen);
  expect_failed_start(reporter, kExitCannotListen);
  EXPECT_EQ(backends_made_, 0);
  EXPECT_TRUE(events_.of(events::Kind::start_failed).empty()) << "one event per failed start";
  const auto squatted = events_.of(events::Kind::pipe_squatted);
  ASSERT_EQ(squatted.size(), 1u);
  EXPECT_EQ(squatted[0].inserts[0], R"(\\.\pipe\rasbroker already exists, created by another process)");
}

TEST_F(ServiceRunnerTest, ARequestRefusedAsUnauthorizedIsAnEvent) {
  RecordingReporter reporter([this] { return accepting(); });
  ServiceThread service(options(write_config({{"allowed_entries", {"Quick VPN"}}})), reporter, log_.logger());
  ASSERT_TRUE(reporter.wait_for(ServiceState::running));
  {
    LineClient client(socket_);
    const auto refused = client.call("dial", {{"entry", "Office VPN"}, {"password", "secret"}});
    ASSERT_EQ(refused["error"]["code"], static_cast<int>(protocol::ErrorCode::unauthorized)) << refused.dump();
  }
  EXPECT_EQ(service.stop(), 0);
  const auto refused = events_.of(events::Kind::unauthorized_request);
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].inserts[0], "\"dial\"");
  EXPECT_NE(refused[0].inserts[1], "0");  // the client's pid
  EXPECT_EQ(refused[0].inserts[3],
            "entry \"Office VPN\" is not in the allow-list (the service's allowed_entries setting); an administrator "
            "must add it before anyone can dial it");
  for (const auto& e : events_.all())
    for (const auto& text : e.inserts) EXPECT_EQ(text.find("secret"), std::string::npos) << text;
}

// The host's events, from threads of its own, reach the broker on its executor: a resume
// at once, a burst of network changes as one look (app/host_event_debounce.hpp); before
// the service runs and after it stopped they are dropped.
TEST_F(ServiceRunnerTest, HostEventsReachTheBrokerAndABurstOfNetworkChangesAsOne) {
  RecordingReporter reporter;
  ServiceThread service(options(write_config()), reporter, log_.logger());
  ASSERT_TRUE(reporter.wait_for(ServiceState::running));
  std::vector<std::thread> sources;
  for (int t = 0; t < 4; ++t)
    sources.emplace_back([&service] {
      for (int i = 0; i < 5; ++i) service.runner().notify_host_event(broker::HostEvent::network_changed);
    });
  for (auto& t : sources) t.join();
  service.runner().notify_host_event(broker::HostEvent::resumed);
  const auto count = [this](const std::string& line) {
    const auto text = log_.text();
    std::size_t n = 0;
    for (auto at = text.find(line); at != std::string::npos; at = text.find(line, at + 1)) ++n;
    return n;
  };
  for (int i = 0; i < 200 && count("host: network changed") == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(count("host: resumed from sleep; checking every link now"), 1u) << log_.text();
  EXPECT_EQ(service.stop(), 0);
  // 20 changes in far less than the 2 s window: one look (two if the machine stalled the
  // burst across a window's end).
  const auto looks = count("host: network changed; checking every link now");
  EXPECT_GE(looks, 1u) << log_.text();
  EXPECT_LE(looks, 2u) << log_.text();
  service.runner().notify_host_event(broker::HostEvent::resumed);  // stopped: dropped
  EXPECT_EQ(count("host: resumed from sleep"), 1u);
}
