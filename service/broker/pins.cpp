// Pinned (always-on) entries: the broker keeps each connected, dialling it at start and
// whenever it is found down (a failed dial, a lost link, a connection that vanished, a host
// event), backing off after failures without ever giving up, and stopping only for the
// failures dialling again cannot fix. Nothing here polls: a pin acts on the records' changes
// (publish calls pin_saw) and on its own timer, which exists only while it waits to dial.
// docs/operations.md, "Always-on entries"; docs/protocol.md, "Pinned entries".
#include <algorithm>
#include <cmath>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "broker/broker.hpp"
#include "rasbroker/protocol/errors.hpp"
#include "rasbroker/protocol/log_text.hpp"

namespace rasbroker::broker {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using protocol::ConnectionState;
using protocol::ErrorCode;
using protocol::PinSource;
using protocol::PinState;
using protocol::Reason;
using protocol::RpcError;

Clock::duration pin_delay(const protocol::PinBackoff& backoff, std::uint32_t failures, std::mt19937_64& rng) {
  const std::uint32_t doublings = std::min<std::uint32_t>(failures > 0 ? failures - 1 : 0, 30);
  const double nominal = std::min<double>(backoff.max_ms, static_cast<double>(backoff.initial_ms) * std::ldexp(1.0, static_cast<int>(doublings)));
  const double cut = std::uniform_real_distribution<double>(0.0, 0.25)(rng);
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double, std::milli>(nominal * (1.0 - cut)));
}

bool retry_cannot_fix(std::uint32_t ras_error) noexcept {
  return ras_error == ras::err::kAuthenticationFailure || ras_error == ras::err::kCannotFindPhonebookEntry ||
         ras_error == ras::err::kInteractiveMode;
}

namespace {

// Why a pin's connection ended when RAS gave no error for it.
protocol::ConnectionError ended_without_error(const Record& r) {
  switch (r.info.reason.value_or(Reason::link_lost)) {
    case Reason::timeout: return {0, "the dial did not connect within its timeout"};
    case Reason::dial_failed: return {0, "the dial failed"};
    case Reason::requested: return {0, "the connection was hung up"};
    case Reason::link_lost:
    case Reason::service_stop: break;
  }
  return {0, r.info.adopted ? "the connection was hung up outside the service" : "the link was lost"};
}

std::string stop_advice(std::uint32_t ras_error) {
  switch (ras_error) {
    case ras::err::kAuthenticationFailure:
      return "the credentials saved for it were refused: save working ones for all users, then pin it again";
    case ras::err::kCannotFindPhonebookEntry: return "no phonebook the service can see holds it: fix that, then pin it again";
    case ras::err::kInteractiveMode: return "it needs interactive sign-in, which the service cannot give";
  }
  return "not dialled again until an administrator pins it again";
}

}  // namespace

// ---------------------------------------------------------------- requests

protocol::Pin Broker::pin(const protocol::PinParams& params, const authz::Caller& caller) {
  if (stopping_) throw RpcError(ErrorCode::shutting_down, "the service is stopping: nothing is pinned now");
  policy_.require_pin(caller, params.entry);
  if (params.phonebook) require_allowed_phonebook(*params.phonebook);
  PinRecord& p = arm_pin(params.entry, params.phonebook.value_or(""), params.backoff, PinSource::runtime);
  log_->info("pin {}: pinned by pid {} user '{}'", protocol::quoted(p.shown.entry), caller.owner.pid, caller.owner.user);
  attempt_pin(p, false);
  return p.shown;
}

protocol::UnpinResult Broker::unpin(const protocol::UnpinParams& params, const authz::Caller& caller) {
  policy_.require_unpin(caller, params.entry);
  protocol::UnpinResult out{params.entry, std::nullopt};
  if (PinRecord* p = find_pin(params.entry)) {
    out.entry = p->shown.entry;
    log_->info("pin {}: unpinned by pid {} user '{}'", protocol::quoted(p->shown.entry), caller.owner.pid, caller.owner.user);
    out.pin = release_pin(*p, "unpinned by an administrator");
  }
  return out;
}

std::vector<protocol::Pin> Broker::pins(const authz::Caller& caller) const {
  std::vector<protocol::Pin> out;
  if (!policy_.sees_pins(caller)) return out;
  for (const auto& [entry, p] : pins_) out.push_back(p.shown);
  return out;
}

