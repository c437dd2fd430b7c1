// The reaper: after every RasHangUp, poll RasGetConnectStatus until RAS answers
// ERROR_INVALID_HANDLE (the only sign that teardown is complete), so that clients
// never wait for teardown and no port is left half torn down. When to poll comes from what
// it saw of the entry's earlier teardowns (broker/teardown_model.hpp); a RAS notification
// makes it look at once.
#include <utility>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "broker/broker.hpp"
#include "rasbroker/protocol/log_text.hpp"

namespace rasbroker::broker {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using protocol::ConnectionState;

namespace {
// Polls per pass before the reaper lets other handlers run: 10,000 teardowns due at once
// (a hang-up of everything) must not hold up requests for the whole sweep.
constexpr std::size_t kPollBatch = 256;
// Teardowns a notification hurries: it does not say which connection ended, and looking at
// every pending one for each would make a mass teardown quadratic.
constexpr std::size_t kHurriedPerNotification = 64;
// Teardowns whose termination RAS is asked to signal at a time: each is an event (and, on
// Windows, a wait in the thread pool). A hang-up of everything has its first ones signalled
// and leaves the rest to the schedule and the anonymous notifications.
constexpr std::size_t kMaxTerminationWatches = 256;

std::int64_t ms(Clock::duration d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); }
}  // namespace

void Broker::begin_hangup(Record& r, protocol::Reason reason) {
  watch_termination(r);  // before the RasHangUp: after it, the handle is RAS's to forget
  const std::uint32_t rc = ras_.hang_up(r.handle);
  set_state(r, ConnectionState::hanging_up);
  r.info.reason = reason;
  r.info.hangup_at = std::chrono::system_clock::now();
  // Even after 668 (already gone) or 6 (invalid handle) we confirm through status: the
  // reaper's first poll, at once, settles it. Neither is an ordinary teardown to learn from.
  queue_teardown(r, rc == ras::err::kSuccess);
  log_->info("hangup {}: {} RasHangUp -> {} (reason {})", protocol::quoted(r.info.entry), r.info.id, rc, protocol::to_string(reason));
  if (rc != ras::err::kSuccess && rc != ras::err::kNoConnection && rc != ras::err::kInvalidHandle)
    log_->warn("hangup {}: RasHangUp returned {} ({}); the reaper keeps polling", protocol::quoted(r.info.entry), rc,
               ras_.error_string(rc));
  publish(r);
  // Now: a hang-up the journal missed would be a "connected" record to the next instance.
  journal_changed(r, JournalWriter::Urgency::now);
}

void Broker::finish_gone(Record& r) {
  if (r.info.state == ConnectionState::hanging_up) {
    reaper_queue_.erase({r.next_poll, r.seq});
    // The times say how long the teardown took and how late the reaper saw its end.
    log_->info("reaper: {} {} is gone after {} poll(s) ({} brought forward by a notification), seen {} ms after {} (still there at {} ms)",
               protocol::quoted(r.info.entry), r.info.id, r.polls, r.hurried_polls, ms(Clock::now() - r.hangup_started),
               r.learn_teardown ? "RasHangUp" : "it was queued", ms(r.still_up));
  } else {
    log_->info("reaper: {} {} is gone after {} poll(s)", protocol::quoted(r.info.entry), r.info.id, r.polls);
  }
  set_state(r, ConnectionState::gone);
  r.info.stuck = false;
  publish(r);
  journal_changed(r, JournalWriter::Urgency::soon);
  erase(r.seq);
}

PollSteps Broker::poll_steps() const { return {config_.reaper_initial, config_.reaper_max, config_.reaper_dense}; }

void Broker::queue_teardown(Record& r, bool ordinary) {
  r.hangup_started = Clock::now();
  r.polls = 0;
  r.hurried_polls = 0;
  r.hurried = false;
  r.still_up = {};
  r.learn_teardown = ordinary;
  const PollSteps steps = poll_steps();
  const auto model = teardown_models_.find(r.info.entry);
  const auto learned = model == teardown_models_.end() ? std::nullopt : model->second.window(steps);
  r.window = learned ? *learned : first_teardown_window(steps);
  reaper_queue_.erase({r.next_poll, r.seq});  // not queued yet: a no-op, kept for safety
  const auto first = end_signalled(r) ? next_backstop_poll(steps, {}) : next_poll(r.window, steps, {});
  r.next_poll = r.hangup_started + (ordinary ? first : Clock::duration::zero());
  reaper_queue_.emplace(r.next_poll, r.seq);
  reaper_wake_.notify_all();
}

void Broker::schedule_poll(Record& r, Clock::time_point at) {
  reaper_queue_.erase({r.next_poll, r.seq});
  r.next_poll = at;
  reaper_queue_.emplace(at, r.seq);
}

void Broker::hurry_teardowns() {
  const auto now = Clock::now();
  // The first teardowns in the queue whose end RAS does not signal on its own.
  std::vector<std::uint64_t> front;
  for (auto it = reaper_queue_.begin(); it != reaper_queue_.end() && front.size() < kHurriedPerNotification; ++it)
    if (const Record* r = find_seq(it->second); r && !end_signalled(*r)) front.push_back(it->second);
  bool hurried = false;
  for (auto seq : front) {
    Record* r = find_seq(seq);
    if (!r) continue;
    // Not again within a dense step of the last look: notifications come in bursts.
    const auto at = std::max(now, r->hangup_started + r->still_up + config_.reaper_dense);
    if (at >= r->next_poll) continue;
    schedule_poll(*r, at);
    r->hurried = true;
    hurried = true;
  }
  if (hurried) reaper_wake_.notify_all();
}

