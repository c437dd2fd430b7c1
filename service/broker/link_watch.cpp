// Watching: link-drop detection (RAS notifications as a hint, a slow status poll as the
// backstop), which also drives adoption (adoption.cpp) of connections others dialled, and
// redial after a drop when the entry's policy asks for it.
#include <algorithm>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
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
}  // namespace

void Broker::on_ras_notification() {
  if (stopping_) return;
  adopt_new_connections();
  check_links();
}

void Broker::on_host_event(HostEvent event) {
  if (stopping_) return;
  log_->info("host: {}; checking every link now", to_string(event));
  on_ras_notification();
  retry_pins_now(event);
}

void Broker::check_links() {
  std::vector<std::uint64_t> live;
  for (auto& [seq, r] : records_)
    if (r.info.state == ConnectionState::connected) live.push_back(seq);

  for (auto seq : live) {
    Record* r = find_seq(seq);
    if (!r || r->info.state != ConnectionState::connected) continue;
    ras::ConnectStatus st;
    const std::uint32_t rc = ras_.get_connect_status(r->handle, st);
    if (rc == ras::err::kInvalidHandle) {
      if (r->info.adopted) {
        // Someone else hung it up and RAS finished the teardown: nothing left to reap. No
        // RasHangUp: the dialler owed that one, and the backend holds no dial context for a
        // handle it only enumerated (docs/ras-rules.md#adoption).
        log_->warn("watch: {} {} vanished (hung up outside the broker)", protocol::quoted(r->info.entry), r->info.id);
        r->info.reason = Reason::link_lost;
        r->info.hangup_at = std::chrono::system_clock::now();
        finish_gone(*r);
        continue;
      }
      // A link we dialled dropped and RAS already forgot the handle (field report: DotRas
      // issue #80). Our RasDial still owes its RasHangUp (docs/ras-rules.md#dial), which
      // frees RAS's and the backend's per-handle state; its 6 or 668 is expected.
      r->info.error = protocol::ConnectionError{ras::err::kInvalidHandle,
                                                "the link was lost and RAS no longer knows its handle"};
      log_->warn("watch: {} {} link lost: RAS no longer knows the handle", protocol::quoted(r->info.entry), r->info.id);
      begin_hangup(*r, Reason::link_lost);
      maybe_redial(*r);
      continue;
    }
    if (rc != ras::err::kSuccess) {
      log_->warn("watch: {} {} status returned {} ({})", protocol::quoted(r->info.entry), r->info.id, rc, ras_.error_string(rc));
      continue;
    }
    if (st.state == ras::ConnState::Connected && st.error != 0) {
      // RAS says the connection is up: the error is a link's of a multilink entry that lost
      // one while others carry it (docs/ras-rules.md#dial). Reported once, not hung up.
      if (r->logged_link_error != st.error) {
        r->logged_link_error = st.error;
        log_->warn("watch: {} {} is up, but RAS reports error {} ({}) for one of its links", protocol::quoted(r->info.entry),
                   r->info.id, st.error, ras_.error_string(st.error));
      }
      continue;
    }
    if (st.state == ras::ConnState::Disconnected || st.error != 0) {
      const std::uint32_t why = st.error ? st.error : ras::err::kDisconnection;
      r->info.error = ras_error(why);
      r->info.ras_state = ras::state_name(st.state);
      log_->warn("watch: {} {} link lost: RAS error {} ({})", protocol::quoted(r->info.entry), r->info.id, why, r->info.error->message);
      begin_hangup(*r, Reason::link_lost);
      maybe_redial(*r);
    }
  }
}

asio::awaitable<void> Broker::link_watch_loop() {
  for (;;) {
    auto cs = co_await asio::this_coro::cancellation_state;
    if (cs.cancelled() != asio::cancellation_type::none) co_return;
    const bool any_connected = std::any_of(records_.begin(), records_.end(), [](const auto& kv) {
      return kv.second.info.state == ConnectionState::connected;
    });
    if (!any_connected && !awaiting_adoption() && !restored_dial_pending()) {
      co_await watch_wake_.wait();  // nothing to watch: no polling at all
      continue;
    }
    Timer timer(ex_, Clock::now() + config_.link_poll);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) continue;
    // Someone else's dial seen in progress is adopted once it connects, even when the
    // notification of that is missed.
    if (awaiting_adoption() && !stopping_) adopt_new_connections();
    check_links();
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
