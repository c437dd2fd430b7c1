// The service core hands the host's journal store to the broker (RunnerOptions::make_journal),
// and a store that cannot be made is reported, never a reason not to run.
#include <gtest/gtest.h>

#include <stdexcept>

#include "core_fixture.hpp"
#include "tests/broker/memory_journal_store.hpp"

using namespace rasbroker;
using namespace rasbroker::app;
using namespace rasbroker::app::test;

namespace {
using ServiceRunnerJournalTest = CoreTest;
}  // namespace

TEST_F(ServiceRunnerJournalTest, TheHostsStoreKeepsWhatTheServiceLeftUp) {
  auto store = std::make_shared<rasbroker::testing::MemoryJournalStore>();
  RecordingReporter reporter;
  auto opts = options(write_config({{"on_stop", "leave"}}));
  int made = 0;
  opts.make_journal = [&](const config::ServiceConfig& cfg) {
    ++made;
    EXPECT_EQ(cfg.broker.on_stop, broker::OnStop::leave);  // made from the loaded configuration
    return store;
  };
  ServiceThread service(std::move(opts), reporter, log_.logger());
  ASSERT_TRUE(reporter.wait_for(ServiceState::running));
  {
    LineClient client(socket_);
    const auto dial = client.call("dial", {{"entry", "Office VPN"}, {"wait", "connected"}});
    ASSERT_EQ(dial["result"]["state"], "connected") << dial.dump();
  }
  EXPECT_EQ(service.stop("test"), 0);
  EXPECT_EQ(made, 1);
  // The stop left it up and saved the journal with it, for the next instance.
  const auto saved = store->saved();
  ASSERT_EQ(saved.records.size(), 1u);
  EXPECT_EQ(saved.records.front().info.entry, "Office VPN");
  EXPECT_EQ(saved.records.front().info.state, protocol::ConnectionState::connected);
  EXPECT_TRUE(log_.contains("state journal: memory:journal.json")) << log_.text();

  // The next instance takes it back, and its stop (on_stop "hangup") hangs it up.
  RecordingReporter next_reporter;
  auto next = options(write_config());
  next.make_journal = [&](const config::ServiceConfig&) { return store; };
  ServiceThread next_service(std::move(next), next_reporter, log_.logger());
  ASSERT_TRUE(next_reporter.wait_for(ServiceState::running));
  EXPECT_EQ(next_service.stop("test"), 0);
  EXPECT_TRUE(log_.contains("journal: took back 1 of 1 connection(s)")) << log_.text();
  EXPECT_TRUE(store->saved().records.empty());
  EXPECT_TRUE(sim_.leak_report().clean()) << sim_.leak_report().describe();
}

TEST_F(ServiceRunnerJournalTest, AStoreThatCannotBeMadeIsReportedAndTheServiceRuns) {
  RecordingReporter reporter;
  auto opts = options(write_config());
  opts.make_journal = [](const config::ServiceConfig&) -> std::shared_ptr<journal::JournalStore> {
    throw std::runtime_error("cannot create /var/lib/rasbroker: permission denied");
  };
  ServiceThread service(std::move(opts), reporter, log_.logger());
  ASSERT_TRUE(reporter.wait_for(ServiceState::running));
  EXPECT_EQ(service.stop("test"), 0);
  EXPECT_TRUE(log_.contains("state journal unavailable: cannot create /var/lib/rasbroker: permission denied"))
      << log_.text();
  const auto reported = events_.of(events::Kind::journal_unusable);
  ASSERT_EQ(reported.size(), 1u);
  EXPECT_EQ(reported[0].inserts[1], "cannot create /var/lib/rasbroker: permission denied");
}
