// Snapshot and restore of the simulator engine: what the rasapi32.dll stand-in writes to
// its state file so that a restarted process finds the connections of the one that was
// killed (docs/simulator.md, "State file").
#include <algorithm>
#include <chrono>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "simulator/simulator.hpp"

namespace rasbroker::sim {
namespace {

using nlohmann::json;
using ras::ConnState;

// Numbers are written unsigned so that restore() reads a snapshot alike in memory and from text.
constexpr std::uint64_t kStateVersion = 1;

[[noreturn]] void fail(const std::string& at, const std::string& problem) { throw StateError(at + ": " + problem); }

const json& member(const json& object, const std::string& at, const char* key) {
  const auto it = object.find(key);
  if (it == object.end()) fail(at + "." + key, "is required");
  return *it;
}

std::uint64_t unsigned_at(const json& object, const std::string& at, const char* key) {
  const json& v = member(object, at, key);
  if (!v.is_number_unsigned()) fail(at + "." + key, "must be a non-negative integer");
  return v.get<std::uint64_t>();
}

std::uint32_t u32_at(const json& object, const std::string& at, const char* key) {
  const auto v = unsigned_at(object, at, key);
  if (v > 0xFFFFFFFFull) fail(at + "." + key, "must fit in 32 bits");
  return static_cast<std::uint32_t>(v);
}

bool bool_at(const json& object, const std::string& at, const char* key) {
  const json& v = member(object, at, key);
  if (!v.is_boolean()) fail(at + "." + key, "must be true or false");
  return v.get<bool>();
}

std::string string_at(const json& object, const std::string& at, const char* key) {
  const json& v = member(object, at, key);
  if (!v.is_string()) fail(at + "." + key, "must be a string");
  return v.get<std::string>();
}

std::optional<std::chrono::milliseconds> optional_ms(const json& object, const std::string& at, const char* key) {
  if (!object.contains(key)) return std::nullopt;
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::min<std::uint64_t>(
      unsigned_at(object, at, key), 0x7FFFFFFFull)));
}

std::uint64_t remaining_ms(Clock::time_point due, Clock::time_point now) {
  if (due <= now) return 0;
  return static_cast<std::uint64_t>(std::chrono::ceil<std::chrono::milliseconds>(due - now).count());
}

json ledger_to_json(const LedgerRecord& r) {
  return {{"handle", r.handle},
          {"entry", r.entry},
          {"external", r.external},
          {"dial_refs", r.dial_refs},
          {"hang_ups", r.hang_ups},
          {"refs_released", r.refs_released},
          {"released_externally", r.released_externally},
          {"must_reap", r.must_reap},
          {"teardown_started", r.teardown_started},
          {"teardown_completed", r.teardown_completed},
          {"reaped", r.reaped}};
}

LedgerRecord ledger_from_json(const json& j, const std::string& at) {
  if (!j.is_object()) fail(at, "must be an object");
  LedgerRecord r;
  r.handle = unsigned_at(j, at, "handle");
  r.entry = string_at(j, at, "entry");
  r.external = bool_at(j, at, "external");
  r.dial_refs = u32_at(j, at, "dial_refs");
  r.hang_ups = u32_at(j, at, "hang_ups");
  r.refs_released = u32_at(j, at, "refs_released");
  r.released_externally = bool_at(j, at, "released_externally");
  r.must_reap = bool_at(j, at, "must_reap");
  r.teardown_started = bool_at(j, at, "teardown_started");
  r.teardown_completed = bool_at(j, at, "teardown_completed");
  r.reaped = bool_at(j, at, "reaped");
  return r;
}

}  // namespace

json Simulator::snapshot() const {
  std::lock_guard lock(mu_);
  const auto now = Clock::now();
  // Pending timers of each connection, read from the event queue.
  std::map<ras::Handle, Clock::time_point> drop_due;
  std::map<ras::Handle, Clock::time_point> teardown_due;
  for (const auto& ev : queue_) {
    if (stale_locked(ev)) continue;
    if (ev.kind == EventKind::drop) drop_due[ev.handle] = ev.due;
    if (ev.kind == EventKind::teardown_done) teardown_due[ev.handle] = ev.due;
  }

  static constexpr const char* kPhaseNames[] = {"dialing", "connected", "failed", "dropped", "tearing_down", "gone"};
  json connections = json::array();
  for (const auto& [h, c] : conns_) {
    json j = {{"handle", h},
              {"entry", spec(c).name},
              {"phase", kPhaseNames[static_cast<int>(c.phase)]},
              {"state", ras::state_name(c.state)},
              {"error", c.error},
              {"refs", c.refs}};
    if (c.origin) {
      j["account"] = c.origin->account;
      j["logon_luid"] = c.origin->logon_luid;
      j["default_credentials"] = c.origin->default_credentials;
    }
    if (const auto it = drop_due.find(h); it != drop_due.end()) j["drop_in_ms"] = remaining_ms(it->second, now);
    if (c.link_down != 0) {  // a multilink connection that lost a link and stayed up
      j["link_down"] = c.link_down;
      j["link_error"] = c.link_error;
    }
    if (const auto it = teardown_due.find(h); it != teardown_due.end()) {
      j["teardown_in_ms"] = remaining_ms(it->second, now);
    }
    connections.push_back(std::move(j));
  }
  json ledger = json::array();
  for (const auto& record : ledger_.records()) ledger.push_back(ledger_to_json(record));
  return {{"version", kStateVersion},
          {"last_handle", last_handle_},
          {"connections", std::move(connections)},
          {"ledger", std::move(ledger)}};
}