asio::awaitable<protocol::Connection> Broker::dial_and_keep(protocol::DialParams params, authz::Caller caller) {
  if (stopping_) throw RpcError(ErrorCode::shutting_down, "the service is stopping: no new dials");
  policy_.require_pin(caller, params.entry);
  if (params.phonebook) require_allowed_phonebook(*params.phonebook);
  std::optional<Clock::time_point> deadline;
  if (params.timeout_ms) deadline = Clock::now() + std::chrono::milliseconds(*params.timeout_ms);
  PinRecord& p = arm_pin(params.entry, params.phonebook.value_or(""), std::nullopt, PinSource::runtime);
  log_->info("pin {}: dialled and pinned by pid {} user '{}'", protocol::quoted(p.shown.entry), caller.owner.pid,
             caller.owner.user);
  // The client hears why the first dial failed; the pin goes on (or stops) all the same.
  attempt_pin(p, true);
  if (!p.seq) {  // waiting for the entry's old connection to be torn down
    if (params.wait == protocol::DialWait::accepted)
      throw RpcError(ErrorCode::not_found, "entry " + protocol::quoted(p.shown.entry, protocol::kMaxQuotedBytes) +
                                               " is pinned and is dialled once its previous connection is torn down",
                     {{"pin", p.shown}});
    for (const std::string entry = p.shown.entry;;) {
      if (!co_await wait_change(deadline))
        throw RpcError(ErrorCode::timeout, "timed out waiting for the previous connection to " +
                                               protocol::quoted(entry, protocol::kMaxQuotedBytes) + " to tear down");
      if (stopping_) throw RpcError(ErrorCode::shutting_down, "the service is stopping: no new dials");
      if (const PinRecord* now = find_pin(entry); now && now->seq) break;
    }
  }
  const PinRecord* now = find_pin(params.entry);
  const Record* r = now && now->seq ? find_seq(*now->seq) : nullptr;
  if (!r) throw RpcError(ErrorCode::not_found, "the pinned entry " + protocol::quoted(params.entry, protocol::kMaxQuotedBytes) + " has no connection now");
  const auto seq = r->seq;
  if (deadline && r->info.state == ConnectionState::dialing && !r->info.adopted)
    asio::co_spawn(ex_, dial_deadline(seq, *deadline), asio::detached);
  if (params.wait == protocol::DialWait::connected) co_return policy_.masked(caller, shown(co_await wait_connected(seq, deadline)));
  co_return policy_.masked(caller, shown(r->info));
}

std::vector<std::string> Broker::release_pins_for_hangup(std::vector<Record*>& selected, const authz::Caller& caller,
                                                         bool all) {
  std::vector<std::string> unpinned;
  if (pins_.empty()) return unpinned;
  if (!caller.admin) {
    // A non-admin cannot unpin, and a hang-up the pin would undo at once is no hang-up:
    // "all" leaves pinned connections out, a hang-up that names one is refused.
    if (all) {
      std::erase_if(selected, [&](const Record* r) { return find_pin(r->info.entry) != nullptr; });
    } else {
      for (const Record* r : selected)
        if (find_pin(r->info.entry)) policy_.require_unpin(caller, r->info.entry);
    }
    return unpinned;
  }
  for (const Record* r : selected) {
    PinRecord* p = find_pin(r->info.entry);
    if (!p || (r->info.state != ConnectionState::dialing && r->info.state != ConnectionState::connected)) continue;
    log_->info("pin {}: unpinned by the hang-up of {} by pid {} user '{}'", protocol::quoted(p->shown.entry), r->info.id,
               caller.owner.pid, caller.owner.user);
    unpinned.push_back(p->shown.entry);
    release_pin(*p, "its connection was hung up by an administrator");
  }
  return unpinned;
}

// ---------------------------------------------------------------- bookkeeping

PinRecord* Broker::find_pin(std::string_view entry) {
  auto it = pins_.find(entry);
  return it == pins_.end() ? nullptr : &it->second;
}

const PinRecord* Broker::find_pin(std::string_view entry) const {
  auto it = pins_.find(entry);
  return it == pins_.end() ? nullptr : &it->second;
}

PinRecord& Broker::arm_pin(const std::string& entry, const std::string& phonebook,
                           std::optional<protocol::PinBackoff> backoff, protocol::PinSource source) {
  auto [it, added] = pins_.try_emplace(entry);
  PinRecord& p = it->second;
  cancel_pin_dial(p);
  if (added || p.shown.source == PinSource::runtime) {
    // A run-time pin takes what it is given; one the configuration makes keeps the
    // configuration's phonebook and backoff (pin re-arms it after it stopped).
    if (added) p.shown.entry = entry;
    if (added || source == PinSource::config) p.shown.source = source;
    p.shown.phonebook = phonebook;
    if (backoff) p.shown.backoff = *backoff;
  }
  // Pinning again is an administrator's "try again": the failure count starts over.
  p.shown.state = PinState::waiting;
  p.shown.failures = 0;
  p.shown.stopped_reason.reset();
  if (p.shown.source == PinSource::runtime && journal_) journal_->changed(JournalWriter::Urgency::now);
  publish_pinned(p.shown.entry);
  return p;
}

