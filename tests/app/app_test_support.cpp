#include "app_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include "simulator/scenario.hpp"

namespace rasbroker::app::test {

using nlohmann::json;

void RecordingReporter::report(const ServiceStatus& s) {
  const bool accepting = s.state == ServiceState::running && accepting_ && accepting_();
  std::lock_guard lock(m_);
  reports_.push_back(s);
  if (s.state == ServiceState::running) accepting_when_running_ = accepting;
  cv_.notify_all();
}

std::string RecordingReporter::apply_settings(std::uint32_t stop_budget_ms) {
  std::lock_guard lock(m_);
  stop_budget_ms_ = stop_budget_ms;
  settings_before_running_ = reports_.empty() || reports_.back().state == ServiceState::start_pending;
  return settings_result;
}

bool RecordingReporter::wait_for(ServiceState state, std::chrono::milliseconds timeout) {
  std::unique_lock lock(m_);
  return cv_.wait_for(lock, timeout, [&] {
    return std::any_of(reports_.begin(), reports_.end(), [&](const auto& r) { return r.state == state; });
  });
}

std::vector<ServiceStatus> RecordingReporter::reports() {
  std::lock_guard lock(m_);
  return reports_;
}

bool RecordingReporter::accepting_when_running() {
  std::lock_guard lock(m_);
  return accepting_when_running_;
}

std::uint32_t RecordingReporter::stop_budget_ms() {
  std::lock_guard lock(m_);
  return settings_before_running_ ? stop_budget_ms_ : 0;
}

std::vector<ServiceStatus> of_state(const std::vector<ServiceStatus>& all, ServiceState s) {
  std::vector<ServiceStatus> out;
  std::copy_if(all.begin(), all.end(), std::back_inserter(out), [s](const auto& r) { return r.state == s; });
  return out;
}

void expect_start_run_stop(const std::vector<ServiceStatus>& all, std::chrono::milliseconds stop_timeout) {
  ASSERT_GE(all.size(), 4u);
  const auto running_at =
      std::find_if(all.begin(), all.end(), [](auto& r) { return r.state == ServiceState::running; });
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
  const auto most = static_cast<std::uint32_t>(stop_timeout.count()) + 1000u;
  for (const auto& s : stopping) {
    EXPECT_GT(s.wait_hint_ms, static_cast<std::uint32_t>(ServiceRunner::kHeartbeat.count()))
        << "the next checkpoint must come within the hint";
    EXPECT_LE(s.wait_hint_ms, most) << "never more than stop_timeout_ms + cleanup";
  }
  EXPECT_EQ(all.back().state, ServiceState::stopped);
  EXPECT_EQ(all.back().exit_code, 0u);
}

sim::Scenario test_scenario() {
  return sim::parse_scenario_text(R"({"entries": [
    {"name": "Office VPN", "connect_ms": 100, "teardown_ms": 1500},
    {"name": "Quick VPN", "connect_ms": 50, "teardown_ms": 50},
    {"name": "Slow Dial VPN", "connect_ms": 600000, "teardown_ms": 50}]})");
}

LineClient::LineClient(const std::string& endpoint) : transport_(client::make_platform_transport()) {
  transport_->connect(endpoint, std::chrono::seconds(10));
}

void LineClient::send(const std::string& bytes) { transport_->write_all(bytes); }

std::optional<std::string> LineClient::read_line(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return line;
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto got = transport_->read_some(left);
    if (got.status != client::ReadResult::Status::data) return std::nullopt;
    buffer_ += got.bytes;
  }
}

json LineClient::call(const std::string& method, json params) {
  json request = {{"jsonrpc", "2.0"}, {"id", next_id_++}, {"method", method}};
  if (!params.is_null()) request["params"] = std::move(params);
  send(request.dump() + "\n");
  auto line = read_line();
  if (!line) throw std::runtime_error("no answer to " + method);
  return json::parse(*line);
}

TempFolder::TempFolder(const std::string& tag) {
  std::random_device random;
  for (;;) {
    path_ = std::filesystem::temp_directory_path() / ("rasbroker-" + tag + "-" + std::to_string(random()));
    if (std::filesystem::create_directory(path_)) return;  // false: the name was taken
  }
}

