// What wakes the reaper besides its schedule, and its queue at scale: a RAS disconnection
// notification makes it look at once (RasConnectionNotification, RASCN_Disconnection: the
// event is signalled when a connection ends); one notification looks at a bounded number of
// teardowns; thousands of teardowns pending at once are all reaped, each polled as often as one.
#include "reaper_harness.hpp"

namespace rasbroker::testing {
namespace {

using namespace std::chrono_literals;

class ReaperWake : public ReaperHarness {};

TEST_F(ReaperWake, ADisconnectionNotificationMakesTheReaperLookAtOnce) {
  // Stuck, so polled only once a second (fast_config: stuck_poll 1 s, teardown_timeout 5 s).
  make_timed({{"entries", {{{"name", "Office VPN"}, {"teardown_never", true}}}}}, fast_config());
  const auto id = connect("Office VPN");
  const auto handle = handle_of("Office VPN");
  hangup(hangup_entry("Office VPN"));
  run_for(6s);
  ASSERT_TRUE(find("Office VPN")->stuck);
  // Just after a poll: the next is most of a second away.
  const auto before = ras_->polls[handle];
  ASSERT_TRUE(run_until([&] { return ras_->polls[handle] > before; }, 2s));
  run_for(200ms);
  const auto polls = ras_->polls[handle];
  // RAS lets go and signals the notifier; no virtual time passes.
  sim_->finish_stuck_teardowns();
  settle();
  EXPECT_TRUE(gone_at_.contains(id)) << "the reaper waited for its schedule";
  EXPECT_EQ(ras_->polls[handle], polls + 1);
  // The log says which of its polls a notification brought forward: the last one only.
  EXPECT_EQ(logged("(1 brought forward by a notification)"), 1u) << log_text();
  expect_nothing_leaked();
}

TEST_F(ReaperWake, ANotificationLooksAtABoundedNumberOfTeardowns) {
  nlohmann::json entries = nlohmann::json::array();
  nlohmann::json connected = nlohmann::json::array();
  for (int i = 0; i < 200; ++i) {
    entries.push_back({{"name", "E" + std::to_string(i)}, {"teardown_never", true}});
    connected.push_back("E" + std::to_string(i));
  }
  entries.push_back({{"name", "Quick"}, {"connect_ms", 0}, {"teardown_ms", 0}});
  make_timed({{"entries", entries}, {"connected", connected}}, fast_config());
  protocol::HangupParams all;
  all.target.all = true;
  hangup(all);
  run_for(6s);  // all stuck: polled once a second
  ASSERT_EQ(broker_->pending_teardowns(), 200u);
  run_for(200ms);
  std::uint64_t before = 0;
  for (auto& [h, n] : ras_->polls) before += n;
  // A dial and its immediate teardown elsewhere: the notifier is signalled when it connects
  // and when its teardown ends.
  connect("Quick");
  hangup(hangup_entry("Quick"));
  settle();
  std::uint64_t after = 0;
  for (auto& [h, n] : ras_->polls) after += n;
  EXPECT_GE(after - before, 64u);       // the front of the queue was looked at...
  EXPECT_LE(after - before, 2 * 64u + 1);  // ...not every pending teardown, per notification
  sim_->finish_stuck_teardowns();
  expect_nothing_leaked();
}

#if defined(RASBROKER_SANITIZED)
constexpr int kMany = 400;  // the same path, a fifth of the work under the sanitizers
#else
// 10,000 natively once the simulator's scenario lookup and adoption stop being O(n²) (issue 10,
// i10-index): today they, not the reaper, take seconds at 10,000.
constexpr int kMany = 2000;
#endif

TEST_F(ReaperWake, ThousandsOfPendingTeardownsAreAllReaped) {
  nlohmann::json entries = nlohmann::json::array();
  nlohmann::json connected = nlohmann::json::array();
  for (int i = 0; i < kMany; ++i) {
    entries.push_back({{"name", "Link " + std::to_string(i)}, {"teardown_ms", 1000}});
    connected.push_back("Link " + std::to_string(i));
  }
  // Notifications all missed: the schedule alone (and each notification's look at the links is
  // not what this measures).
  make_timed({{"entries", entries}, {"connected", connected}, {"notifications", {{"drop_every", 1}}}},
             broker::BrokerConfig{});
  ASSERT_EQ(broker_->status().connections.connected, static_cast<std::uint32_t>(kMany));
  std::uint64_t adopted = 0;  // adoption confirmed each with a status call
  for (auto& [handle, n] : ras_->polls) adopted += n;
  protocol::HangupParams all;
  all.target.all = true;
  auto h = hangup(all);
  ASSERT_TRUE(h->done && h->value);
  EXPECT_EQ(broker_->pending_teardowns(), static_cast<std::size_t>(kMany));
  EXPECT_EQ(broker_->status().reaper_queue, static_cast<std::uint32_t>(kMany));
  ASSERT_TRUE(run_until([&] { return broker_->pending_teardowns() == 0; }, 10s));
  EXPECT_EQ(gone_at_.size(), static_cast<std::size_t>(kMany));
  // Each polled as a lone first teardown would be (ten polls in its first second, one more
  // to see it gone), not more because of the others.
  std::uint64_t polls = 0;
  for (auto& [handle, n] : ras_->polls) polls += n;
  EXPECT_LE(polls - adopted, 11u * kMany);
  EXPECT_EQ(broker_->status().connections.total, 0u);
  expect_nothing_leaked();
}

}  // namespace
}  // namespace rasbroker::testing
