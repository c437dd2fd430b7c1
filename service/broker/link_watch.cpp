// Watching: link-drop detection (RAS notifications as a hint, a slow status poll as the
// backstop), which also drives adoption (adoption.cpp) of connections others dialled, and
// redial after a drop when the entry's policy asks for it.
#include <algorithm>
#include <exception>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "rasbroker/protocol/errors.hpp"

#include "broker/broker.hpp"
#include "core/backoff.hpp"
#include "rasbroker/protocol/log_text.hpp"

namespace rasbroker::broker {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using protocol::ConnectionState;
using protocol::Reason;

namespace {
// However often a link drops, a redial waits at most this long.
constexpr std::chrono::minutes kLongestRedialDelay{5};
// A look's step ends after this many links or this long, whichever comes first, and lets
// the handlers waiting meanwhile run: a RasGetConnectStatus a link (a few µs on the
// simulator, an RPC to RasMan on Windows), so a step stays well under the 20 ms a request
// may wait (docs/benchmarks.md, figure 5) whatever a call costs. Virtual time does not
// move within a step: tests see the count bound only.
constexpr std::size_t kLookStep = 256;
constexpr std::chrono::milliseconds kLookStepTime{4};
}  // namespace

void Broker::on_ras_notification() {
  // RASCN_Disconnection: a connection ended, perhaps a teardown the reaper waits for. Also
  // while stopping: the stop waits for the reaper.
  hurry_teardowns();
  if (stopping_) return;
  // A burst of notifications is one look: every teardown that ends signals one, and a look
  // per notification made `hangup --all` at 10,000 connections O(n²).
  request_look(/*adopt=*/true);
}

void Broker::on_host_event(HostEvent event) {
  if (stopping_) return;
  log_->info("host: {}; checking every link now", to_string(event));
  on_ras_notification();
  retry_pins_now(event);
}

void Broker::request_look(bool adopt) {
  look_wanted_ = true;
  look_adopt_ = look_adopt_ || adopt;
  if (look_running_) return;  // the running look takes it up when it ends
  look_running_ = true;
  asio::co_spawn(ex_, [self = shared_from_this()] { return self->look_loop(); }, asio::detached);
}

asio::awaitable<void> Broker::look_loop() {
  // First the handlers already queued: the rest of a burst of notifications finds the look
  // wanted and adds nothing.
  co_await asio::post(ex_, asio::use_awaitable);
  try {
    while (look_wanted_ && !stopping_) {
      look_wanted_ = false;
      if (std::exchange(look_adopt_, false)) co_await adopt_in_steps();
      co_await check_links_in_steps();
    }
  } catch (const std::exception& e) {
    // Spawned detached, an escaping exception would vanish and leave look_running_ set:
    // no look would ever run again. Logged; the next notification or poll looks again.
    log_->error("watch: a look at the links failed: {}", e.what());
  }
  look_wanted_ = look_adopt_ = false;
  look_running_ = false;
}

asio::awaitable<void> Broker::adopt_in_steps() {
  std::vector<ras::ActiveConnection> active;
  if (auto rc = ras_.enum_connections(active); rc != ras::err::kSuccess) {
    log_->warn("adoption: RasEnumConnections returned {} ({})", rc, ras_.error_string(rc));
    co_return;
  }
  const auto generation = ++enumerations_;
  auto step_start = Clock::now();
  for (std::size_t i = 0, in_step = 0; i < active.size(); ++i, ++in_step) {
    if (in_step == kLookStep || Clock::now() - step_start >= kLookStepTime) {
      co_await asio::post(ex_, asio::use_awaitable);
      if (stopping_) co_return;
      step_start = Clock::now();
      in_step = 0;
    }
    // Looked up now, not at the enumeration: a dial or an adoption meanwhile holds it.
    if (!find_handle(active[i].handle)) consider_newcomer(active[i]);
  }
  // Forget what RAS no longer lists, unless a newer enumeration (a `list` meanwhile) has
  // already done so with a fresher answer that may name newcomers this one does not.
  if (generation != enumerations_) co_return;
  forget_unlisted(active);
}

asio::awaitable<void> Broker::check_links_in_steps() {
  // By sequence number from a cursor: records added meanwhile have higher numbers and are
  // read in this look too; erased ones are simply not found. Checking one may erase it
  // (finish_gone) or, through a pin, add one: the cursor is looked up again after each.
  std::uint64_t next = 0;
  for (;;) {
    const auto step_start = Clock::now();
    auto it = records_.lower_bound(next);
    for (std::size_t in_step = 0; it != records_.end() && in_step < kLookStep; ++in_step) {
      next = it->first + 1;
      if (it->second.info.state == ConnectionState::connected) check_link(it->second);
      it = records_.lower_bound(next);
      if (Clock::now() - step_start >= kLookStepTime) break;
    }
    if (it == records_.end()) co_return;
    co_await asio::post(ex_, asio::use_awaitable);
    if (stopping_) co_return;
  }
}

void Broker::check_link(Record& r) {
  ras::ConnectStatus st;
  const std::uint32_t rc = ras_.get_connect_status(r.handle, st);
  if (rc == ras::err::kInvalidHandle) {
    if (r.info.adopted) {
      // Someone else hung it up and RAS finished the teardown: nothing left to reap. No
      // RasHangUp: the dialler owed that one, and the backend holds no dial context for a
      // handle it only enumerated (docs/ras-rules.md#adoption).
      log_->warn("watch: {} {} vanished (hung up outside the broker)", protocol::quoted(r.info.entry), r.info.id);
      r.info.reason = Reason::link_lost;
      r.info.hangup_at = std::chrono::system_clock::now();
      finish_gone(r);
      return;
    }
    // A link we dialled dropped and RAS already forgot the handle (field report: DotRas
    // issue #80). Our RasDial still owes its RasHangUp (docs/ras-rules.md#dial), which
    // frees RAS's and the backend's per-handle state; its 6 or 668 is expected.
    r.info.error = protocol::ConnectionError{ras::err::kInvalidHandle,
                                             "the link was lost and RAS no longer knows its handle"};
    log_->warn("watch: {} {} link lost: RAS no longer knows the handle", protocol::quoted(r.info.entry), r.info.id);
    begin_hangup(r, Reason::link_lost);
    maybe_redial(r);
    return;
  }
  if (rc != ras::err::kSuccess) {
    log_->warn("watch: {} {} status returned {} ({})", protocol::quoted(r.info.entry), r.info.id, rc, ras_.error_string(rc));
    return;
  }
  if (st.state == ras::ConnState::Connected && st.error != 0) {
    // RAS says the connection is up: the error is a link's of a multilink entry that lost
    // one while others carry it (docs/ras-rules.md#dial). Reported once, not hung up.
    if (r.logged_link_error != st.error) {
      r.logged_link_error = st.error;
      log_->warn("watch: {} {} is up, but RAS reports error {} ({}) for one of its links", protocol::quoted(r.info.entry),
                 r.info.id, st.error, ras_.error_string(st.error));
    }
    return;
  }
  if (st.state == ras::ConnState::Disconnected || st.error != 0) {
    const std::uint32_t why = st.error ? st.error : ras::err::kDisconnection;
    r.info.error = ras_error(why);
    r.info.ras_state = ras::state_name(st.state);
    log_->warn("watch: {} {} link lost: RAS error {} ({})", protocol::quoted(r.info.entry), r.info.id, why, r.info.error->message);
    begin_hangup(r, Reason::link_lost);
    maybe_redial(r);
  }
}

asio::awaitable<void> Broker::link_watch_loop() {
  for (;;) {
    auto cs = co_await asio::this_coro::cancellation_state;
    if (cs.cancelled() != asio::cancellation_type::none) co_return;
    if (connected_count_ == 0 && !awaiting_adoption() && !restored_dial_pending()) {
      co_await watch_wake_.wait();  // nothing to watch: no polling at all
      continue;
    }
    Timer timer(ex_, Clock::now() + config_.link_poll);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) continue;
    // Someone else's dial seen in progress is adopted once it connects, even when the
    // notification of that is missed.
    request_look(/*adopt=*/awaiting_adoption());
    check_restored_dials();
  }
}