TempFolder::~TempFolder() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string TempFolder::write(const std::string& name, const std::string& text) const {
  const auto file = path_ / name;
  std::ofstream(file) << text;
  return file.string();
}

ServiceThread::ServiceThread(RunnerOptions options, StatusReporter& reporter, std::shared_ptr<spdlog::logger> log)
    : runner_(std::move(options), reporter, std::move(log)), thread_([this] { exit_code_ = runner_.run(); }) {}

ServiceThread::~ServiceThread() {
  if (thread_.joinable()) stop("test over");
}

int ServiceThread::stop(const std::string& why) {
  runner_.request_stop(why);
  thread_.join();
  return exit_code_;
}

namespace {

// Sends `request` on a connection of its own, waits until `entry`'s connection is in
// `state` (asked with `get` on another connection: the service has acted on the request),
// stops the service, and returns the line answered to the request (null when the
// connection closed without it).
json answer_across_stop(ServiceThread& service, const std::string& endpoint, const json& request,
                        const std::string& entry, const std::string& state) {
  LineClient waiting(endpoint);
  waiting.send(request.dump() + "\n");
  {
    LineClient observer(endpoint);
    for (int i = 0; i < 1000; ++i) {
      const json got = observer.call("get", {{"entry", entry}});
      if (got.contains("result") && got["result"]["state"] == state) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  service.runner().request_stop("test");
  const auto line = waiting.read_line(std::chrono::seconds(30));
  EXPECT_EQ(service.stop(), 0);
  return line ? json::parse(*line) : json();
}

}  // namespace

void expect_hangup_answered_across_stop(ServiceThread& service, const std::string& endpoint) {
  ASSERT_EQ(LineClient(endpoint).call("dial", {{"entry", "Office VPN"}, {"wait", "connected"}})["result"]["state"],
            "connected");
  const json answer = answer_across_stop(
      service, endpoint,
      {{"jsonrpc", "2.0"}, {"id", 7}, {"method", "hangup"}, {"params", {{"entry", "Office VPN"}, {"wait", "gone"}}}},
      "Office VPN", "hanging_up");
  ASSERT_FALSE(answer.is_null()) << "the connection closed without the answer";
  EXPECT_EQ(answer["id"], 7) << answer.dump();
  ASSERT_EQ(answer["result"]["connections"].size(), 1u) << answer.dump();
  EXPECT_EQ(answer["result"]["connections"][0]["state"], "gone");
}

void expect_dial_answered_shutting_down_across_stop(ServiceThread& service, const std::string& endpoint) {
  const json answer = answer_across_stop(
      service, endpoint,
      {{"jsonrpc", "2.0"}, {"id", "d"}, {"method", "dial"}, {"params", {{"entry", "Slow Dial VPN"}, {"wait", "connected"}}}},
      "Slow Dial VPN", "dialing");
  ASSERT_FALSE(answer.is_null()) << "the connection closed without the answer";
  EXPECT_EQ(answer["id"], "d") << answer.dump();
  EXPECT_EQ(answer["error"]["code"], 5) << answer.dump();  // shutting_down
  EXPECT_EQ(answer["error"]["message"], "the service is stopping: dial \"Slow Dial VPN\" was hung up before it connected");
}

// Keeps every formatted line; text() copies them under the sink's own lock. What was
// flushed is what a file would hold after a crash.
class CapturedLog::StringSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::string text() {
    std::lock_guard lock(mutex_);
    return text_;
  }
  std::string flushed_text() {
    std::lock_guard lock(mutex_);
    return text_.substr(0, flushed_);
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    text_.append(formatted.data(), formatted.size());
  }
  void flush_() override { flushed_ = text_.size(); }

 private:
  std::string text_;
  std::size_t flushed_ = 0;  // text_ up to here was flushed
};

CapturedLog::CapturedLog() : sink_(std::make_shared<StringSink>()) {
  auto err = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  err->set_level(spdlog::level::warn);
  log_ = std::make_shared<spdlog::logger>("test", spdlog::sinks_init_list{sink_, err});
  log_->set_level(spdlog::level::info);
}

std::string CapturedLog::text() const { return sink_->text(); }
std::string CapturedLog::flushed_text() const { return sink_->flushed_text(); }

}  // namespace rasbroker::app::test
