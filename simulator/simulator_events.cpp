// The simulator's event queue (docs/simulator.md, "Time: manual and threaded mode"):
// scheduling, what each event does when it fires, pump() for manual mode, the event
// thread for threaded mode, and the change hook that runs after every change.
#include <algorithm>
#include <chrono>
#include <utility>

#include "simulator/dial_steps.hpp"
#include "simulator/simulator.hpp"

namespace rasbroker::sim {
namespace {

// Min-heap order for std::push_heap/pop_heap: the earliest (due, seq) on top.
struct Later {
  template <typename E>
  bool operator()(const E& a, const E& b) const {
    return a.due != b.due ? a.due > b.due : a.seq > b.seq;
  }
};

}  // namespace

void Simulator::schedule_locked(Event ev) {
  ev.seq = next_seq_++;
  queue_.push_back(std::move(ev));
  std::push_heap(queue_.begin(), queue_.end(), Later{});
  if (options_.mode == Mode::threaded) cv_.notify_all();
}

void Simulator::schedule_timer_locked(EventKind kind, ras::Handle h, Clock::time_point due, std::size_t step) {
  schedule_locked({.due = due, .kind = kind, .handle = h, .step = step});
}

bool Simulator::stale_locked(const Event& ev) const {
  if (ev.kind == EventKind::notify || ev.kind == EventKind::terminated ||
      (ev.kind == EventKind::progress && !ev.connected_only))
    return false;
  const auto it = conns_.find(ev.handle);
  if (it == conns_.end()) return true;
  const Conn& c = it->second;
  switch (ev.kind) {
    case EventKind::dial_step: return c.phase != Phase::dialing || c.next_step != ev.step;
    case EventKind::drop: return c.phase != Phase::connected;
    case EventKind::progress: return ev.connected_only && c.phase != Phase::connected;
    case EventKind::teardown_done: return c.phase != Phase::tearing_down;
    case EventKind::notify:
    case EventKind::terminated: break;
  }
  return false;
}

void Simulator::deliver_progress_locked(const Conn& c, ras::DialProgress p, Calls& calls) {
  p.handle = c.handle;
  for (const auto& fn : c.listeners) {
    if (!fn) continue;
    ++stats_.progress_callbacks;
    calls.emplace_back([fn, p] { fn(p); });
  }
}

void Simulator::fail_dial_locked(Conn& c, ras::DialProgress failure, Calls& calls) {
  // The handle stays valid (and must be hung up).
  c.phase = Phase::failed;
  c.state = failure.state;
  c.error = failure.error;
  deliver_progress_locked(c, failure, calls);
  c.listeners.clear();  // notifications stop at a non-zero error
}

std::uint32_t Simulator::link_error_in_status(const Conn& c) const {
  const auto& failure = spec(c).link_fail;
  return failure && failure->status_error ? c.link_error : 0;
}

bool Simulator::missed(std::uint64_t count) const {
  const auto every = scenario_.notifications.drop_every;
  return every != 0 && count % every == 0;
}

void Simulator::signal_notifier_locked(Clock::time_point at) {
  ++stats_.notifications_signalled;
  if (missed(++notification_count_)) {
    ++stats_.notifications_missed;
    return;
  }
  schedule_locked({.due = at + scenario_.notifications.delay, .kind = EventKind::notify});
}

void Simulator::signal_termination_locked(const Conn& c, Clock::time_point at) {
  if (!termination_watches_.contains(c.handle)) return;
  ++stats_.terminations_signalled;
  if (missed(++termination_count_)) {
    ++stats_.terminations_missed;
    termination_watches_.erase(c.handle);  // RAS signalled nothing: the registration is used up
    return;
  }
  schedule_locked({.due = at + scenario_.notifications.delay, .kind = EventKind::terminated, .handle = c.handle});
}

void Simulator::fire_dial_step_locked(Conn& c, const Event& ev, Calls& calls) {
  const std::size_t i = ev.step;
  DialStep step = dial_step(spec(c), i);
  const auto& link_fail = spec(c).link_fail;
  using ras::ConnState;
  bool report = true;
  if (step.state == ConnState::Connected) {
    // The connection is up as long as one link is (RASCN_Disconnection comes only when every
    // sub-entry is down): it is reported on a link still up.
    if (c.link_down == step.sub_entry) ++step.sub_entry;
  } else if (step.sub_entry == c.link_down) {
    report = false;  // that link walks no further
  } else if (step.sub_entry == 1 && c.fail_step && *c.fail_step == walk_index(step.state)) {
    // The dial fails here. RAS sets dwExtendedError for four errors only.
    fail_dial_locked(c, {.state = step.state, .error = c.fail_error, .sub_entry = 1,
                         .extended_error = has_extended_error(c.fail_error) ? c.fail_extended_error : 0}, calls);
    return;
  } else if (link_fail && !link_fail->after_connected && step.sub_entry == link_fail->sub_entry &&
             step.state == link_fail->state) {
    const ras::DialProgress failure{.state = step.state, .error = link_fail->error, .sub_entry = step.sub_entry,
                                    .extended_error = link_fail->extended_error};
    if (spec(c).link_error_ends_dial) {  // reading (a): one link's error ends the whole dial
      fail_dial_locked(c, failure, calls);
      return;
    }
    // Reading (b): only that link goes; the others carry on to RASCS_Connected.
    deliver_progress_locked(c, {.state = ConnState::SubEntryDisconnected, .error = failure.error,
                                .sub_entry = failure.sub_entry, .extended_error = failure.extended_error}, calls);
    c.link_down = failure.sub_entry;
    c.link_error = failure.error;
    report = false;
  }
  if (report) {
    c.state = step.state;
    deliver_progress_locked(c, {.state = step.state, .sub_entry = step.sub_entry}, calls);
  }
  if (step.state == ConnState::Connected) {
    c.phase = Phase::connected;
    if (link_fail && link_fail->after_connected) {
      // A link lost once the connection is up: reported, and the connection stays up.
      deliver_progress_locked(c, {.state = ConnState::SubEntryDisconnected, .error = link_fail->error,
                                  .sub_entry = link_fail->sub_entry, .extended_error = link_fail->extended_error},
                              calls);
      c.link_down = link_fail->sub_entry;
      c.link_error = link_fail->error;
    }
    c.listeners.clear();  // notifications stop at RASCS_Connected
    signal_notifier_locked(ev.due);
    if (const auto& after = spec(c).drop_after) schedule_timer_locked(EventKind::drop, c.handle, ev.due + *after);
    return;
  }
  // Step i is due at dial_start + connect * i / (number of steps - 1).
  c.next_step = i + 1;
  const auto connect = std::chrono::duration_cast<Clock::duration>(spec(c).connect);
  const auto due = c.dial_start + connect * static_cast<Clock::rep>(c.next_step) /
                                       static_cast<Clock::rep>(dial_step_count(spec(c)) - 1);
  schedule_timer_locked(EventKind::dial_step, c.handle, due, c.next_step);
}

std::optional<bool> Simulator::fire_one_locked(Clock::time_point now, Calls& calls) {
  if (queue_.empty() || queue_.front().due > now) return std::nullopt;
  std::pop_heap(queue_.begin(), queue_.end(), Later{});
  Event ev = std::move(queue_.back());
  queue_.pop_back();
  if (stale_locked(ev)) return false;

  switch (ev.kind) {
    case EventKind::dial_step:
      fire_dial_step_locked(conns_.at(ev.handle), ev, calls);
      dirty_ = true;
      break;
    case EventKind::drop: {
      Conn& c = conns_.at(ev.handle);
      drop_locked(c, spec(c).drop_error, ev.due);
      break;
    }
    case EventKind::teardown_done:
      complete_teardown_locked(conns_.at(ev.handle), ev.due);
      dirty_ = true;
      break;
    case EventKind::notify:
      if (notifier_) {
        ++stats_.notifications_delivered;
        calls.emplace_back([fn = notifier_] { fn(); });
      }
      break;
    case EventKind::terminated:
      // One signal per registration: whoever registered again must register anew.
      if (auto node = termination_watches_.extract(ev.handle)) {
        for (auto& fn : node.mapped()) {
          ++stats_.terminations_delivered;
          calls.emplace_back(std::move(fn));
        }
      }
      break;
    case EventKind::progress:
      if (ev.fn) {
        ++stats_.progress_callbacks;
        calls.emplace_back([fn = std::move(ev.fn), p = ras::DialProgress{.handle = ev.handle, .state = ev.state,
                                                                          .error = ev.error}] { fn(p); });
      }
      break;
  }
  return true;
}

std::size_t Simulator::pump() {
  if (options_.mode != Mode::manual) return 0;
  const auto now = Clock::now();
  std::size_t fired = 0;
  for (;;) {
    Calls calls;
    {
      std::lock_guard lock(mu_);
      const auto result = fire_one_locked(now, calls);
      if (!result) break;
      if (*result) ++fired;
    }
    publish_change();  // before the callbacks: see run()
    for (auto& call : calls) call();  // without the lock: callbacks may call back in
  }
  return fired;
}

std::optional<Clock::time_point> Simulator::next_event_due() const {
  std::lock_guard lock(mu_);
  std::optional<Clock::time_point> next;
  for (const auto& ev : queue_) {
    if (stale_locked(ev)) continue;
    if (!next || ev.due < *next) next = ev.due;
  }
  return next;
}

void Simulator::run() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    if (queue_.empty()) {
      cv_.wait(lock);
      continue;
    }
    const auto now = Clock::now();
    const auto due = queue_.front().due;
    if (due > now) {
      auto wait = due - now;
      // Virtual time moves without notifying us: look again soon.
      if (Clock::is_virtual()) wait = std::min<Clock::duration>(wait, std::chrono::milliseconds(5));
      cv_.wait_until(lock, std::chrono::steady_clock::now() + wait);
      continue;
    }
    Calls calls;
    fire_one_locked(now, calls);
    if (calls.empty() && !dirty_) continue;
    lock.unlock();
    // The change is published before the dialler hears of it: RAS's state is RasMan's,
    // which outlives the dialling process, so a process killed right after a callback
    // (RASCS_Connected) must leave a state file that already says so.
    publish_change();
    for (auto& call : calls) {
      try {
        call();
      } catch (...) {
        // A callback must not throw into RAS; swallow like a C callback boundary would.
      }
    }
    lock.lock();
  }
}

void Simulator::publish_change() {
  // One publisher at a time: a caller whose change is being published by another thread
  // waits here until that hook call finished, so once any public function returns, a
  // completed hook call has seen its change (the DLL's state file is on disk).
  std::lock_guard publishing(publish_mu_);
  std::function<void()> hook;
  {
    std::lock_guard lock(mu_);
    if (!dirty_) return;
    dirty_ = false;
    hook = change_hook_;
  }
  if (!hook) return;
  try {
    hook();
  } catch (...) {
    // Runs from destructors and the event thread: a failing hook must not take them down.
  }
}

void Simulator::set_change_hook(std::function<void()> hook) {
  std::lock_guard lock(mu_);
  change_hook_ = std::move(hook);
}

}  // namespace rasbroker::sim