std::optional<protocol::Pin> Broker::release_pin(PinRecord& p, const std::string& why) {
  cancel_pin_dial(p);
  if (p.shown.source == PinSource::config) {
    // The configuration is where this pin comes from: it stops until the service restarts
    // (reading the configuration again) or an administrator pins it again.
    p.shown.state = PinState::stopped;
    p.shown.stopped_reason = why + "; the configuration pins it again when the service restarts";
    p.seq.reset();
    p.shown.connection.reset();
    return p.shown;
  }
  const std::string entry = p.shown.entry;
  pins_.erase(entry);
  if (journal_) journal_->changed(JournalWriter::Urgency::now);
  publish_pinned(entry);
  return std::nullopt;
}

void Broker::cancel_pin_dial(PinRecord& p) {
  ++p.generation;
  if (p.timer) p.timer->cancel();
  p.timer.reset();
  p.after_teardown = false;
  p.shown.next_attempt_at.reset();
}

void Broker::publish_pinned(const std::string& entry) {
  // The connection's "pinned" changed: watchers see it.
  if (Record* r = find_active_entry(entry)) publish(*r);
}

protocol::Connection Broker::shown(const protocol::Connection& c) const {
  if (pins_.empty()) return c;
  protocol::Connection out = c;
  out.pinned = find_pin(c.entry) != nullptr;
  return out;
}

std::optional<protocol::RpcError> Broker::pinned_but_down(std::string_view entry, const authz::Caller& caller) const {
  const PinRecord* p = find_pin(entry);
  if (!p || p->seq || !policy_.sees_pins(caller)) return std::nullopt;
  return RpcError(ErrorCode::not_found,
                  "no connection for entry " + protocol::quoted(p->shown.entry, protocol::kMaxQuotedBytes) +
                      "; it is pinned: " + protocol::describe(p->shown, std::chrono::system_clock::now()),
                  {{"pin", p->shown}});
}

void Broker::arm_pins() {
  for (const auto& k : config_.keep_connected) {
    PinRecord& p = arm_pin(k.entry, k.phonebook, k.backoff, PinSource::config);
    // The rule of dial's phonebook (require_allowed_phonebook): a system phonebook or a configured file.
    if (!phonebooks_.allowed(k.phonebook, ras_)) {
      p.shown.state = PinState::stopped;
      p.shown.stopped_reason = "its phonebook is neither a system phonebook nor in the configuration's \"phonebooks\"";
      log_->warn("pin {}: not dialled: {}", protocol::quoted(k.entry), *p.shown.stopped_reason);
    }
  }
  for (const auto& j : journalled_pins_) {
    if (find_pin(j.entry)) {
      log_->info("pin {}: the configuration pins it; its run-time pin from the journal is dropped", protocol::quoted(j.entry));
      continue;
    }
    arm_pin(j.entry, j.phonebook, j.backoff, PinSource::runtime);
  }
  journalled_pins_.clear();
  if (!pins_.empty()) log_->info("pins: {} pinned entr{}", pins_.size(), pins_.size() == 1 ? "y" : "ies");
  for (auto& [entry, p] : pins_) attempt_pin(p, false);
}

// ---------------------------------------------------------------- dialling

void Broker::attempt_pin(PinRecord& p, bool rethrow) {
  cancel_pin_dial(p);
  if (stopping_ || p.shown.state == PinState::stopped) return;
  if (Record* existing = find_active_entry(p.shown.entry)) {
    if (existing->info.state == ConnectionState::hanging_up) {
      // One connection per entry: dialled once this one is gone (pin_saw).
      p.shown.state = PinState::waiting;
      p.after_teardown = true;
      return;
    }
    pin_follow(p, *existing);
    return;
  }
  DialPlan plan;
  plan.entry = p.shown.entry;
  plan.phonebook = p.shown.phonebook;
  p.shown.state = PinState::dialing;
  try {
    start_dial(std::move(plan));  // its publish makes the pin follow the new record
  } catch (const RpcError& e) {
    const auto& data = e.data();
    const std::uint32_t code = data.is_object() && data.contains("ras_error") && data["ras_error"].is_number_unsigned()
                                   ? data["ras_error"].get<std::uint32_t>()
                                   : 0;
    log_->warn("pin {}: dial refused: {}", protocol::quoted(p.shown.entry), e.what());
    pin_failed(p, protocol::ConnectionError{code, e.what()});
    if (rethrow) throw;
  }
}

