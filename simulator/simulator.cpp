// The RAS simulator engine (semantics: docs/simulator.md, ../shared/notes/ras-api.md).
#include "simulator/simulator.hpp"

#include <algorithm>
#include <utility>

#include "simulator/error_text.hpp"

namespace rasbroker::sim {
namespace {

using ras::ConnState;
namespace err = ras::err;

constexpr ras::Handle kHandleStride = 0x10;

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

// Phonebook paths compare like Windows paths (case-insensitively); "" is the system phonebook.
bool same_phonebook(std::string_view a, std::string_view b) {
  if (a.empty()) a = kSystemPhonebook;
  if (b.empty()) b = kSystemPhonebook;
  return iequals(a, b);
}

// Min-heap order for std::push_heap/pop_heap: the earliest (due, seq) on top.
struct Later {
  template <typename E>
  bool operator()(const E& a, const E& b) const {
    return a.due != b.due ? a.due > b.due : a.seq > b.seq;
  }
};

std::size_t index_in_walk(ConnState s) {
  const auto& walk = dial_walk();
  return static_cast<std::size_t>(std::find(walk.begin(), walk.end(), s) - walk.begin());
}

}  // namespace

Simulator::Simulator(Scenario scenario, SimulatorOptions options)
    : scenario_(std::move(scenario)), options_(options) {
  const auto now = Clock::now();
  for (const auto& name : scenario_.connected) {
    const auto* entry = scenario_.find(name);
    if (entry == nullptr) continue;  // parse_scenario() rejects this
    Conn c;
    last_handle_ += kHandleStride;
    c.handle = last_handle_;
    c.entry = static_cast<std::size_t>(entry - scenario_.entries.data());
    c.phase = Phase::connected;
    c.state = ConnState::Connected;
    c.refs = 1;  // the external dialler's reference
    c.dial_start = now;
    ledger_.issued(c.handle, entry->name, /*external=*/true);
    if (entry->drop_after) {
      schedule_locked({now + std::chrono::duration_cast<Clock::duration>(*entry->drop_after), 0,
                       EventKind::drop, c.handle, 0, {}});
    }
    conns_.emplace(c.handle, std::move(c));
  }
  if (options_.mode == Mode::threaded) thread_ = std::thread([this] { run(); });
}

Simulator::~Simulator() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::string Simulator::backend_name() const { return "sim"; }

// ---------------------------------------------------------------------------------
// Events

void Simulator::schedule_locked(Event ev) {
  ev.seq = next_seq_++;
  queue_.push_back(std::move(ev));
  std::push_heap(queue_.begin(), queue_.end(), Later{});
  if (options_.mode == Mode::threaded) cv_.notify_all();
}

Simulator::Conn* Simulator::find_locked(ras::Handle h) {
  const auto it = conns_.find(h);
  return it == conns_.end() ? nullptr : &it->second;
}

bool Simulator::stale_locked(const Event& ev) const {
  if (ev.kind == EventKind::notify || (ev.kind == EventKind::progress && !ev.connected_only)) return false;
  const auto it = conns_.find(ev.handle);
  if (it == conns_.end()) return true;
  const Conn& c = it->second;
  switch (ev.kind) {
    case EventKind::dial_step: return c.phase != Phase::dialing || c.next_step != ev.step;
    case EventKind::drop: return c.phase != Phase::connected;
    case EventKind::progress: return ev.connected_only && c.phase != Phase::connected;
    case EventKind::teardown_done: return c.phase != Phase::tearing_down;
    case EventKind::notify: break;
  }
  return false;
}

void Simulator::deliver_progress_locked(const Conn& c, ConnState s, std::uint32_t error, Calls& calls) {
  for (const auto& fn : c.listeners) {
    if (!fn) continue;
    ++stats_.progress_callbacks;
    calls.emplace_back([fn, h = c.handle, s, error] { fn(h, s, error); });
  }
}

void Simulator::signal_notifier_locked(Clock::time_point at) {
  ++stats_.notifications_signalled;
  ++notification_count_;
  const auto every = scenario_.notifications.drop_every;
  if (every != 0 && notification_count_ % every == 0) {
    ++stats_.notifications_missed;
    return;
  }
  schedule_locked({at + std::chrono::duration_cast<Clock::duration>(scenario_.notifications.delay), 0,
                   EventKind::notify, ras::kNullHandle, 0, {}});
}

void Simulator::fire_dial_step_locked(Conn& c, const Event& ev, Calls& calls) {
  const auto& walk = dial_walk();
  const std::size_t i = ev.step;
  c.state = walk[i];
  if (c.fail_step && *c.fail_step == i) {
    // The dial fails here; the handle stays valid (and must be hung up).
    c.phase = Phase::failed;
    c.error = c.fail_error;
    deliver_progress_locked(c, c.state, c.error, calls);
    c.listeners.clear();  // notifications stop at a non-zero error
    return;
  }
  deliver_progress_locked(c, c.state, 0, calls);
  if (c.state == ConnState::Connected) {
    c.phase = Phase::connected;
    c.listeners.clear();  // notifications stop at RASCS_Connected
    signal_notifier_locked(ev.due);
    if (const auto& after = spec(c).drop_after) {
      schedule_locked({ev.due + std::chrono::duration_cast<Clock::duration>(*after), 0, EventKind::drop,
                       c.handle, 0, {}});
    }
    return;
  }
  c.next_step = i + 1;
  const auto connect = std::chrono::duration_cast<Clock::duration>(spec(c).connect);
  const auto due = c.dial_start + connect * static_cast<Clock::rep>(c.next_step) /
                                       static_cast<Clock::rep>(walk.size() - 1);
  schedule_locked({due, 0, EventKind::dial_step, c.handle, c.next_step, {}});
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
      dirty_ = true;
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
    case EventKind::progress:
      if (ev.fn) {
        ++stats_.progress_callbacks;
        calls.emplace_back([fn = std::move(ev.fn), h = ev.handle, s = ev.state, e = ev.error] { fn(h, s, e); });
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
    for (auto& call : calls) call();  // without the lock: callbacks may call back in
    publish_change();
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
    for (auto& call : calls) {
      try {
        call();
      } catch (...) {
        // A callback must not throw into RAS; swallow like a C callback boundary would.
      }
    }
    publish_change();
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

// ---------------------------------------------------------------------------------
// RasApi

ras::DialResult Simulator::dial(const ras::DialRequest& request, ras::DialProgressFn progress) {
  PublishOnExit publish{*this};
  std::lock_guard lock(mu_);
  ++stats_.dial_calls;
  const auto now = Clock::now();

  std::optional<std::size_t> index;
  for (std::size_t i = 0; i < scenario_.entries.size(); ++i) {
    const auto& e = scenario_.entries[i];
    if (e.name == request.entry && (request.phonebook.empty() || same_phonebook(e.phonebook, request.phonebook))) {
      index = i;
      break;
    }
  }
  if (!index) {
    ++stats_.dial_errors;
    return {err::kCannotFindPhonebookEntry, ras::kNullHandle};
  }

  // Already connected or dialling: the same connection, one more reference.
  for (auto& [h, c] : conns_) {
    if (c.entry != *index || (c.phase != Phase::dialing && c.phase != Phase::connected)) continue;
    ++c.refs;
    ledger_.dial_ref(h);
    dirty_ = true;
    if (c.phase == Phase::dialing) {
      c.listeners.push_back(std::move(progress));  // joins the rest of the walk
    } else if (progress) {
      Event ev{now, 0, EventKind::progress, h, 0, std::move(progress)};
      ev.state = ConnState::Connected;
      ev.connected_only = true;
      schedule_locked(std::move(ev));
    }
    return {err::kSuccess, h};
  }

  const EntrySpec& e = scenario_.entries[*index];
  Conn c;
  last_handle_ += kHandleStride;
  c.handle = last_handle_;
  c.entry = *index;
  c.refs = 1;
  c.dial_start = now;
  if (progress) c.listeners.push_back(std::move(progress));
  if (e.fail_state) {
    c.fail_step = index_in_walk(*e.fail_state);
    c.fail_error = e.fail_error;
  }
  if (e.username) {
    // Saved credentials: no password, and no user name or the saved one (the Win32 backend
    // fills in the saved password itself, which comes to the same).
    const bool saved = request.password.empty() && (request.username.empty() || iequals(request.username, *e.username));
    const bool match = iequals(request.username, *e.username) && request.password == *e.password;
    const auto auth = index_in_walk(ConnState::Authenticate);
    if (!saved && !match && (!c.fail_step || *c.fail_step >= auth)) {
      c.fail_step = auth;
      c.fail_error = err::kAuthenticationFailure;
    }
  }
  ledger_.issued(c.handle, e.name, /*external=*/false);
  ledger_.dial_ref(c.handle);
  dirty_ = true;
  const auto h = c.handle;
  conns_.emplace(h, std::move(c));
  schedule_locked({now, 0, EventKind::dial_step, h, 0, {}});
  return {err::kSuccess, h};
}

void Simulator::start_teardown_locked(Conn& c, Clock::time_point now) {
  c.phase = Phase::tearing_down;
  c.state = ConnState::Disconnected;  // c.error keeps the failure or drop reason, if any
  c.refs = 0;
  c.listeners.clear();  // notifications stop when RasHangUp is called
  ledger_.teardown_started(c.handle);
  if (!spec(c).teardown_never) {
    schedule_locked({now + std::chrono::duration_cast<Clock::duration>(spec(c).teardown), 0,
                     EventKind::teardown_done, c.handle, 0, {}});
  }
}

void Simulator::complete_teardown_locked(Conn& c, Clock::time_point at) {
  c.phase = Phase::gone;
  ledger_.teardown_completed(c.handle);
  signal_notifier_locked(at);
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
  if (c->phase == Phase::tearing_down) {
    ++stats_.hang_up_idempotent;
    ledger_.hung_up(h, /*released=*/false, /*tearing_down=*/true);
    dirty_ = true;
    return err::kSuccess;
  }
  --c->refs;
  if (c->refs == 0) start_teardown_locked(*c, Clock::now());
  ledger_.hung_up(h, /*released=*/true, c->phase == Phase::tearing_down);
  dirty_ = true;
  return err::kSuccess;
}

std::uint32_t Simulator::get_connect_status(ras::Handle h, ras::ConnectStatus& out) {
  PublishOnExit publish{*this};
  std::lock_guard lock(mu_);
  ++stats_.status_calls;
  Conn* c = find_locked(h);
  if (c == nullptr || c->phase == Phase::gone) {
    ++stats_.status_invalid;
    if (c != nullptr) {
      const auto* record = ledger_.find(h);
      if (record == nullptr || !record->reaped) dirty_ = true;  // only the first 6 is news
      ledger_.reaped(h);
    }
    return err::kInvalidHandle;
  }
  out.state = c->state;
  out.error = c->error;
  out.device_type = spec(*c).device_type;
  out.device_name = spec(*c).device_name;
  return err::kSuccess;
}

std::uint32_t Simulator::enum_connections_raw(ras::ActiveConnection* buffer, std::size_t& count_in_out,
                                              std::size_t element_size) {
  std::lock_guard lock(mu_);
  ++stats_.enum_raw_calls;
  if (element_size != sizeof(ras::ActiveConnection)) return err::kInvalidSize;
  if (buffer == nullptr && count_in_out != 0) return err::kInvalidParameter;
  std::size_t needed = 0;
  for (const auto& [h, c] : conns_) {
    if (c.phase == Phase::connected) ++needed;
  }
  if (needed > count_in_out) {
    ++stats_.enum_buffer_too_small;
    count_in_out = needed;
    return err::kBufferTooSmall;
  }
  std::size_t n = 0;
  for (const auto& [h, c] : conns_) {
    if (c.phase != Phase::connected) continue;
    const auto& e = spec(c);
    buffer[n++] = ras::ActiveConnection{h, e.name,
                                        e.phonebook.empty() ? std::string(kSystemPhonebook) : e.phonebook,
                                        e.device_type, e.device_name};
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
    if (!phonebook.empty() && !same_phonebook(e.phonebook, phonebook)) continue;
    out.push_back({e.name, e.phonebook.empty() ? std::string(kSystemPhonebook) : e.phonebook});
  }
  return err::kSuccess;
}

std::string Simulator::error_string(std::uint32_t code) { return ras_error_text(code); }

void Simulator::set_connection_notifier(std::function<void()> changed) {
  std::lock_guard lock(mu_);
  notifier_ = std::move(changed);
}

// ---------------------------------------------------------------------------------
// Test hooks

void Simulator::drop_locked(Conn& c, std::uint32_t error, Clock::time_point at) {
  dirty_ = true;
  c.phase = Phase::dropped;
  c.state = ConnState::Disconnected;
  c.error = error;
  signal_notifier_locked(at);
}

std::uint32_t Simulator::drop_link(const std::string& entry, std::optional<std::uint32_t> error) {
  PublishOnExit publish{*this};
  std::lock_guard lock(mu_);
  for (auto& [h, c] : conns_) {
    if (c.phase == Phase::connected && spec(c).name == entry) {
      drop_locked(c, error.value_or(spec(c).drop_error), Clock::now());
      return err::kSuccess;
    }
  }
  return err::kNoConnection;
}

std::uint32_t Simulator::drop_link(ras::Handle h, std::optional<std::uint32_t> error) {
  PublishOnExit publish{*this};
  std::lock_guard lock(mu_);
  Conn* c = find_locked(h);
  if (c == nullptr || c->phase != Phase::connected) return err::kNoConnection;
  drop_locked(*c, error.value_or(spec(*c).drop_error), Clock::now());
  return err::kSuccess;
}

std::uint32_t Simulator::external_hang_up(const std::string& entry) {
  PublishOnExit publish{*this};
  std::lock_guard lock(mu_);
  std::uint32_t rc = err::kNoConnection;
  const auto now = Clock::now();
  for (auto& [h, c] : conns_) {
    if (spec(c).name != entry || c.phase == Phase::tearing_down || c.phase == Phase::gone) continue;
    if (c.phase == Phase::dialing) {
      // The dial in progress learns it was cut off: one last callback with an error.
      c.error = err::kUserDisconnection;
      for (auto& fn : c.listeners) {
        if (!fn) continue;
        Event ev{now, 0, EventKind::progress, h, 0, std::move(fn)};
        ev.state = c.state;
        ev.error = c.error;
        schedule_locked(std::move(ev));
      }
    }
    ledger_.released_externally(h);
    start_teardown_locked(c, now);
    dirty_ = true;
    rc = err::kSuccess;
  }
  return rc;
}

std::size_t Simulator::finish_stuck_teardowns() {
  PublishOnExit publish{*this};
  std::lock_guard lock(mu_);
  const auto now = Clock::now();
  std::size_t finished = 0;
  for (auto& [h, c] : conns_) {
    if (c.phase == Phase::tearing_down && spec(c).teardown_never) {
      complete_teardown_locked(c, now);
      dirty_ = true;
      ++finished;
    }
  }
  return finished;
}

void Simulator::set_enum_retry_hook(std::function<void()> hook) {
  std::lock_guard lock(mu_);
  enum_retry_hook_ = std::move(hook);
}

LeakReport Simulator::leak_report() const {
  std::lock_guard lock(mu_);
  return ledger_.report();
}

std::vector<LedgerRecord> Simulator::ledger() const {
  std::lock_guard lock(mu_);
  return ledger_.records();
}

SimStats Simulator::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace rasbroker::sim
