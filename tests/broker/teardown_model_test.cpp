// The reaper's teardown model and schedule (service/broker/teardown_model.hpp): the polls of a
// first teardown, the window learnt from observed intervals, odd teardowns left out, a
// change followed, wide windows polled at most about kMaxWindowPolls times.
#include <chrono>
#include <vector>

#include <gtest/gtest.h>

#include "broker/teardown_model.hpp"

namespace rasbroker::broker {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

const PollSteps kDefaults{.initial = 100ms, .max = 2000ms, .dense = 50ms};

// The polls of a teardown under `w`, as milliseconds since the RasHangUp, up to `until`.
std::vector<long> polls(const TeardownWindow& w, Clock::duration until, const PollSteps& steps = kDefaults) {
  std::vector<long> at;
  for (Clock::duration t = next_poll(w, steps, {}); t <= until; t = next_poll(w, steps, t))
    at.push_back(static_cast<long>(std::chrono::duration_cast<milliseconds>(t).count()));
  return at;
}

TeardownModel observed(std::initializer_list<std::pair<milliseconds, milliseconds>> intervals) {
  TeardownModel m;
  for (auto [still_up, gone_by] : intervals) m.observe(still_up, gone_by);
  return m;
}

TEST(TeardownModel, AFirstTeardownIsPolledEveryInitialForTenPollsThenBacksOff) {
  const auto w = first_teardown_window(kDefaults);
  EXPECT_EQ(polls(w, 10s), (std::vector<long>{100, 200, 300, 400, 500, 600, 700, 800, 900, 1000,  // the window
                                              1100, 1200, 1400, 1800, 2600, 4200, 6200, 8200}));    // doubling, capped
}

TEST(TeardownModel, NothingIsKnownBeforeTheFirstObservation) {
  TeardownModel m;
  EXPECT_FALSE(m.window(kDefaults));
  EXPECT_EQ(m.observations(), 0u);
}

TEST(TeardownModel, AFixedTeardownGivesANarrowWindowPolledDensely) {
  // Still there at 1000 ms, gone by 1050 ms, three times.
  const auto m = observed({{1000ms, 1050ms}, {1000ms, 1050ms}, {1000ms, 1050ms}});
  const auto w = m.window(kDefaults);
  ASSERT_TRUE(w);
  EXPECT_EQ(*w, (TeardownWindow{.start = 950ms, .end = 1100ms, .step = 50ms}));
  // Sparse before the window (doubling, cut at its start), dense in it, then backing off.
  EXPECT_EQ(polls(*w, 2s), (std::vector<long>{100, 200, 400, 800, 950, 1000, 1050, 1100, 1150, 1200, 1300, 1500, 1900}));
}

TEST(TeardownModel, TheSpreadOfJitteredTeardownsWidensTheWindow) {
  const auto m = observed({{880ms, 930ms}, {1070ms, 1120ms}, {990ms, 1040ms}, {940ms, 990ms}});
  const auto w = m.window(kDefaults);
  ASSERT_TRUE(w);
  // From the earliest still_up to the latest gone_by (880 … 1120), a quarter of that (at
  // least a dense step) on each side.
  EXPECT_EQ(*w, (TeardownWindow{.start = 820ms, .end = 1180ms, .step = 50ms}));
  const auto wide = observed({{800ms, 850ms}, {1550ms, 1600ms}}).window(kDefaults);
  EXPECT_EQ(*wide, (TeardownWindow{.start = 600ms, .end = 1800ms, .step = 50ms}));
}

TEST(TeardownModel, ARoughSightingIsDroppedOnceADensePollTimedTheTeardown) {
  // The first teardown of a 10 s entry, seen by the backed-off polls: somewhere in 8.2 … 10.2 s.
  TeardownModel m;
  m.observe(8200ms, 10200ms);
  EXPECT_EQ(m.window(kDefaults)->start, 8200ms - 2000ms / 4);
  // The next, polled densely across that window, timed within 75 ms.
  m.observe(10000ms, 10075ms);
  EXPECT_EQ(*m.window(kDefaults), (TeardownWindow{.start = 9950ms, .end = 10125ms, .step = 50ms}));
}

TEST(TeardownModel, AShortTeardownIsLookedAtBeforeTheFirstInitialPoll) {
  const auto w = observed({{50ms, 100ms}}).window(kDefaults);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->start, 0ms);
  EXPECT_EQ(polls(*w, 200ms), (std::vector<long>{50, 100, 150, 200}));
}

TEST(TeardownModel, OneOddLongTeardownIsLeftOutAndASecondIsFollowed) {
  auto m = observed({{1000ms, 1050ms}, {1000ms, 1050ms}, {1000ms, 1050ms}});
  m.observe(29'000ms, 31'000ms);  // once, 30 s: not the entry's
  EXPECT_EQ(m.window(kDefaults)->end, 1100ms);
  m.observe(29'000ms, 31'000ms);  // twice: it is now (counted by its middle: a rough interval)
  EXPECT_EQ(m.window(kDefaults)->end, 30'000ms + 29'000ms / 4);
  // An early end is never odd: the window reaches down to it.
  auto quick = observed({{1000ms, 1050ms}, {1000ms, 1050ms}, {1000ms, 1050ms}, {400ms, 450ms}});
  EXPECT_EQ(quick.window(kDefaults)->start, std::chrono::microseconds(400'000 - 650'000 / 4));
}

TEST(TeardownModel, AWideWindowIsPolledAboutMaxWindowPollsTimes) {
  auto m = observed({{1000ms, 1050ms}, {1000ms, 1050ms}});
  m.observe(9'000ms, 9'050ms);
  m.observe(9'000ms, 9'050ms);
  const auto w = m.window(kDefaults);
  ASSERT_TRUE(w);
  EXPECT_GT(w->step, kDefaults.dense);
  EXPECT_EQ(w->step, (w->end - w->start) / TeardownModel::kMaxWindowPolls);
  const auto all = polls(*w, w->end);
  const auto inside = std::count_if(all.begin(), all.end(), [&](long t) { return milliseconds(t) > w->start; });
  EXPECT_LE(inside, TeardownModel::kMaxWindowPolls + 1);
}

TEST(TeardownModel, OnlyTheLastKeptTeardownsCount) {
  TeardownModel m;
  for (std::size_t i = 0; i < TeardownModel::kKept; ++i) m.observe(5'000ms, 5'050ms);
  for (std::size_t i = 0; i < TeardownModel::kKept; ++i) m.observe(1'000ms, 1'050ms);
  EXPECT_EQ(m.observations(), TeardownModel::kKept);
  EXPECT_EQ(*m.window(kDefaults), (TeardownWindow{.start = 950ms, .end = 1100ms, .step = 50ms}));
}

TEST(TeardownModel, TheNextPollIsAlwaysLaterAndNeverFurtherThanMaxAwayOutsideTheWindow) {
  const auto w = observed({{3'000ms, 3'050ms}}).window(kDefaults);
  ASSERT_TRUE(w);
  for (auto t = 0ms; t < 120s; t += 7ms) {
    const auto next = next_poll(*w, kDefaults, t);
    EXPECT_GT(next, t);
    EXPECT_LE(next - t, kDefaults.max);
  }
}

}  // namespace
}  // namespace rasbroker::broker