void Simulator::restore(const json& state) {
  // Parse everything first: an invalid document changes nothing.
  if (!state.is_object()) fail("(state)", "must be a JSON object");
  if (unsigned_at(state, "(state)", "version") != kStateVersion) {
    fail("version", "unsupported (expected " + std::to_string(kStateVersion) + ")");
  }
  ras::Handle last_handle = unsigned_at(state, "(state)", "last_handle");

  struct Restored {
    Conn conn;
    std::optional<std::chrono::milliseconds> drop_in;
    std::optional<std::chrono::milliseconds> teardown_in;
    bool abandoned = false;  // the exited process still held it dialling, failed or dropped
    bool mid_dial = false;   // ... and it was still dialling: its state machine had not ended
  };
  std::vector<Restored> restored;
  const json& conns = member(state, "(state)", "connections");
  if (!conns.is_array()) fail("connections", "must be an array");
  for (std::size_t i = 0; i < conns.size(); ++i) {
    const std::string at = "connections[" + std::to_string(i) + "]";
    const json& j = conns[i];
    if (!j.is_object()) fail(at, "must be an object");
    Restored r;
    r.conn.handle = unsigned_at(j, at, "handle");
    if (r.conn.handle == ras::kNullHandle) fail(at + ".handle", "must not be the null handle");
    const auto name = string_at(j, at, "entry");
    const EntrySpec* entry = entry_named(name);  // as RAS finds it: any case
    if (entry == nullptr) fail(at + ".entry", "no entry named \"" + name + "\" in the scenario");
    r.conn.entry = static_cast<std::size_t>(entry - scenario_.entries.data());
    const auto phase = string_at(j, at, "phase");
    if (!ras::parse_state_name(string_at(j, at, "state"), r.conn.state)) fail(at + ".state", "unknown state");
    r.conn.error = u32_at(j, at, "error");
    r.conn.refs = u32_at(j, at, "refs");
    // Who dialled it survives the process that held it; a snapshot without it (an older
    // format) restores a connection whose owner RAS does not know.
    if (j.contains("account")) {
      r.conn.origin = ConnectionOrigin{string_at(j, at, "account"), unsigned_at(j, at, "logon_luid"),
                                       bool_at(j, at, "default_credentials")};
    }
    r.drop_in = optional_ms(j, at, "drop_in_ms");
    r.teardown_in = optional_ms(j, at, "teardown_in_ms");
    if (j.contains("link_down")) {
      r.conn.link_down = u32_at(j, at, "link_down");
      r.conn.link_error = u32_at(j, at, "link_error");
    }
    if (phase == "connected") {
      r.conn.phase = Phase::connected;
    } else if (phase == "tearing_down") {
      r.conn.phase = Phase::tearing_down;
    } else if (phase == "gone") {
      r.conn.phase = Phase::gone;
    } else if (phase == "dialing" || phase == "failed" || phase == "dropped") {
      r.abandoned = true;
      r.mid_dial = phase == "dialing";
      // A drop in invalid_handle mode had already made RAS forget the handle: it stays
      // forgotten in the new process (no Disconnected window while it tears down).
      if (phase == "dropped") r.conn.phase = Phase::dropped;
    } else {
      fail(at + ".phase", "unknown phase \"" + phase + "\"");
    }
    last_handle = std::max(last_handle, r.conn.handle);
    restored.push_back(std::move(r));
  }
  std::vector<LedgerRecord> records;
  const json& ledger = member(state, "(state)", "ledger");
  if (!ledger.is_array()) fail("ledger", "must be an array");
  for (std::size_t i = 0; i < ledger.size(); ++i) {
    records.push_back(ledger_from_json(ledger[i], "ledger[" + std::to_string(i) + "]"));
    last_handle = std::max(last_handle, records.back().handle);
  }

  PublishOnExit publish{*this};
  std::lock_guard lock(mu_);
  const auto now = Clock::now();
  conns_.clear();
  queue_.clear();  // every pending event belonged to the replaced connections
  ledger_ = Ledger{};
  for (const auto& record : records) ledger_.restore(record);
  last_handle_ = std::max(last_handle_, last_handle);
  for (auto& r : restored) {
    const auto h = r.conn.handle;
    if (ledger_.find(h) == nullptr) ledger_.issued(h, spec(r.conn).name, /*external=*/true);
    Conn& c = conns_.emplace(h, std::move(r.conn)).first->second;
    if (r.abandoned) {
      // The connection tears down. What RAS does with the exited process's reference is
      // our reading (docs/simulator.md, "Snapshot, restore and the change hook"): a
      // failed or dropped handle had reached the end of its state machine, after which
      // the process may exit (Completion Notifications), so its reference is released;
      // a handle still dialling had not, and exiting then can leave the port
      // inconsistent (docs/ras-rules.md#teardown): its reference stays outstanding,
      // reported as a leak.
      if (!r.mid_dial) ledger_.released_externally(h);
      start_teardown_locked(c, now);
    } else if (c.phase == Phase::connected && r.drop_in) {
      schedule_timer_locked(EventKind::drop, h, now + *r.drop_in);
    } else if (c.phase == Phase::tearing_down && !spec(c).teardown_never) {
      schedule_timer_locked(EventKind::teardown_done, h, now + r.teardown_in.value_or(spec(c).teardown));
    }
  }
  dirty_ = true;
}

}  // namespace rasbroker::sim
