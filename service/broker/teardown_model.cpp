#include "broker/teardown_model.hpp"

#include <algorithm>
#include <utility>

namespace rasbroker::broker {

void TeardownModel::observe(Clock::duration still_up, Clock::duration gone_by) {
  kept_[count_ % kKept] = {still_up, std::max(still_up, gone_by)};
  ++count_;
}

std::optional<TeardownWindow> TeardownModel::window(const PollSteps& steps) const {
  const std::size_t count = observations();
  if (count == 0) return std::nullopt;
  // An interval that holds a narrower one says nothing the narrower one does not (the
  // rough first sighting of a teardown, once a dense poll has timed one): left out.
  std::array<Observation, kKept> seen{};
  std::size_t n = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const auto& a = kept_[i];
    const auto holds = [&](const Observation& b) {
      return a.still_up <= b.still_up && b.gone_by <= a.gone_by && b.gone_by - b.still_up < a.gone_by - a.still_up;
    };
    if (std::none_of(kept_.begin(), kept_.begin() + static_cast<std::ptrdiff_t>(count), holds)) seen[n++] = a;
  }
  // Sorted by the middle of each interval: the best single guess of when that one ended.
  const auto middle = [&](std::size_t i) { return seen[i].still_up + (seen[i].gone_by - seen[i].still_up) / 2; };
  // Insertion sort: a handful of elements (and std::sort's unrolled start trips GCC's
  // array-bounds warning on an array this small).
  for (std::size_t i = 1; i < n; ++i)
    for (std::size_t j = i; j > 0 && seen[j].still_up + seen[j].gone_by < seen[j - 1].still_up + seen[j - 1].gone_by; --j)
      std::swap(seen[j], seen[j - 1]);
  const std::size_t first = 0;
  std::size_t last = n - 1;
  // The longest, when it lies further from the others than they spread, is one odd teardown:
  // counted, it would stretch the window (and its step) for the next kKept. An early end is
  // never odd: catching one is what the window is for.
  if (n >= 3 && middle(n - 1) - middle(n - 2) > std::max(middle(n - 2) - middle(first), steps.dense)) last = n - 2;

  // A precise interval (from polls a dense step or two apart) counts whole. A rough one (the
  // sparse polls before a window, the backed-off ones after it) counts by its middle once a
  // precise one is known: its bounds say more about the polls than about the teardown.
  const auto precise = [&](std::size_t i) { return seen[i].gone_by - seen[i].still_up <= 2 * steps.dense; };
  bool any_precise = false;
  for (std::size_t i = first; i <= last; ++i) any_precise = any_precise || precise(i);
  Clock::duration earliest = Clock::duration::max(), latest = Clock::duration::min();
  for (std::size_t i = first; i <= last; ++i) {
    const bool whole = precise(i) || !any_precise;
    earliest = std::min(earliest, whole ? seen[i].still_up : middle(i));
    latest = std::max(latest, whole ? seen[i].gone_by : middle(i));
  }
  const Clock::duration margin = std::max(steps.dense, (latest - earliest) / 4);
  TeardownWindow w;
  w.start = std::max(Clock::duration::zero(), earliest - margin);
  w.end = latest + margin;
  w.step = std::max(steps.dense, std::min(steps.max, (w.end - w.start) / kMaxWindowPolls));
  return w;
}

TeardownWindow first_teardown_window(const PollSteps& steps) {
  return {.start = Clock::duration::zero(), .end = steps.initial * kFirstWindowPolls, .step = steps.initial};
}

Clock::duration next_backstop_poll(const PollSteps& steps, Clock::duration elapsed) {
  return elapsed + std::max(steps.initial, std::min(elapsed, steps.max));
}

Clock::duration next_poll(const TeardownWindow& window, const PollSteps& steps, Clock::duration elapsed) {
  // Before the window: doubling from `initial` (a poll at t, the next at 2t), never past the
  // window's start. An early end is seen within about the time already spent.
  if (elapsed < window.start) {
    const auto sparse = std::max(steps.initial, std::min(elapsed, steps.max));
    return std::min(window.start, elapsed + sparse);
  }
  if (elapsed < window.end) return elapsed + window.step;
  // Running long: doubling from the window's step, so a teardown that overruns the window by
  // d is seen within about d (at most `max` late).
  const auto overrun = elapsed - window.end;
  return elapsed + std::max(window.step, std::min(overrun, steps.max));
}

}  // namespace rasbroker::broker
