// The service lifecycle (ServiceRunner) with a fake status reporter instead of the SCM:
// what the SCM would see during start, run and stop, and for failed starts.
#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "host/windows/logging.hpp"
#include "host/windows/pipe_listener.hpp"
#include "host/windows/scm.hpp"
#include "host/windows/service_runner.hpp"
#include "host/windows/win32_util.hpp"
#include "test_support.hpp"

using namespace rasbroker;
using namespace rasbroker::winhost;
using namespace rasbroker::winhost::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// Records every report; when RUNNING is reported, checks the pipe really accepts a client.
class FakeReporter final : public StatusReporter {
 public:
  explicit FakeReporter(std::string pipe_name) : pipe_(std::move(pipe_name)) {}
  void report(const ServiceStatus& s) override {
    bool listening = false;
    if (s.state == ServiceState::running) {
      UniqueHandle h(CreateFileW(widen(pipe_path(pipe_)).c_str(), GENERIC_READ | GENERIC_WRITE, 0, nullptr,
                                 OPEN_EXISTING, 0, nullptr));
      listening = static_cast<bool>(h);
    }
    std::lock_guard lock(m_);
    reports_.push_back(s);
    if (s.state == ServiceState::running) listening_when_running_ = listening;
    cv_.notify_all();
  }
  bool wait_for(ServiceState state) {
    std::unique_lock lock(m_);
    return cv_.wait_for(lock, std::chrono::seconds(20), [&] {
      return std::any_of(reports_.begin(), reports_.end(), [&](const auto& r) { return r.state == state; });
    });
  }
  std::vector<ServiceStatus> reports() {
    std::lock_guard lock(m_);
    return reports_;
  }
  bool listening_when_running() {
    std::lock_guard lock(m_);
    return listening_when_running_;
  }
  std::string apply_settings(std::uint32_t stop_budget_ms) override {
    std::lock_guard lock(m_);
    stop_budget_ms_ = stop_budget_ms;
    settings_before_running_ = reports_.empty() || reports_.back().state == ServiceState::start_pending;
    return "not under the SCM in this test";  // a failure is logged, never fatal
  }
  std::uint32_t stop_budget_ms() {
    std::lock_guard lock(m_);
    return settings_before_running_ ? stop_budget_ms_ : 0;
  }

 private:
  std::string pipe_;
  std::mutex m_;
  std::condition_variable cv_;
  std::vector<ServiceStatus> reports_;
  bool listening_when_running_ = false;
  std::uint32_t stop_budget_ms_ = 0;
  bool settings_before_running_ = false;
};

// The runner owns its backend; this one forwards to a simulator the test keeps, so the
// ledger can be checked after the service stopped.
class ForwardingRas final : public ras::RasApi {
 public:
  explicit ForwardingRas(ras::RasApi& to) : to_(to) {}
  std::string backend_name() const override { return to_.backend_name(); }
  ras::DialResult dial(const ras::DialRequest& r, ras::DialProgressFn p) override { return to_.dial(r, std::move(p)); }
  std::uint32_t hang_up(ras::Handle h) override { return to_.hang_up(h); }
  std::uint32_t get_connect_status(ras::Handle h, ras::ConnectStatus& out) override {
    return to_.get_connect_status(h, out);
  }
  std::uint32_t enum_connections(std::vector<ras::ActiveConnection>& out) override {
    return to_.enum_connections(out);
  }
  std::uint32_t enum_entries(const std::string& pb, std::vector<ras::PhonebookEntry>& out) override {
    return to_.enum_entries(pb, out);
  }
  std::string error_string(std::uint32_t code) override { return to_.error_string(code); }
  void set_connection_notifier(std::function<void()> changed) override {
    to_.set_connection_notifier(std::move(changed));
  }

 private:
  ras::RasApi& to_;
};

class ServiceRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    wchar_t tmp[MAX_PATH];
    GetTempPathW(MAX_PATH, tmp);
    dir_ = fs::path(tmp) / widen(unique_pipe_name("runner"));
    fs::create_directories(dir_);
    pipe_name_ = unique_pipe_name("svc");
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  std::string write_config(json extra = json::object()) {
    json cfg = {{"pipe_name", pipe_name_},
                {"log", {{"dir", narrow((dir_ / L"logs").wstring())}}},
                {"reaper", {{"initial_ms", 50}, {"max_ms", 200}}}};
    cfg.update(extra);
    const auto path = dir_ / L"config.json";
    std::ofstream(path) << cfg.dump(2);
    return narrow(path.wstring());
  }

  RunnerOptions runner_options(const std::string& config_path) {
    RunnerOptions o;
    o.config_path = config_path;
    o.make_ras = [this](boost::asio::any_io_executor) { return std::make_unique<ForwardingRas>(sim_); };
    return o;
  }

  fs::path dir_;
  std::string pipe_name_;
  sim::Simulator sim_{test_scenario(), sim::SimulatorOptions{.mode = sim::Mode::threaded}};
};

std::vector<ServiceStatus> of_state(const std::vector<ServiceStatus>& all, ServiceState s) {
  std::vector<ServiceStatus> out;
  std::copy_if(all.begin(), all.end(), std::back_inserter(out), [s](const auto& r) { return r.state == s; });
  return out;
}

}  // namespace

