// The reaper: after every RasHangUp, poll RasGetConnectStatus until RAS answers
// ERROR_INVALID_HANDLE (the only sign that teardown is complete), so that clients
// never wait for teardown and no port is left half torn down.
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "broker/broker.hpp"
#include "core/backoff.hpp"
#include "rasbroker/protocol/log_text.hpp"

namespace rasbroker::broker {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using protocol::ConnectionState;

void Broker::begin_hangup(Record& r, protocol::Reason reason) {
  const std::uint32_t rc = ras_.hang_up(r.handle);
  r.info.state = ConnectionState::hanging_up;
  r.info.reason = reason;
  r.info.hangup_at = std::chrono::system_clock::now();
  r.hangup_started = Clock::now();
  r.polls = 0;
  // Even after 668 (already gone) or 6 (invalid handle) we confirm through status:
  // the reaper's first poll settles it.
  r.next_poll = rc == ras::err::kSuccess ? r.hangup_started + config_.reaper_initial : r.hangup_started;
  log_->info("hangup {}: {} RasHangUp -> {} (reason {})", protocol::quoted(r.info.entry), r.info.id, rc, protocol::to_string(reason));
  if (rc != ras::err::kSuccess && rc != ras::err::kNoConnection && rc != ras::err::kInvalidHandle)
    log_->warn("hangup {}: RasHangUp returned {} ({}); the reaper keeps polling", protocol::quoted(r.info.entry), rc,
               ras_.error_string(rc));
  reaper_wake_.notify_all();
  publish(r);
  // Now: a hang-up the journal missed would be a "connected" record to the next instance.
  journal_changed(r, JournalWriter::Urgency::now);
}

void Broker::finish_gone(Record& r) {
  r.info.state = ConnectionState::gone;
  r.info.stuck = false;
  log_->info("reaper: {} {} is gone after {} poll(s)", protocol::quoted(r.info.entry), r.info.id, r.polls);
  publish(r);
  journal_changed(r, JournalWriter::Urgency::soon);
  erase(r.seq);
}

std::optional<Clock::time_point> Broker::next_teardown_poll() const {
  std::optional<Clock::time_point> next;
  for (auto& [seq, r] : records_)
    if (r.info.state == ConnectionState::hanging_up && (!next || r.next_poll < *next)) next = r.next_poll;
  return next;
}

void Broker::poll_due_teardowns() {
  const auto now = Clock::now();
  std::vector<std::uint64_t> due;
  for (auto& [seq, r] : records_)
    if (r.info.state == ConnectionState::hanging_up && r.next_poll <= now) due.push_back(seq);

  for (auto seq : due) {
    Record* r = find_seq(seq);
    if (!r) continue;
    ras::ConnectStatus st;
    const std::uint32_t rc = ras_.get_connect_status(r->handle, st);
    ++r->polls;
    if (rc == ras::err::kInvalidHandle) {
      finish_gone(*r);
      continue;
    }
    if (rc == ras::err::kSuccess)
      r->info.ras_state = ras::state_name(st.state);  // shown by list; not worth an event
    else
      log_->warn("reaper: {} {} status returned {} ({})", protocol::quoted(r->info.entry), r->info.id, rc, ras_.error_string(rc));
    // Back off: initial, doubling, capped; a stuck teardown is polled slowly, never forgotten.
    auto delay = DoublingBackoff(config_.reaper_initial, config_.reaper_max).delay(r->polls - 1);
    if (now - r->hangup_started >= config_.teardown_timeout) {
      if (!r->info.stuck) {
        r->info.stuck = true;
        log_->error("reaper: {} {} still tearing down after {} ms (RAS state {}); still polling every {} ms",
                    protocol::quoted(r->info.entry), r->info.id, config_.teardown_timeout.count(), ras::state_name(st.state),
                    config_.stuck_poll.count());
        events_.teardown_stuck(r->info.entry, r->info.id, config_.teardown_timeout.count(), ras::state_name(st.state));
        publish(*r);
        journal_changed(*r, JournalWriter::Urgency::soon);
      }
      delay = config_.stuck_poll;
    }
    r->next_poll = now + delay;
  }
}

asio::awaitable<void> Broker::reaper_loop() {
  for (;;) {
    auto cs = co_await asio::this_coro::cancellation_state;
    if (cs.cancelled() != asio::cancellation_type::none) co_return;
    const auto next = next_teardown_poll();
    if (!next) {
      co_await reaper_wake_.wait();  // nothing pending: no polling at all
      continue;
    }
    if (*next > Clock::now()) {
      Timer timer(ex_, *next);
      boost::system::error_code ec;
      co_await (timer.async_wait(asio::redirect_error(asio::use_awaitable, ec)) || reaper_wake_.wait());
      continue;
    }
    poll_due_teardowns();
  }
}

}  // namespace rasbroker::broker
