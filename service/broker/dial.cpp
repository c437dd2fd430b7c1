// Dialling: the dial request (allow-list, one connection per entry, the redial plan),
// RasDial with its progress posted back onto the executor, the waits for "connected"
// and the dial timeout. A failed dial is hung up at once (reaper.cpp reaps it).
#include <chrono>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "broker/broker.hpp"
#include "broker/dial_errors.hpp"
#include "rasbroker/protocol/entry_name.hpp"
#include "rasbroker/protocol/errors.hpp"
#include "rasbroker/protocol/log_text.hpp"

namespace rasbroker::broker {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using protocol::ConnectionState;
using protocol::ErrorCode;
using protocol::Reason;
using protocol::RpcError;

namespace {

// ", extended error 5" when RAS gave one (RasDialFunc2's dwExtendedError), else "".
std::string extended_note(std::uint32_t extended_error) {
  return extended_error ? fmt::format(", extended error {}", extended_error) : std::string();
}

// A client's entry name in an error message: escaped and cut (log_text.hpp).
std::string in_message(const std::string& entry) { return protocol::quoted(entry, protocol::kMaxQuotedBytes); }

// RAS's 623 as the client needs it: where the service looked and what makes an entry one
// it can dial (docs/operations.md, "What the service can dial"). `entry` passed the
// protocol's entry-name rule (at most 256 characters, no control characters); a named
// `phonebook` passed require_allowed_phonebook, so it is a file the administrator chose.
std::string no_such_entry(const std::string& entry, const std::string& phonebook) {
  if (!phonebook.empty()) return "no phonebook entry named " + in_message(entry) + " in the phonebook \"" + phonebook + "\"";
  return "no phonebook entry named " + in_message(entry) +
         " that the service can see: rasbroker runs as LocalSystem and dials the all-user connections (the "
         "all-users phonebook) and the entries of the phonebooks in its \"phonebooks\" setting; a connection created "
         "for one user (in Settings, or by Add-VpnConnection without -AllUserConnection) is not among them. Recreate "
         "it for all users (Add-VpnConnection -AllUserConnection), or ask an administrator to add a phonebook file "
         "that holds it to \"phonebooks\"";
}

}  // namespace

asio::awaitable<protocol::Connection> Broker::dial(protocol::DialParams params, authz::Caller caller) {
  if (params.keep) co_return co_await dial_and_keep(std::move(params), std::move(caller));  // pins.cpp
  if (stopping_) throw RpcError(ErrorCode::shutting_down, "the service is stopping: no new dials");
  // The allow-list compares as RAS does: "office vpn" is the entry "Office VPN".
  policy_.require_dial(caller, params.entry);
  if (params.phonebook) require_allowed_phonebook(*params.phonebook);

  std::optional<Clock::time_point> deadline;
  if (params.timeout_ms) deadline = Clock::now() + std::chrono::milliseconds(*params.timeout_ms);

  // One connection per entry, whatever the case of the name (RAS's rule): join a live
  // one rather than add a RAS reference, wait out a teardown.
  for (;;) {
    Record* existing = find_active_entry(params.entry);
    if (!existing) break;
    if (existing->info.state != ConnectionState::hanging_up) {
      log_->info("dial {}: joins existing connection {} ({})", protocol::quoted(params.entry), existing->info.id,
                 protocol::to_string(existing->info.state));
      // Joining is dialling the entry: someone else's connection stays theirs.
      if (params.wait == protocol::DialWait::connected)
        co_return policy_.masked(caller, co_await wait_connected(existing->seq, deadline));
      co_return policy_.masked(caller, existing->info);
    }
    log_->info("dial {}: waiting for {} to finish tearing down", protocol::quoted(params.entry), existing->info.id);
    if (!co_await wait_change(deadline))
      throw RpcError(ErrorCode::timeout, "timed out waiting for the previous connection to " +
                                             in_message(params.entry) + " to tear down");
    if (stopping_) throw RpcError(ErrorCode::shutting_down, "the service is stopping: no new dials");
  }

  DialPlan plan;
  plan.entry = params.entry;
  plan.phonebook = params.phonebook.value_or("");
  plan.username = params.username.value_or("");
  plan.domain = params.domain.value_or("");
  plan.owner = caller.owner;
  if (params.redial) {
    plan.redial = *params.redial;
  } else if (auto it = config_.redial.find(params.entry); it != config_.redial.end()) {  // any case
    plan.redial = protocol::RedialPolicy{it->second.attempts, it->second.backoff_ms};
  }
  plan.password_sent = !params.password.empty();
  plan.password = std::move(params.password);

  Record& r = start_dial(std::move(plan));
  const auto seq = r.seq;
  if (deadline) asio::co_spawn(ex_, dial_deadline(seq, *deadline), asio::detached);
  if (params.wait == protocol::DialWait::connected) co_return co_await wait_connected(seq, deadline);
  co_return r.info;
}

Record& Broker::start_dial(DialPlan plan) {
  require_trusted_phonebook(plan.phonebook);  // here, so that a redial is checked again too
  ras::DialRequest request{plan.entry, plan.phonebook, plan.username, plan.password.reveal(), plan.domain};
  // Redial needs the password later; otherwise it is wiped now.
  if (plan.redial.attempts == 0) plan.password.clear();

  std::weak_ptr<Broker> weak = weak_from_this();
  auto progress = [ex = ex_, weak](const ras::DialProgress& p) {
    asio::post(ex, [weak, p] {
      if (auto self = weak.lock()) self->on_progress(p);
    });
  };
  ras::DialResult result = ras_.dial(request, progress);
  if (result.error == ras::err::kCannotFindPhonebookEntry && result.handle == ras::kNullHandle &&
      request.phonebook.empty()) {
    // RAS's NULL phonebook is the all-users one (and LocalSystem's own), never a configured
    // file: an entry that `entries` lists from one is dialled from that file.
    // Trusted again right before the dial: permissions may change while the service runs.
    if (auto file = configured_phonebook_of(plan.entry); file && !phonebooks_.untrusted(*file)) {
      log_->info("dial {}: not in RAS's default phonebooks; dialling it from the configured phonebook {}",
                 protocol::quoted(plan.entry), *file);
      request.phonebook = plan.phonebook = *file;
      result = ras_.dial(request, progress);
    }
  }
  protocol::wipe(request.password);

  if (result.handle == ras::kNullHandle) {
    log_->warn("dial {}: RasDial failed with {} and no handle", protocol::quoted(plan.entry), result.error);
    if (result.error == ras::err::kCannotFindPhonebookEntry)
      throw RpcError(ErrorCode::not_found, no_such_entry(plan.entry, plan.phonebook),
                     {{"ras_error", result.error}, {"ras_message", ras_.error_string(result.error)}});
    // A name no phonebook has is the client's mistake; any other refusal is the admin's.
    events_.dial_failed(plan.entry, result.error, ras_.error_string(result.error));
    throw dial_failed_error(plan.entry, result.error, ras_.error_string(result.error), plan.password_sent);
  }

  Record& r = add_record(result.handle, plan.entry, plan.phonebook);
  set_state(r, ConnectionState::dialing);
  r.info.ras_state = ras::state_name(ras::ConnState::OpenPort);
  r.info.owner = plan.owner;
  r.info.dialed_at = std::chrono::system_clock::now();
  log_->info("dial {}: {} handle {:#x} owner pid {} user '{}'{}", protocol::quoted(r.info.entry), r.info.id, r.handle,
             r.info.owner ? r.info.owner->pid : 0, r.info.owner ? r.info.owner->user : std::string("-"),
             plan.redials_used ? fmt::format(" (redial {}/{})", plan.redials_used, plan.redial.attempts) : "");
  r.plan = std::move(plan);
  publish(r);
  // Now: a handle the journal missed is adopted by the next instance, not taken back.
  journal_changed(r, JournalWriter::Urgency::now);
  if (result.error != ras::err::kSuccess) {
    // A handle from a failed RasDial must still be hung up.
    r.info.error = ras_error(result.error);
    begin_hangup(r, Reason::dial_failed);
    maybe_redial(r);
  }
  return r;
}

std::optional<std::string> Broker::configured_phonebook_of(std::string_view entry) {
  // The files `entries` lists from: configured, allowed, and trusted (phonebooks.hpp).
  std::vector<ras::PhonebookEntry> listed;
  std::vector<std::string> unreadable, untrusted;
  if (phonebooks_.list("", ras_, listed, unreadable, untrusted) != ras::err::kSuccess) return std::nullopt;
  for (const auto& e : listed) {
    // The path RAS reports for it must still be one the service may hand to RAS.
    if (protocol::same_entry(e.name, entry) && phonebooks_.allowed(e.phonebook, ras_)) return e.phonebook;
  }
  return std::nullopt;
}

void Broker::on_progress(const ras::DialProgress& p) {
  Record* r = find_handle(p.handle);
  if (!r) return;
  if (r->info.state == ConnectionState::connected) {
    on_link_progress(*r, p);
    return;
  }
  // Late notifications (after a hang-up, or for a handle already gone) mean nothing.
  if (r->info.state != ConnectionState::dialing) return;
  const std::string name = ras::state_name(p.state);
  if (p.error == ras::err::kSuccess && p.state != ras::ConnState::Connected && name == r->info.ras_state) return;
  r->info.ras_state = name;
  if (p.error != ras::err::kSuccess) {
    // Before the connection is up, any error fails the dial, one link's of a multilink entry
    // too: whether RAS goes on with the other links is not documented, and a RASCS_Connected
    // that never comes would hold the dial until its timeout (docs/ras-rules.md#dial).
    r->info.error = ras_error(p.error, p.extended_error);
    log_->warn("dial {}: {} failed at {} on link {}: RAS error {} ({}){}{}", protocol::quoted(r->info.entry), r->info.id,
               r->info.ras_state, p.sub_entry, p.error, r->info.error->message, extended_note(p.extended_error),
               r->plan && !r->plan->password_sent ? " with the saved credentials" : "");
    events_.dial_failed(r->info.entry, p.error, r->info.error->message);
    begin_hangup(*r, Reason::dial_failed);
    maybe_redial(*r);
    return;
  }
  if (p.state == ras::ConnState::Connected) {
    mark_connected(*r);
    return;
  }
  publish(*r);
}

void Broker::mark_connected(Record& r) {
  set_state(r, ConnectionState::connected);
  r.info.connected_at = std::chrono::system_clock::now();
  set_restored_dial(r, false);
  log_->info("dial {}: {} connected", protocol::quoted(r.info.entry), r.info.id);
  watch_wake_.notify_all();
  publish(r);
  journal_changed(r, JournalWriter::Urgency::soon);
}

void Broker::on_link_progress(const Record& r, const ras::DialProgress& p) {
  // A multilink connection stays up while any of its links is (RASCN_Disconnection comes
  // only when every sub-entry is down): a link lost now is reported, never hung up.
  if (p.error != ras::err::kSuccess) {
    log_->warn("dial {}: {} link {} failed at {}: RAS error {} ({}){}; the connection stays up", protocol::quoted(r.info.entry),
               r.info.id, p.sub_entry, ras::state_name(p.state), p.error, ras_.error_string(p.error),
               extended_note(p.extended_error));
  } else if (p.state == ras::ConnState::SubEntryConnected || p.state == ras::ConnState::SubEntryDisconnected) {
    log_->info("dial {}: {} link {}: {}", protocol::quoted(r.info.entry), r.info.id, p.sub_entry, ras::state_name(p.state));
  }
}

asio::awaitable<protocol::Connection> Broker::wait_connected(std::uint64_t seq,
                                                             std::optional<Clock::time_point> deadline) {
  protocol::Connection last;
  bool password_sent = true;
  // The record can be reaped and erased before this coroutine runs again (a RasHangUp that
  // answers 668 or 6 is confirmed by an immediate status poll): its last published state,
  // with the error and the reason, still decides the answer.
  const Record* dialled = find_seq(seq);
  const auto keep_last = subscribe([&last, id = dialled ? dialled->info.id : std::string()](const protocol::Connection& c) {
    if (c.id == id) last = c;
  });
  for (;;) {
    if (Record* r = find_seq(seq)) {
      last = r->info;
      password_sent = !r->plan || r->plan->password_sent;
      if (last.state == ConnectionState::connected) co_return last;
      if (last.state != ConnectionState::dialing) break;
    } else {
      break;  // gone
    }
    if (!co_await wait_change(deadline)) {
      if (Record* r = find_seq(seq); r && r->info.state == ConnectionState::dialing) begin_hangup(*r, Reason::timeout);
      throw RpcError(ErrorCode::timeout, "dial " + in_message(last.entry) + " did not connect in time; it is being hung up");
    }
  }
  if (last.reason == Reason::timeout)
    throw RpcError(ErrorCode::timeout, "dial " + in_message(last.entry) + " did not connect in time; it is being hung up");
  if (last.reason == Reason::service_stop)
    throw RpcError(ErrorCode::shutting_down,
                   "the service is stopping: dial " + in_message(last.entry) + " was hung up before it connected");
  if (last.error)
    throw dial_failed_error(last.entry, last.error->ras_error, last.error->message, password_sent,
                            last.error->extended_error);
  throw RpcError(ErrorCode::ras_failure, "dial " + in_message(last.entry) + " was hung up before it connected",
                 {{"ras_error", ras::err::kUserDisconnection},
                  {"ras_message", ras_.error_string(ras::err::kUserDisconnection)}});
}

asio::awaitable<void> Broker::dial_deadline(std::uint64_t seq, Clock::time_point deadline) {
  auto self = shared_from_this();
  Timer timer(ex_, deadline);
  co_await (timer.async_wait(asio::use_awaitable) || stop_wake_.wait());
  // Woken by the stop, not by the deadline: stop() hangs up every dial in progress
  // itself, with reason service_stop.
  if (stopping_) co_return;
  if (Record* r = find_seq(seq); r && r->info.state == ConnectionState::dialing) {
    log_->warn("dial {}: {} did not connect within its timeout", protocol::quoted(r->info.entry), r->info.id);
    begin_hangup(*r, Reason::timeout);
  }
}

protocol::ConnectionError Broker::ras_error(std::uint32_t code, std::uint32_t extended_error) {
  return protocol::ConnectionError{code, ras_.error_string(code), extended_error};
}

}  // namespace rasbroker::broker
