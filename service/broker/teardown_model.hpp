#pragma once
// When the reaper looks at a teardown: what it has learnt of each entry's teardowns, and the
// poll schedule that follows from it (docs/architecture.md, "The reaper").
//
// RAS never says when a teardown ends; RasGetConnectStatus answers ERROR_INVALID_HANDLE once
// it has. So a teardown the reaper saw to its end is known only as an interval: the handle
// was still there at the last poll before (or at the RasHangUp itself) and gone by the poll
// that answered 6. The model keeps an entry's last few intervals and turns them into a
// window in which its teardowns end. The schedule polls sparsely before the window (doubling,
// so an early end is still seen within about the time already spent), densely inside it,
// and backs off after it (doubling again, so a long one is seen within about its overrun).
// Portable and pure: no clock is read here, every time is relative to the RasHangUp.
#include <array>
#include <cstddef>
#include <optional>

#include "core/clock.hpp"

namespace rasbroker::broker {

// The reaper's tunables (BrokerConfig's reaper_initial, reaper_max, reaper_dense).
struct PollSteps {
  Clock::duration initial;  // the first poll; the interval while an entry has no history
  Clock::duration max;      // the longest interval, stuck teardowns aside
  Clock::duration dense;    // the interval inside a learned window
};

// Where teardowns are expected to end, as time since the RasHangUp, and the poll interval there.
struct TeardownWindow {
  Clock::duration start{}, end{}, step{};
  friend bool operator==(const TeardownWindow&, const TeardownWindow&) = default;
};

class TeardownModel {
 public:
  // The last this many teardowns make the window: enough to see an entry's spread, few
  // enough that a lasting change is followed within a handful of teardowns.
  static constexpr std::size_t kKept = 16;
  // At most about this many polls inside a window: a wider one is polled more sparsely, so that
  // a wide spread (or a change of length not yet followed) costs lag, not unbounded polls.
  static constexpr Clock::rep kMaxWindowPolls = 40;

  // One teardown seen to its end: the handle was still there `still_up` after the RasHangUp
  // (0: nothing was seen after the RasHangUp itself) and gone `gone_by` after it.
  void observe(Clock::duration still_up, Clock::duration gone_by);
  std::size_t observations() const noexcept { return count_ < kKept ? count_ : kKept; }

  // The window the kept teardowns give (none before the first): from the earliest
  // still_up to the latest gone_by, widened on both sides by a quarter of that span (at
  // least one dense step), so that the next teardown may end a little earlier or later than
  // any seen. An interval that holds a narrower one is left out (the rough first sighting,
  // once a dense poll timed one); a rough one counts by its middle once a precise one is
  // known. With three or more left, the longest, when it lies further from the others than
  // they spread (one odd 30 s teardown among 1 s ones), is left out; a second like it is a
  // change, and followed. An early end is never left out.
  std::optional<TeardownWindow> window(const PollSteps& steps) const;

 private:
  struct Observation {
    Clock::duration still_up, gone_by;
  };
  std::array<Observation, kKept> kept_{};
  std::size_t count_ = 0;  // ever observed; the next goes to kept_[count_ % kKept]
};

// The polls of an entry's first teardown, before anything is known: every `initial` for
// kFirstWindowPolls polls (1 s at the defaults, where most teardowns end), then backing off.
inline constexpr Clock::rep kFirstWindowPolls = 10;
TeardownWindow first_teardown_window(const PollSteps& steps);

// The polls of a teardown whose end RAS signals (a one-connection termination signal,
// seen here to come once teardowns end): only a backstop for a missed signal, doubling from
// `initial` up to `max`, so a missed one is still seen within about the time already spent.
Clock::duration next_backstop_poll(const PollSteps& steps, Clock::duration elapsed);

// When to poll next, as time since the RasHangUp, after looking at `elapsed` (0: at the
// RasHangUp). Always later than `elapsed`.
Clock::duration next_poll(const TeardownWindow& window, const PollSteps& steps, Clock::duration elapsed);

}  // namespace rasbroker::broker