void Broker::pin_follow(PinRecord& p, const Record& r) {
  if (p.seq != r.seq) cancel_pin_dial(p);  // someone else's dial of the entry stands in for ours
  p.seq = r.seq;
  p.shown.connection = r.info.id;
  if (r.info.state == ConnectionState::connected) {
    if (p.shown.state != PinState::up) log_->info("pin {}: up ({})", protocol::quoted(p.shown.entry), r.info.id);
    p.shown.state = PinState::up;
    p.shown.failures = 0;
  } else {
    p.shown.state = PinState::dialing;
  }
}

void Broker::pin_saw(const Record& r) {
  if (stopping_) return;
  PinRecord* p = find_pin(r.info.entry);
  if (!p || p->shown.state == PinState::stopped) return;
  const bool live = r.info.state == ConnectionState::dialing || r.info.state == ConnectionState::connected;
  if (live) {
    pin_follow(*p, r);
    return;
  }
  if (p->seq != r.seq) {
    // Not the pin's connection: an older one of the entry, whose end a dial may wait for.
    if (r.info.state == ConnectionState::gone && p->after_teardown) post_pin_attempt(*p);
    return;
  }
  // The pin's connection is hanging up or gone.
  p->seq.reset();
  p->shown.connection.reset();
  if (r.info.reason == Reason::service_stop) return;
  pin_failed(*p, r.info.error ? *r.info.error : ended_without_error(r));
}

void Broker::pin_failed(PinRecord& p, protocol::ConnectionError error) {
  p.shown.last_error = std::move(error);
  ++p.shown.failures;
  p.seq.reset();
  p.shown.connection.reset();
  const auto& e = *p.shown.last_error;
  if (retry_cannot_fix(e.ras_error)) {
    cancel_pin_dial(p);
    p.shown.state = PinState::stopped;
    p.shown.stopped_reason = stop_advice(e.ras_error);
    log_->warn("pin {}: stopped after RAS error {} ({}): {}", protocol::quoted(p.shown.entry), e.ras_error, e.message,
               *p.shown.stopped_reason);
    events_.pin_stopped(p.shown.entry, e.ras_error, e.message, *p.shown.stopped_reason);
    return;
  }
  schedule_pin(p, pin_delay(p.shown.backoff, p.shown.failures, pin_rng_));
}

void Broker::schedule_pin(PinRecord& p, Clock::duration delay) {
  cancel_pin_dial(p);
  p.shown.state = PinState::waiting;
  p.shown.next_attempt_at = std::chrono::system_clock::now() +
                            std::chrono::duration_cast<std::chrono::system_clock::duration>(delay);
  p.timer = std::make_shared<Timer>(ex_, Clock::now() + delay);
  const auto& e = *p.shown.last_error;
  log_->info("pin {}: down after {} failure(s), the last {} ({}); dialling again in {} ms", protocol::quoted(p.shown.entry),
             p.shown.failures, e.ras_error, e.message, std::chrono::duration_cast<std::chrono::milliseconds>(delay).count());
  asio::co_spawn(ex_, pin_wait(p.shown.entry, p.generation, p.timer), asio::detached);
}

asio::awaitable<void> Broker::pin_wait(std::string entry, std::uint64_t generation, std::shared_ptr<Timer> timer) {
  auto self = shared_from_this();
  boost::system::error_code ec;
  // Cancelled (retry_pins_now, or the pin changed): the generation says which.
  co_await (timer->async_wait(asio::redirect_error(asio::use_awaitable, ec)) || stop_wake_.wait());
  if (stopping_) co_return;
  PinRecord* p = find_pin(entry);
  if (!p || p->generation != generation) co_return;
  attempt_pin(*p, false);
}

void Broker::post_pin_attempt(const PinRecord& p) {
  // Not from inside publish(): the dial would publish again while the first is delivered.
  asio::post(ex_, [weak = weak_from_this(), entry = p.shown.entry, generation = p.generation] {
    auto self = weak.lock();
    if (!self || self->stopping_) return;
    PinRecord* now = self->find_pin(entry);
    if (now && now->generation == generation && now->after_teardown) self->attempt_pin(*now, false);
  });
}

void Broker::retry_pins_now(HostEvent why) {
  for (auto& [entry, p] : pins_) {
    if (p.shown.state != PinState::waiting || !p.timer) continue;
    // The wait is cut short, not the failure count: should the dial fail, the next wait is
    // as long as it would have been.
    log_->info("pin {}: {}: dialling now", protocol::quoted(entry), to_string(why));
    p.timer->expires_at(Clock::now());  // also wakes a wait not started yet
  }
}

}  // namespace rasbroker::broker
