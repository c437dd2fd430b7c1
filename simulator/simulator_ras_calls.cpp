// The simulator's RasApi calls, as rasapi32 behaves (docs/simulator.md, "Simulated
// semantics"; docs/ras-rules.md): RasDial, RasHangUp, RasGetConnectStatus,
// RasEnumConnections (also as it really is, with its buffer), RasEnumEntries, error texts
// and the connection notifier.
#include <algorithm>
#include <utility>

#include "core/ascii_case.hpp"
#include "simulator/error_text.hpp"
#include "simulator/simulator.hpp"

namespace rasbroker::sim {
namespace {

using ras::ConnState;
namespace err = ras::err;

std::size_t index_in_walk(ConnState s) {
  const auto& walk = dial_walk();
  return static_cast<std::size_t>(std::find(walk.begin(), walk.end(), s) - walk.begin());
}

// RASCONN.dwFlags as the calling account sees the connection: the owner flags are relative to
// it, and account names compare without case, as Windows compares them.
std::uint32_t connection_flags(const EntrySpec& e, const std::optional<ConnectionOrigin>& origin,
                               const std::string& caller) {
  namespace flag = ras::conn_flags;
  std::uint32_t flags = all_users_phonebook(entry_phonebook(e)) ? flag::kAllUsers : 0;
  if (!origin) return flags;
  flags |= flag::kOwnerKnown;
  if (equals_ignoring_ascii_case(origin->account, caller)) flags |= flag::kOwnerMatch;
  if (origin->default_credentials) flags |= flag::kGlobalCreds;
  return flags;
}

}  // namespace

bool Simulator::enumerated(const Conn& c) const {
  if (c.phase == Phase::connected) return true;
  if (scenario_.enum_lists == EnumLists::connected) return false;
  // The other reading: listed while RAS still holds the handle for its dialler.
  return c.phase == Phase::dialing || c.phase == Phase::failed || (c.phase == Phase::dropped && !vanished(c));
}

ras::DialResult Simulator::ras_dial(const RasDialCall& call, ras::DialProgressFn progress) {
  const ras::DialRequest& request = call.params;
  PublishOnExit publish{*this};
  std::lock_guard lock(mu_);
  ++stats_.dial_calls;
  const auto now = Clock::now();

  const EntrySpec* entry = find_entry(request.entry, request.phonebook);
  if (entry == nullptr) {
    ++stats_.dial_errors;
    return {.error = err::kCannotFindPhonebookEntry, .handle = ras::kNullHandle};
  }

  // Already connected or dialling: the same connection, one more reference.
  for (auto& [h, c] : conns_) {
    if (&spec(c) != entry || (c.phase != Phase::dialing && c.phase != Phase::connected)) continue;
    ++c.refs;
    ledger_.dial_ref(h);
    dirty_ = true;
    if (c.phase == Phase::dialing) {
      c.listeners.push_back(std::move(progress));  // joins the rest of the walk
    } else if (progress) {
      schedule_locked({.due = now, .kind = EventKind::progress, .handle = h, .fn = std::move(progress),
                       .state = ConnState::Connected, .connected_only = true});
    }
    return {.error = err::kSuccess, .handle = h};
  }

  Conn& c = add_connection_locked(*entry, now, /*external=*/false);
  c.origin = ConnectionOrigin{options_.account, options_.logon_luid, dialled_with_default_credentials(*entry, call)};
  if (progress) c.listeners.push_back(std::move(progress));
  if (entry->fail_state) {
    c.fail_step = index_in_walk(*entry->fail_state);
    c.fail_error = entry->fail_error;
    c.fail_extended_error = entry->fail_extended_error;
  }
  const auto auth = index_in_walk(ConnState::Authenticate);  // unless a fail_state fails earlier
  const auto refused = authentication_error(*entry, call);
  if (refused != err::kSuccess && (!c.fail_step || *c.fail_step >= auth)) {
    c.fail_step = auth;
    c.fail_error = refused;
  }
  ledger_.dial_ref(c.handle);
  dirty_ = true;
  schedule_timer_locked(EventKind::dial_step, c.handle, now);
  return {.error = err::kSuccess, .handle = c.handle};
}

void Simulator::enum_race_locked(Clock::time_point now) {
  if (enum_race_next_ >= scenario_.enum_race.size()) return;
  const EntrySpec* entry = entry_named(scenario_.enum_race[enum_race_next_++]);
  if (entry == nullptr) return;  // parse_scenario() rejects this
  for (const auto& [h, c] : conns_) {
    if (&spec(c) == entry && c.phase != Phase::gone && c.phase != Phase::tearing_down) return;  // used up
  }
  add_external_connected_locked(
      *entry, {std::string(kScenarioDiallerAccount), kScenarioDiallerLuid, /*default_credentials=*/false}, now);
  ++stats_.enum_race_connections;
  dirty_ = true;
  signal_notifier_locked(now);  // RASCN_Connection: a connection was created
}

std::uint32_t Simulator::hang_up(ras::Handle h) {
  PublishOnExit publish{*this};
  std::lock_guard lock(mu_);
  ++stats_.hang_up_calls;
  Conn* c = find_locked(h);
  if (c == nullptr || c->phase == Phase::gone) {
    ++stats_.hang_up_invalid;
    return err::kInvalidHandle;
  }
  dirty_ = true;
  if (vanished(*c)) {
    // The dropped handle is unknown to RAS, so RasHangUp answers 6 (our reading:
    // docs/simulator.md, "Link drop"), yet the caller's reference is released: the RasDial
    // that returned it still required this RasHangUp (docs/ras-rules.md#dial).
    ++stats_.hang_up_invalid;
    --c->refs;
    if (c->refs == 0) start_teardown_locked(*c, Clock::now());
    ledger_.hung_up(h, /*released=*/true, /*tearing_down=*/false);
    return err::kInvalidHandle;
  }
  if (c->phase == Phase::tearing_down) {
    ++stats_.hang_up_idempotent;  // RasHangUp again while tearing down: 0, nothing more...
    // ...except that it pays a RasHangUp still owed: a dial whose process was killed
    // mid-way (restore()) tears down, and the process that takes it over hangs it up.
    ledger_.hung_up(h, /*released=*/ledger_.outstanding_dial_refs(h) > 0, /*tearing_down=*/true);
    return err::kSuccess;
  }
  --c->refs;
  if (c->refs == 0) start_teardown_locked(*c, Clock::now());
  ledger_.hung_up(h, /*released=*/true, c->phase == Phase::tearing_down);
  if (c->phase != Phase::tearing_down || spec(*c).hang_up_668 == HangUp668::never) return err::kSuccess;
  // The scenario's reading of a RasHangUp answering ERROR_NO_CONNECTION: the reference is
  // released either way; with already_gone nothing was left to tear down.
  ++stats_.hang_up_no_connection;
  if (spec(*c).hang_up_668 == HangUp668::already_gone) complete_teardown_locked(*c, Clock::now());
  return err::kNoConnection;
}

std::uint32_t Simulator::get_connect_status(ras::Handle h, ras::ConnectStatus& out) {
  PublishOnExit publish{*this};
  std::lock_guard lock(mu_);
  ++stats_.status_calls;
  const Conn* c = find_locked(h);
  if (c != nullptr && vanished(*c)) {
    // DotRas issue #80: after a drop "the only response from the API is ERROR_INVALID_HANDLE".
    // Not a reaping: no teardown was asked for, and the RasHangUp is still owed.
    ++stats_.status_invalid;
    return err::kInvalidHandle;
  }
  if (c != nullptr && c->phase != Phase::gone) {
    out.state = c->state;
    out.error = c->error != 0 ? c->error : link_error_in_status(*c);
    out.device_type = spec(*c).device_type;
    out.device_name = spec(*c).device_name;
    return err::kSuccess;
  }
  ++stats_.status_invalid;
  if (c != nullptr) {
    // Teardown complete: the caller has now reaped the handle. Only the first 6 is news.
    const auto* record = ledger_.find(h);
    if (record == nullptr || !record->reaped) dirty_ = true;
    ledger_.reaped(h);
  }
  return err::kInvalidHandle;
}

std::uint32_t Simulator::enum_connections_raw(ras::ActiveConnection* buffer, std::size_t& count_in_out,
                                              std::size_t element_size) {
  PublishOnExit publish{*this};  // an enum_race connection is a change
  std::lock_guard lock(mu_);
  ++stats_.enum_raw_calls;
  if (element_size != sizeof(ras::ActiveConnection)) return err::kInvalidSize;
  if (buffer == nullptr && count_in_out != 0) return err::kInvalidParameter;
  const auto needed = static_cast<std::size_t>(
      std::count_if(conns_.begin(), conns_.end(), [this](const auto& hc) { return enumerated(hc.second); }));
  if (needed > count_in_out) {
    ++stats_.enum_buffer_too_small;
    count_in_out = needed;
    enum_race_locked(Clock::now());  // after the answer: the size it gave is already stale
    return err::kBufferTooSmall;
  }
  std::size_t n = 0;
  for (const auto& [h, c] : conns_) {
    if (!enumerated(c)) continue;
    const auto& e = spec(c);
    buffer[n++] = ras::ActiveConnection{.handle = h,
                                        .entry = e.name,
                                        .phonebook = entry_phonebook(e),
                                        .device_type = e.device_type,
                                        .device_name = e.device_name,
                                        .flags = connection_flags(e, c.origin, options_.account),
                                        .logon_luid = c.origin ? c.origin->logon_luid : 0,
                                        .logon_user = c.origin ? c.origin->account : std::string()};
  }
  count_in_out = n;
  return err::kSuccess;
}

std::uint32_t Simulator::enum_connections(std::vector<ras::ActiveConnection>& out) {
  {
    std::lock_guard lock(mu_);
    ++stats_.enum_calls;
  }
  out.clear();
  std::size_t capacity = options_.enum_initial_capacity;
  for (std::size_t attempt = 0; attempt < std::max<std::size_t>(options_.enum_max_attempts, 1); ++attempt) {
    std::vector<ras::ActiveConnection> buffer(capacity);
    std::size_t count = capacity;
    const auto rc = enum_connections_raw(buffer.empty() ? nullptr : buffer.data(), count);
    if (rc == err::kSuccess) {
      buffer.resize(count);
      out = std::move(buffer);
      return rc;
    }
    if (rc != err::kBufferTooSmall) return rc;
    capacity = count;  // connections may appear before the next call: loop again
    std::function<void()> hook;
    {
      std::lock_guard lock(mu_);
      hook = enum_retry_hook_;
    }
    if (hook) hook();
  }
  return err::kBufferTooSmall;
}

std::uint32_t Simulator::enum_entries(const std::string& phonebook, std::vector<ras::PhonebookEntry>& out) {
  std::lock_guard lock(mu_);
  ++stats_.enum_entries_calls;
  out.clear();
  for (const auto& e : scenario_.entries) {
    if (!phonebook_visible(e, phonebook, options_.account, scenario_.null_phonebook)) continue;
    out.push_back({.name = e.name, .phonebook = entry_phonebook(e)});
  }
  return err::kSuccess;
}

const EntrySpec* Simulator::find_entry(std::string_view name, std::string_view phonebook) const {
  // Entry names are unique in a scenario (as RAS compares them), so the name picks the entry;
  // the phonebook decides whether this caller's RAS reads the file that holds it.
  const EntrySpec* entry = entry_named(name);
  if (entry == nullptr || !phonebook_visible(*entry, phonebook, options_.account, scenario_.null_phonebook)) {
    return nullptr;
  }
  return entry;
}

std::string Simulator::error_string(std::uint32_t code) { return ras_error_text(code); }

void Simulator::set_connection_notifier(std::function<void()> changed) {
  std::lock_guard lock(mu_);
  notifier_ = std::move(changed);
}

std::uint32_t Simulator::watch_termination(ras::Handle h, std::function<void()> terminated) {
  std::lock_guard lock(mu_);
  const Conn* c = find_locked(h);
  if (c == nullptr || c->phase == Phase::gone || vanished(*c)) return err::kInvalidHandle;
  ++stats_.terminations_watched;
  termination_watches_[h].push_back(std::move(terminated));
  return err::kSuccess;
}

void Simulator::unwatch_termination(ras::Handle h) {
  std::lock_guard lock(mu_);
  termination_watches_.erase(h);
}

}  // namespace rasbroker::sim
