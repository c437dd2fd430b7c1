#pragma once
// The fixture of the core's native tests: a temporary folder for a configuration file
// and the socket, the dev host's Unix socket listener, a simulator the test keeps, a
// captured log, and counters of what the core was asked to make.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/service_runner.hpp"
#include "app_test_support.hpp"
#include "host/linux/unix_listener.hpp"
#include "tests/events/recorded_events.hpp"

namespace rasbroker::app::test {

namespace fs = std::filesystem;
using nlohmann::json;

class CoreTest : public ::testing::Test {
 protected:
  explicit CoreTest(sim::Scenario scenario = test_scenario())
      : sim_(std::move(scenario), sim::SimulatorOptions{.mode = sim::Mode::threaded}) {}

  std::string write_config(json extra = json::object()) {
    json cfg = {{"reaper", {{"initial_ms", 50}, {"max_ms", 200}}}};
    cfg.update(extra);
    return dir_.write("config.json", cfg.dump(2));
  }

  // The core with the dev host's listener and a backend forwarding to sim_; counts what
  // it was asked to make.
  RunnerOptions options(const std::string& config_path) {
    RunnerOptions o;
    o.config_path = config_path;
    o.make_listener = [this](boost::asio::io_context& io, const config::ServiceConfig&) {
      ++listeners_made_;
      return std::make_unique<host::UnixListener>(io, socket_, log_.logger());
    };
    o.make_ras = [this](boost::asio::any_io_executor) {
      ++backends_made_;
      return std::make_unique<ForwardingRas>(sim_);
    };
    o.events = events_.admin_events();
    return o;
  }

  // The kinds of the admin events reported so far, in order.
  std::vector<events::Kind> event_kinds() const {
    std::vector<events::Kind> out;
    for (const auto& e : events_.all()) out.push_back(e.kind);
    return out;
  }

  bool accepting() const {
    try {
      LineClient probe(socket_);
      return true;
    } catch (const std::exception&) {
      return false;
    }
  }

  void expect_failed_start(RecordingReporter& reporter, ExitCode code) {
    const auto all = reporter.reports();
    EXPECT_TRUE(of_state(all, ServiceState::running).empty());
    ASSERT_FALSE(all.empty());
    EXPECT_EQ(all.back().state, ServiceState::stopped);
    EXPECT_EQ(all.back().exit_code, static_cast<std::uint32_t>(code));
  }

  TempFolder dir_{"app"};
  std::string socket_ = (dir_.path() / "rasbroker.sock").string();
  CapturedLog log_;
  sim::Simulator sim_;
  std::atomic<int> listeners_made_ = 0;
  std::atomic<int> backends_made_ = 0;
  events::test::RecordedEvents events_;  // what the core told the administrator
};


}  // namespace rasbroker::app::test
