// RAS's one-connection termination signal (RasConnectionNotification with the handle,
// RASCN_Disconnection), asked for just before each RasHangUp. Microsoft's "signaled when the
// hrasconn connection is terminated" allows two readings, and the simulator offers both
// (notifications.one_connection): once the teardown has ended, or as it starts. The reaper
// finds out which from the poll that follows the first signal: signals at the end make the
// schedule a backstop (fewer polls, no lag), early ones are ignored from then on.
#include "reaper_harness.hpp"

namespace rasbroker::testing {
namespace {

using namespace std::chrono_literals;

class ReaperSignal : public ReaperHarness {
 protected:
  // One entry whose teardown takes `ms`, RAS's signals read as `reading`.
  void make_signalled(int ms, const std::string& reading, std::uint32_t drop_every = 0) {
    nlohmann::json scenario = {
        {"entries", {{{"name", "Office VPN"}, {"connect_ms", 10}, {"teardown_ms", ms}}}},
        {"notifications", {{"one_connection", reading}, {"drop_every", drop_every}}}};
    make_timed(scenario, broker::BrokerConfig{});
    ras_->signals = true;
  }
};

TEST_F(ReaperSignal, SignalsAtTheEndOfTeardownReapAtOnceAndMakeTheScheduleABackstop) {
  make_signalled(1000, "teardown_ended");
  // The first: the reaper does not know yet what a signal means, so it polls on its schedule
  // (every 100 ms at first), and the signal's poll finds the teardown over.
  const Reaped first = teardown("Office VPN", 1s);
  EXPECT_EQ(first.lag, 0ms);
  EXPECT_LE(first.polls, 11u);
  EXPECT_EQ(logged("teardowns it signals are polled only as a backstop now"), 1u) << log_text();
  // From then on the schedule only backs the signal up: at 0.1, 0.2, 0.4 and 0.8 s, then the
  // signal's poll at 1 s.
  for (int i = 0; i < 3; ++i) {
    const Reaped r = teardown("Office VPN", 1s);
    EXPECT_EQ(r.lag, 0ms);
    EXPECT_EQ(r.polls, 5u);
  }
  EXPECT_EQ(sim_->stats().terminations_delivered, 4u);
  expect_nothing_leaked();
}

TEST_F(ReaperSignal, AMissedSignalIsCaughtByTheBackstop) {
  // Every second signal is missed (DotRas issue #105): the first teaches, the second is lost.
  make_signalled(1000, "teardown_ended", /*drop_every=*/2);
  EXPECT_EQ(teardown("Office VPN", 1s).lag, 0ms);
  const Reaped missed = teardown("Office VPN", 1s);
  // Polled at 0.1, 0.2, 0.4, 0.8 and 1.6 s: seen within the time already spent.
  EXPECT_EQ(missed.lag, 600ms);
  EXPECT_EQ(missed.polls, 5u);
  EXPECT_EQ(sim_->stats().terminations_missed, 1u);
  expect_nothing_leaked();
}

TEST_F(ReaperSignal, SignalsAsTeardownStartsAreIgnoredFromTheFirstOn) {
  make_signalled(1000, "hang_up");
  const Reaped first = teardown("Office VPN", 1s);
  EXPECT_LE(first.lag, 100ms);
  EXPECT_EQ(logged("asks for no more such signals"), 1u) << log_text();
  // No more registrations: the schedule alone finds the ends, as with no signal at all.
  const Reaped second = teardown("Office VPN", 1s);
  EXPECT_LE(second.lag, 100ms);
  EXPECT_EQ(sim_->stats().terminations_watched, 1u);
  expect_nothing_leaked();
}

TEST_F(ReaperSignal, AnonymousNotificationsLeaveSignalledTeardownsAlone) {
  nlohmann::json entries = nlohmann::json::array();
  entries.push_back({{"name", "Long"}, {"connect_ms", 10}, {"teardown_ms", 10000}});
  for (int i = 0; i < 20; ++i)
    entries.push_back({{"name", "Short " + std::to_string(i)}, {"connect_ms", 10}, {"teardown_ms", 100 + 20 * i}});
  make_timed({{"entries", entries}}, broker::BrokerConfig{});
  ras_->signals = true;
  teardown("Short 0", 100ms);  // teaches what a signal means
  const auto long_id = connect("Long");
  const auto handle = handle_of("Long");
  const auto before = ras_->polls[handle];
  hangup(hangup_entry("Long"));
  // Twenty other teardowns end meanwhile, each with an anonymous notification.
  for (int i = 1; i < 20; ++i) {
    connect("Short " + std::to_string(i));
    hangup(hangup_entry("Short " + std::to_string(i)));
  }
  ASSERT_TRUE(run_until([&] { return gone_at_.contains(long_id); }, 30s));
  // The backstop's polls (0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 5.2, 7.2, 9.2 s) and the signal's:
  // none of the twenty notifications brought one forward.
  EXPECT_EQ(ras_->polls[handle] - before, 10u);
  expect_nothing_leaked();
}

}  // namespace
}  // namespace rasbroker::testing