void Broker::maybe_redial(const Record& ended) {
  if (stopping_ || !ended.plan) return;
  if (find_pin(ended.info.entry)) return;  // a pin supersedes the dial's redial policy (pins.cpp)
  const DialPlan& plan = *ended.plan;
  // Redial after a link drop, or after a failed redial attempt; never after the
  // first dial failed (bad credentials would just be retried).
  const bool drop = ended.info.reason == Reason::link_lost;
  const bool failed_redial = ended.info.reason == Reason::dial_failed && plan.redials_used > 0;
  if (!drop && !failed_redial) return;
  if (plan.redials_used >= plan.redial.attempts) {
    if (plan.redial.attempts > 0)
      log_->warn("redial {}: no attempts left ({} used)", protocol::quoted(plan.entry), plan.redials_used);
    return;
  }
  if (plan.password_sent && plan.password.empty()) {
    // Only a plan taken back from the journal lacks the password it was dialled with (a
    // redial policy keeps it otherwise): the journal never holds one.
    log_->warn("redial {}: not redialled: {} was dialled with the client's password, which the service does not "
               "keep across a restart; the client must dial again",
               protocol::quoted(plan.entry), ended.info.id);
    return;
  }
  DialPlan next = plan;
  const auto delay = DoublingBackoff(std::chrono::milliseconds(plan.redial.backoff_ms), kLongestRedialDelay)
                         .delay(plan.redials_used);
  ++next.redials_used;
  log_->info("redial {}: attempt {}/{} in {} ms", protocol::quoted(plan.entry), next.redials_used, plan.redial.attempts, delay.count());
  asio::co_spawn(ex_, redial_after(std::move(next), delay), asio::detached);
}

asio::awaitable<void> Broker::redial_after(DialPlan plan, Clock::duration delay) {
  auto self = shared_from_this();
  Timer timer(ex_, Clock::now() + delay);
  boost::system::error_code ec;
  co_await (timer.async_wait(asio::redirect_error(asio::use_awaitable, ec)) || stop_wake_.wait());
  if (stopping_) co_return;
  // Wait out the old connection's teardown; a dial that came in meanwhile wins.
  for (;;) {
    Record* existing = find_active_entry(plan.entry);
    if (!existing) break;
    if (existing->info.state != ConnectionState::hanging_up) co_return;
    co_await wait_change(std::nullopt);
    if (stopping_) co_return;
  }
  try {
    start_dial(std::move(plan));
  } catch (const protocol::RpcError& e) {
    log_->error("redial: {}", e.what());
  }
}

}  // namespace rasbroker::broker
