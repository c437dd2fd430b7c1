// A look at the links (link_watch.cpp) runs in steps with the executor free between them: at
// 10,000 links one look in one handler held every client up for 120 ms. These tests check the
// structure, not a time: a handler queued during a look runs before the look has read every
// link, and a notification that comes during a look, about a link the look has already
// passed, is still acted on (one more look after it, never two at once).
#include <boost/asio/post.hpp>

#include "broker_harness.hpp"
#include "tests/ras/forwarding_ras.hpp"

namespace rasbroker::testing {
namespace {

// Enough connected links for several steps of a look, few enough for a sanitizer build.
#ifdef RASBROKER_SANITIZED
constexpr int kLinks = 600;
#else
constexpr int kLinks = 2000;
#endif

// Counts the status reads and keeps the broker's notifier, so that a test can signal it
// itself (the simulator's own notifications are all missed in these scenarios).
class CountingRas : public ras::test::ForwardingRas {
 public:
  using ForwardingRas::ForwardingRas;
  std::uint32_t get_connect_status(ras::Handle h, ras::ConnectStatus& out) override {
    ++status_reads;
    if (on_read) on_read(status_reads);
    return ForwardingRas::get_connect_status(h, out);
  }
  void set_connection_notifier(std::function<void()> changed) override {
    notifier = changed;
    ForwardingRas::set_connection_notifier(std::move(changed));
  }
  std::size_t status_reads = 0;
  std::function<void(std::size_t)> on_read;
  std::function<void()> notifier;
};

class LinkWatchSteps : public BrokerHarness {
 protected:
  void make_links() {
    nlohmann::json entries = nlohmann::json::array(), connected = nlohmann::json::array();
    for (int i = 0; i < kLinks; ++i) {
      const std::string name = "VPN " + std::to_string(i);
      // A drop leaves the handle in the disconnected state: the broker hangs it up.
      entries.push_back({{"name", name}, {"teardown_ms", 100}, {"drop_mode", "disconnected_state"}});
      connected.push_back(name);
    }
    make_sim({{"entries", entries}, {"connected", connected}, {"notifications", {{"drop_every", 1}}}});
    ras_ = new CountingRas(*sim_);
    wrapper_.reset(ras_);
    auto config = fast_config();
    config.link_poll = std::chrono::hours(1);  // only notifications make a look here
    broker_ = make_broker(config, ras_);
    ASSERT_EQ(broker_->list().size(), static_cast<std::size_t>(kLinks));
  }
  CountingRas* ras_ = nullptr;
};

TEST_F(LinkWatchSteps, AHandlerQueuedDuringALookRunsBeforeTheLookHasReadEveryLink) {
  make_links();
  const auto before = ras_->status_reads;
  ras_->notifier();  // RASCN_Disconnection, say: a look at every link
  // A "request": a handler that queues itself again each time it runs, noting how many links
  // the look had read by then. A look in one handler would show it none or all of them.
  std::vector<std::size_t> seen;
  std::function<void()> probe = [&] {
    seen.push_back(ras_->status_reads - before);
    if (seen.back() < static_cast<std::size_t>(kLinks) && seen.size() < 100000) boost::asio::post(*io_, probe);
  };
  boost::asio::post(*io_, probe);
  settle();
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back(), static_cast<std::size_t>(kLinks)) << "the look did not read every link once";
  std::size_t mid_look = 0, largest_step = 0;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    if (seen[i] > 0 && seen[i] < static_cast<std::size_t>(kLinks)) ++mid_look;
    if (i > 0) largest_step = std::max(largest_step, seen[i] - seen[i - 1]);
  }
  // 600 links (sanitizers) make 3 steps of at most 256, 2000 make 8: at least 2 handlers
  // ran with the look part-way.
  EXPECT_GE(mid_look, 2u) << "no handler ran between the steps of the look";
  EXPECT_LT(largest_step, static_cast<std::size_t>(kLinks) / 2);
  EXPECT_EQ(broker_->index_problem(), std::nullopt);
  expect_nothing_leaked();
}

TEST_F(LinkWatchSteps, ANotificationDuringALookAboutALinkItPassedIsActedOn) {
  make_links();
  const auto held = broker_->held_handles();
  ASSERT_FALSE(held.empty());
  // The lowest sequence number: the first link a look reads.
  const auto first = std::min_element(held.begin(), held.end(), [](const auto& a, const auto& b) {
                       return a.info.id.size() != b.info.id.size() ? a.info.id.size() < b.info.id.size()
                                                                   : a.info.id < b.info.id;
                     })->info;
  const auto before = ras_->status_reads;
  bool dropped = false;
  ras_->on_read = [&](std::size_t reads) {
    // Half-way through the look: the first link drops, and RAS signals it.
    if (dropped || reads - before != static_cast<std::size_t>(kLinks) / 2) return;
    dropped = true;
    ASSERT_EQ(sim_->drop_link(first.entry), 0u);
    ras_->notifier();
  };
  ras_->notifier();
  settle();  // no virtual time passes: no backstop poll, only the looks
  ASSERT_TRUE(dropped);
  const auto seen = find(first.entry);
  ASSERT_TRUE(seen.has_value()) << "erased without a teardown";
  EXPECT_EQ(seen->state, ConnectionState::hanging_up) << "the drop during the look was never looked at";
  EXPECT_EQ(seen->reason, protocol::Reason::link_lost);
  // Two looks, not one per notification and never two at once: every link read twice (the
  // dropped one a third time by the reaper, at once: its RasHangUp answered 0).
  EXPECT_LE(ras_->status_reads - before, 2 * static_cast<std::size_t>(kLinks) + 2);
  EXPECT_EQ(broker_->index_problem(), std::nullopt);
  ras_->on_read = {};
  ASSERT_TRUE(run_until([&] { return !find(first.entry); }));
  EXPECT_EQ(broker_->index_problem(), std::nullopt);
  expect_nothing_leaked();
}

}  // namespace
}  // namespace rasbroker::testing
