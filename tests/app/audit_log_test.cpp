// The request audit off the hot path (app/log_flusher.hpp): every request's line still
// reaches the log — within log.flush_interval_ms while the service runs, and at the
// latest when it stops — but the line is not flushed by the request itself. The waits are
// bounded and the tests assert what was flushed, never how fast.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "app/log_flusher.hpp"
#include "core_fixture.hpp"

using namespace rasbroker;
using namespace rasbroker::app;
using namespace rasbroker::app::test;
using namespace std::chrono_literals;

namespace {

// Polls `done` for up to 10 s (a loaded machine), far beyond any flush interval here.
template <class Pred>
bool within_bound(Pred done) {
  const auto limit = std::chrono::steady_clock::now() + 10s;
  while (!done()) {
    if (std::chrono::steady_clock::now() > limit) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

constexpr const char* kPingAudit = "request \"ping\" from pid ";

using AuditLogTest = CoreTest;

TEST(LogFlusher, FlushesALineWithinTheIntervalThenSleepsUntilTheNext) {
  CapturedLog captured;
  LogFlusher flusher(50ms);
  auto log = captured.logger();
  flusher.watch(log);
  log->info("one");
  EXPECT_TRUE(within_bound([&] { return captured.flushed_text().find("one") != std::string::npos; }))
      << captured.text();
  ASSERT_TRUE(within_bound([&] { return flusher.flushes() == 1; }));
  // Idle: no line, no flush (the thread sleeps; no periodic wake-up).
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(flusher.flushes(), 1u);
  log->info("two");
  EXPECT_TRUE(within_bound([&] { return captured.flushed_text().find("two") != std::string::npos; }));
}

TEST(LogFlusher, StopFlushesWhatTheIntervalHasNotYet) {
  CapturedLog captured;
  LogFlusher flusher(std::chrono::minutes(1));
  flusher.watch(captured.logger());
  captured.logger()->info("last words");
  EXPECT_EQ(captured.flushed_text().find("last words"), std::string::npos) << "flushed by the line itself";
  flusher.stop();
  EXPECT_NE(captured.flushed_text().find("last words"), std::string::npos) << captured.text();
  flusher.stop();  // idempotent
}

TEST_F(AuditLogTest, EveryRequestReachesTheLogWithinTheFlushIntervalWhileTheServiceRuns) {
  RecordingReporter reporter([this] { return accepting(); });
  ServiceThread service(options(write_config({{"log", {{"flush_interval_ms", 100}}}})), reporter, log_.logger());
  ASSERT_TRUE(reporter.wait_for(ServiceState::running));
  LineClient client(socket_);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(client.call("ping")["result"]["pong"], true);
  const auto audited = [this] {
    const std::string text = log_.flushed_text();
    std::size_t n = 0;
    for (auto at = text.find(kPingAudit); at != std::string::npos; at = text.find(kPingAudit, at + 1)) ++n;
    return n;
  };
  EXPECT_TRUE(within_bound([&] { return audited() == 3; })) << log_.text();
  EXPECT_EQ(service.stop(), 0);
}

TEST_F(AuditLogTest, TheStopFlushesTheLastRequests) {
  RecordingReporter reporter([this] { return accepting(); });
  ServiceThread service(options(write_config({{"log", {{"flush_interval_ms", 60'000}}}})), reporter, log_.logger());
  ASSERT_TRUE(reporter.wait_for(ServiceState::running));
  {
    LineClient client(socket_);
    ASSERT_EQ(client.call("ping")["result"]["pong"], true);
  }
  EXPECT_EQ(service.stop(), 0);
  EXPECT_NE(log_.flushed_text().find(kPingAudit), std::string::npos) << log_.text();
}

TEST_F(AuditLogTest, ZeroIntervalFlushesEveryAuditLineAsItIsWritten) {
  RecordingReporter reporter([this] { return accepting(); });
  auto log = log_.logger();
  log->flush_on(spdlog::level::info);  // as the Windows host's service log
  ServiceThread service(options(write_config({{"log", {{"flush_interval_ms", 0}}}})), reporter, log);
  ASSERT_TRUE(reporter.wait_for(ServiceState::running));
  LineClient client(socket_);
  ASSERT_EQ(client.call("ping")["result"]["pong"], true);
  // Logged before the answer was sent: flushed by then.
  EXPECT_NE(log_.flushed_text().find(kPingAudit), std::string::npos) << log_.text();
  EXPECT_EQ(service.stop(), 0);
}

}  // namespace