TEST_F(ServiceRunnerTest, StartRunStopReportsWhatTheScmNeeds) {
  FakeReporter reporter(pipe_name_);
  ServiceRunner runner(runner_options(write_config()), reporter, make_service_logger({.event_log = false}));
  int exit_code = -1;
  std::thread service([&] { exit_code = runner.run(); });
  ASSERT_TRUE(reporter.wait_for(ServiceState::running));
  EXPECT_TRUE(reporter.listening_when_running()) << "RUNNING reported before the pipe accepted clients";

  // A live connection with a 1.5 s teardown: the stop must take a while and show it.
  {
    PipeClient client(pipe_name_);
    const auto dial = client.call("dial", {{"entry", "Office VPN"}, {"wait", "connected"}});
    ASSERT_EQ(dial["result"]["state"], "connected") << dial.dump();
  }
  runner.request_stop("test");
  runner.request_stop("test again");  // idempotent
  service.join();
  EXPECT_EQ(exit_code, 0);

  const auto all = reporter.reports();
  ASSERT_GE(all.size(), 4u);
  // START_PENDING with advancing checkpoints, then RUNNING once, then STOP_PENDING, then STOPPED last.
  const auto running_at = std::find_if(all.begin(), all.end(), [](auto& r) { return r.state == ServiceState::running; });
  ASSERT_NE(running_at, all.end());
  std::uint32_t last = 0;
  for (auto it = all.begin(); it != running_at; ++it) {
    EXPECT_EQ(it->state, ServiceState::start_pending);
    EXPECT_GT(it->checkpoint, last);
    EXPECT_GT(it->wait_hint_ms, 0u);
    last = it->checkpoint;
  }
  EXPECT_EQ(running_at->checkpoint, 0u);
  EXPECT_EQ(of_state(all, ServiceState::running).size(), 1u);

  const auto stopping = of_state(all, ServiceState::stop_pending);
  ASSERT_GE(stopping.size(), 3u) << "a 1.5 s teardown must show several checkpoints";
  for (std::size_t i = 1; i < stopping.size(); ++i) EXPECT_GT(stopping[i].checkpoint, stopping[i - 1].checkpoint);
  for (const auto& s : stopping) {
    EXPECT_GT(s.wait_hint_ms, static_cast<std::uint32_t>(ServiceRunner::kHeartbeat.count()))
        << "the next checkpoint must come within the hint";
    EXPECT_LE(s.wait_hint_ms, 30000u + 1000u) << "never more than stop_timeout_ms + cleanup";
  }
  EXPECT_EQ(all.back().state, ServiceState::stopped);
  EXPECT_EQ(all.back().exit_code, 0u);
  EXPECT_TRUE(sim_.leak_report().clean()) << sim_.leak_report().describe();
  // The preshutdown budget covers the whole stop (stop_timeout_ms 30 s + cleanup) and was
  // applied while starting.
  EXPECT_GE(reporter.stop_budget_ms(), 30000u + 1000u);

  // The rotating log file was written where the configuration said.
  std::ifstream log_file(dir_ / L"logs" / L"rasbroker.log");
  const std::string text((std::istreambuf_iterator<char>(log_file)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("running"), std::string::npos) << text;
  EXPECT_NE(text.find("request dial from pid"), std::string::npos) << text;
  EXPECT_NE(text.find("service settings not applied (not under the SCM in this test)"), std::string::npos) << text;
}

TEST_F(ServiceRunnerTest, MissingConfigFileMeansDefaults) {
  // Defaults include the pipe name "rasbroker": only check that the config is not an error.
  FakeReporter reporter("rasbroker");
  auto opts = runner_options(narrow((dir_ / L"absent.json").wstring()));
  opts.file_log = false;
  opts.on_listening = [&](const std::string& path) { EXPECT_EQ(path, R"(\\.\pipe\rasbroker)"); };
  ServiceRunner runner(std::move(opts), reporter, make_service_logger({.event_log = false}));
  runner.request_stop("stop right after start");  // before run(): handled once running
  EXPECT_EQ(runner.run(), 0);
  EXPECT_EQ(reporter.reports().back().state, ServiceState::stopped);
}

TEST_F(ServiceRunnerTest, BadConfigStopsWithServiceSpecificCode2) {
  FakeReporter reporter(pipe_name_);
  auto opts = runner_options(write_config({{"max_clients", 0}}));
  opts.file_log = false;  // a bad config would log to %ProgramData%: keep the test to itself
  ServiceRunner runner(std::move(opts), reporter, make_service_logger({.event_log = false}));
  EXPECT_EQ(runner.run(), kExitBadConfig);
  const auto all = reporter.reports();
  EXPECT_TRUE(of_state(all, ServiceState::running).empty());
  ASSERT_EQ(all.back().state, ServiceState::stopped);
  EXPECT_EQ(all.back().exit_code, 2u);
  const SERVICE_STATUS s = to_service_status(all.back());
  EXPECT_EQ(s.dwCurrentState, static_cast<DWORD>(SERVICE_STOPPED));
  EXPECT_EQ(s.dwWin32ExitCode, static_cast<DWORD>(ERROR_SERVICE_SPECIFIC_ERROR));
  EXPECT_EQ(s.dwServiceSpecificExitCode, 2u);
}

TEST_F(ServiceRunnerTest, UnknownAllowedGroupIsABadConfig) {
  FakeReporter reporter(pipe_name_);
  auto opts = runner_options(write_config({{"allowed_groups", {"No Such Group 7d1e"}}}));
  opts.file_log = false;
  ServiceRunner runner(std::move(opts), reporter, make_service_logger({.event_log = false}));
  EXPECT_EQ(runner.run(), kExitBadConfig);
  EXPECT_EQ(reporter.reports().back().exit_code, 2u);
}

TEST_F(ServiceRunnerTest, SquattedPipeStopsWithServiceSpecificCode3) {
  UniqueHandle squatter(CreateNamedPipeW(widen(pipe_path(pipe_name_)).c_str(), PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE,
                                         PIPE_UNLIMITED_INSTANCES, 4096, 4096, 0, nullptr));
  ASSERT_TRUE(squatter);
  FakeReporter reporter(pipe_name_);
  ServiceRunner runner(runner_options(write_config()), reporter, make_service_logger({.event_log = false}));
  EXPECT_EQ(runner.run(), kExitCannotListen);
  const auto all = reporter.reports();
  EXPECT_TRUE(of_state(all, ServiceState::running).empty());
  EXPECT_EQ(all.back().state, ServiceState::stopped);
  EXPECT_EQ(all.back().exit_code, 3u);
  EXPECT_EQ(sim_.stats().dial_calls + sim_.stats().enum_calls, 0u) << "a refused start touches no connection";
}

TEST_F(ServiceRunnerTest, FailingRasBackendStopsWithServiceSpecificCode4) {
  FakeReporter reporter(pipe_name_);
  auto opts = runner_options(write_config());
  opts.make_ras = [](boost::asio::any_io_executor) -> std::unique_ptr<ras::RasApi> {
    throw std::runtime_error("rasapi32.dll not found");
  };
  ServiceRunner runner(std::move(opts), reporter, make_service_logger({.event_log = false}));
  EXPECT_EQ(runner.run(), kExitRasBackend);
  EXPECT_EQ(reporter.reports().back().exit_code, 4u);
}

TEST(ScmStatus, ControlsAreAcceptedOnlyWhileRunning) {
  EXPECT_EQ(to_service_status({ServiceState::running, 0, 0, 0}).dwControlsAccepted,
            static_cast<DWORD>(SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN | SERVICE_ACCEPT_PRESHUTDOWN));
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