std::size_t Broker::poll_due_teardowns() {
  const auto now = Clock::now();
  std::size_t polled = 0;
  // One at a time from the front: polling one publishes, and nothing is assumed of the rest.
  while (polled < kPollBatch && !reaper_queue_.empty() && reaper_queue_.begin()->first <= now) {
    const auto seq = reaper_queue_.begin()->second;
    reaper_queue_.erase(reaper_queue_.begin());
    Record* r = find_seq(seq);
    if (!r || r->info.state != ConnectionState::hanging_up) continue;
    ++polled;
    poll_teardown(*r, now);
  }
  return polled;
}

void Broker::poll_teardown(Record& r, Clock::time_point now) {
  ras::ConnectStatus st;
  const std::uint32_t rc = ras_.get_connect_status(r.handle, st);
  ++r.polls;
  if (std::exchange(r.hurried, false)) ++r.hurried_polls;
  const auto elapsed = now - r.hangup_started;
  if (rc == ras::err::kInvalidHandle) {
    // A stuck one is left out: polled every stuck_poll, its end is known too roughly.
    if (r.learn_teardown && !r.info.stuck) teardown_models_[r.info.entry].observe(r.still_up, elapsed);
    finish_gone(r);
    return;
  }
  if (rc == ras::err::kSuccess) {
    r.info.ras_state = ras::state_name(st.state);  // shown by list; not worth an event
    r.still_up = elapsed;
  } else {
    log_->warn("reaper: {} {} status returned {} ({})", protocol::quoted(r.info.entry), r.info.id, rc, ras_.error_string(rc));
  }
  const PollSteps steps = poll_steps();
  auto at = r.hangup_started + (end_signalled(r) ? next_backstop_poll(steps, elapsed) : next_poll(r.window, steps, elapsed));
  // A stuck teardown is polled slowly, never forgotten.
  if (elapsed >= config_.teardown_timeout) {
    if (!r.info.stuck) {
      r.info.stuck = true;
      log_->error("reaper: {} {} still tearing down after {} ms (RAS state {}); still polling every {} ms",
                  protocol::quoted(r.info.entry), r.info.id, config_.teardown_timeout.count(), ras::state_name(st.state),
                  config_.stuck_poll.count());
      events_.teardown_stuck(r.info.entry, r.info.id, config_.teardown_timeout.count(), ras::state_name(st.state));
      publish(r);
      journal_changed(r, JournalWriter::Urgency::soon);
    }
    at = now + config_.stuck_poll;
  }
  schedule_poll(r, std::max(at, now));
}

bool Broker::end_signalled(const Record& r) const {
  return r.termination_watched && termination_signal_ == TerminationSignal::at_end;
}

void Broker::watch_termination(Record& r) {
  if (termination_signal_ == TerminationSignal::early || r.termination_watched ||
      termination_watches_ >= kMaxTerminationWatches)
    return;
  std::weak_ptr<Broker> weak = weak_from_this();
  const std::uint32_t rc = ras_.watch_termination(r.handle, [ex = ex_, weak, seq = r.seq] {
    asio::post(ex, [weak, seq] {
      if (auto self = weak.lock()) self->on_termination_signal(seq);
    });
  });
  if (rc != ras::err::kSuccess) {
    // A hint only: the schedule and the anonymous notification cover it.
    log_->debug("reaper: {} {} RasConnectionNotification returned {} ({})", protocol::quoted(r.info.entry), r.info.id,
                rc, ras_.error_string(rc));
    return;
  }
  r.termination_watched = true;
  ++termination_watches_;
}

void Broker::on_termination_signal(std::uint64_t seq) {
  Record* r = find_seq(seq);
  if (r == nullptr || r->info.state != ConnectionState::hanging_up) return;  // already reaped
  r->hurried = true;
  poll_teardown(*r, Clock::now());
  const bool ended = find_seq(seq) == nullptr;
  // One signal that came while the teardown went on is enough to distrust them all: the
  // schedule is then what sees ends (an early signal's poll is wasted, not harmful).
  const auto learned = ended ? TerminationSignal::at_end : TerminationSignal::early;
  if (termination_signal_ == learned || termination_signal_ == TerminationSignal::early) return;
  termination_signal_ = learned;
  if (ended)
    log_->info("reaper: RAS signalled a connection's termination once its teardown had ended; teardowns it "
               "signals are polled only as a backstop now");
  else
    log_->info("reaper: RAS signalled a connection's termination while its teardown went on; the reaper keeps "
               "to its schedule and asks for no more such signals");
}

asio::awaitable<void> Broker::reaper_loop() {
  for (;;) {
    auto cs = co_await asio::this_coro::cancellation_state;
    if (cs.cancelled() != asio::cancellation_type::none) co_return;
    if (reaper_queue_.empty()) {
      co_await reaper_wake_.wait();  // nothing pending: no polling at all
      continue;
    }
    const auto next = reaper_queue_.begin()->first;
    if (next > Clock::now()) {
      Timer timer(ex_, next);
      boost::system::error_code ec;
      co_await (timer.async_wait(asio::redirect_error(asio::use_awaitable, ec)) || reaper_wake_.wait());
      continue;
    }
    // A full batch: more may be due; let the requests waiting meanwhile in first.
    if (poll_due_teardowns() == kPollBatch) co_await asio::post(ex_, asio::use_awaitable);
  }
}

}  // namespace rasbroker::broker
