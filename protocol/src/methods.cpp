#include "rasbroker/protocol/methods.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include "params_reader.hpp"
#include "rasbroker/protocol/entry_name.hpp"
#include "rasbroker/protocol/jsonrpc.hpp"

namespace rasbroker::protocol {

using detail::kParams;
using detail::kResult;
using detail::ObjectReader;
using detail::StringRule;

namespace {

constexpr std::int64_t kMaxTimeoutMs = 86'400'000;
constexpr std::int64_t kU32Max = std::numeric_limits<std::uint32_t>::max();
constexpr std::int64_t kI64Min = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kI64Max = std::numeric_limits<std::int64_t>::max();

constexpr StringRule kEntryRule{256, false};
constexpr StringRule kIdRule{256, false};
constexpr StringRule kPhonebookRule{260, true};
constexpr StringRule kNameRule{256, true};  // username, domain, password

std::uint32_t u32(std::int64_t v) { return static_cast<std::uint32_t>(v); }

// id / entry / all (when allowed): exactly one of them.
Selector read_selector(const ObjectReader& r, bool allow_all) {
  Selector s;
  s.id = r.string("id", kIdRule);
  s.entry = r.string("entry", kEntryRule);
  if (allow_all) {
    if (const auto all = r.boolean("all")) {
      if (!*all) r.fail_member("all", "must be true when given");
      s.all = true;
    }
  }
  const int given = int{s.id.has_value()} + int{s.entry.has_value()} + int{s.all};
  if (given != 1) {
    detail::fail(kParams, allow_all ? R"(give exactly one of "id", "entry" or "all")"
                                    : R"(give exactly one of "id" or "entry")");
  }
  return s;
}

// A result's array member, each element read by `read` with its name for messages
// ("connections[2]").
template <typename T, typename Read>
std::vector<T> read_result_array(const nlohmann::json& j, const std::string& key, Read read) {
  const ObjectReader r(j, kResult);
  const auto& array = *r.required_array(key);
  std::vector<T> out;
  out.reserve(array.size());
  for (std::size_t i = 0; i < array.size(); ++i) out.push_back(read(array[i], key + "[" + std::to_string(i) + "]"));
  return out;
}

std::vector<Pin> read_pins(const nlohmann::json& j) {
  return read_result_array<Pin>(j, "pins", [](const nlohmann::json& e, const std::string&) { return pin_from_json(e); });
}

nlohmann::json selector_json(const Selector& s) {
  nlohmann::json j = nlohmann::json::object();
  if (s.id) j["id"] = *s.id;
  if (s.entry) j["entry"] = *s.entry;
  if (s.all) j["all"] = true;
  return j;
}

}  // namespace

bool is_known_method(std::string_view name) {
  for (const auto m : {method::ping, method::status, method::dial, method::hangup, method::list, method::get,
                       method::entries, method::subscribe, method::pin, method::unpin}) {
    if (m == name) return true;
  }
  return false;
}

void parse_empty_params(const nlohmann::json& params, std::string_view /*method_name*/) {
  if (params.is_array()) {
    if (!params.empty()) detail::fail(kParams, "params must be an object");
    return;
  }
  const ObjectReader r(detail::params_object(params), kParams);  // rejects every member
}

// ---- status -------------------------------------------------------------------------

nlohmann::json to_json(const StatusResult& r) {
  nlohmann::json j{
      {"version", r.version},
      {"protocol_version", r.protocol_version},
      {"pid", r.pid},
      {"uptime_s", r.uptime_s},
      {"backend", r.backend},
      {"connections",
       {{"dialing", r.connections.dialing},
        {"connected", r.connections.connected},
        {"hanging_up", r.connections.hanging_up},
        {"stuck", r.connections.stuck},
        {"total", r.connections.total}}},
      {"reaper_queue", r.reaper_queue},
      {"stopping", r.stopping},
  };
  if (!r.pins.empty()) j["pins"] = r.pins;
  return j;
}

StatusResult status_result_from_json(const nlohmann::json& j) {
  const ObjectReader r(j, kResult);
  StatusResult s;
  s.version = r.required_string("version");
  s.protocol_version = static_cast<int>(r.required_integer("protocol_version", 0, std::numeric_limits<int>::max()));
  s.pid = r.required_integer("pid", kI64Min, kI64Max);
  s.uptime_s = r.required_number("uptime_s");
  s.backend = r.required_string("backend");
  const auto counts = r.object("connections");
  if (!counts) r.fail_member("connections", "is required");
  s.connections.dialing = u32(counts->required_integer("dialing", 0, kU32Max));
  s.connections.connected = u32(counts->required_integer("connected", 0, kU32Max));
  s.connections.hanging_up = u32(counts->required_integer("hanging_up", 0, kU32Max));
  s.connections.stuck = u32(counts->required_integer("stuck", 0, kU32Max));
  s.connections.total = u32(counts->required_integer("total", 0, kU32Max));
  s.reaper_queue = u32(r.required_integer("reaper_queue", 0, kU32Max));
  s.stopping = r.required_boolean("stopping");
  if (r.has("pins")) s.pins = read_pins(j);
  return s;
}

// ---- dial ---------------------------------------------------------------------------

DialParams parse_dial_params(const nlohmann::json& params) {
  const ObjectReader r(detail::params_object(params), kParams,
                       {}, {"entry", "phonebook", "username", "password", "domain", "wait", "timeout_ms", "redial", "keep"});
  DialParams p;
  p.entry = r.required_string("entry", kEntryRule);
  if (const auto problem = entry_name_problem(p.entry); !problem.empty()) r.fail_member("entry", problem);
  p.phonebook = r.string("phonebook", kPhonebookRule);
  p.username = r.string("username", kNameRule);
  if (const std::string* password = r.string_ref("password", kNameRule)) {
    // Reserve past the small-string buffer so the bytes live only in one heap block
    // that moves into the Secret (no stray short-string copies on the stack).
    std::string value;
    value.reserve(std::max<std::size_t>(password->size(), 32));
    value.assign(*password);
    p.password = Secret(std::move(value));
  }
  p.domain = r.string("domain", kNameRule);
  if (const auto wait = r.string("wait")) {
    if (*wait == "accepted") p.wait = DialWait::accepted;
    else if (*wait == "connected") p.wait = DialWait::connected;
    else r.fail_member("wait", R"(must be "accepted" or "connected")");
  }
  if (const auto t = r.integer("timeout_ms", 1, kMaxTimeoutMs)) p.timeout_ms = u32(*t);
  if (const auto redial = r.object("redial", {"attempts", "backoff_ms"})) {
    RedialPolicy policy;
    if (const auto a = redial->integer("attempts", 0, 100)) policy.attempts = u32(*a);
    if (const auto b = redial->integer("backoff_ms", 100, 3'600'000)) policy.backoff_ms = u32(*b);
    p.redial = policy;
  }
  p.keep = r.boolean("keep").value_or(false);
  if (p.keep) {
    // A pin dials again and again with what it keeps: never a password (a pin never holds one).
    for (const char* member : {"password", "username", "domain", "redial"})
      if (r.has(member))
        r.fail_member(member, "cannot be given with \"keep\": a pinned entry is dialled with the credentials saved "
                              "for it, and backs off by its own schedule (pin's \"backoff\")");
  }
  return p;
}

nlohmann::json to_json(const DialParams& p) {
  nlohmann::json j = {{"entry", p.entry}};
  if (p.phonebook) j["phonebook"] = *p.phonebook;
  if (p.username) j["username"] = *p.username;
  if (!p.password.empty()) j["password"] = p.password.reveal();
  if (p.domain) j["domain"] = *p.domain;
  j["wait"] = p.wait == DialWait::connected ? "connected" : "accepted";
  if (p.timeout_ms) j["timeout_ms"] = *p.timeout_ms;
  if (p.redial) j["redial"] = {{"attempts", p.redial->attempts}, {"backoff_ms", p.redial->backoff_ms}};
  if (p.keep) j["keep"] = true;
  return j;
}

// ---- hangup -------------------------------------------------------------------------

HangupParams parse_hangup_params(const nlohmann::json& params) {
  const ObjectReader r(detail::params_object(params), kParams, {}, {"id", "entry", "all", "wait", "timeout_ms"});
  HangupParams p;
  p.target = read_selector(r, true);
  if (const auto wait = r.string("wait")) {
    if (*wait == "issued") p.wait = HangupWait::issued;
    else if (*wait == "gone") p.wait = HangupWait::gone;
    else r.fail_member("wait", R"(must be "issued" or "gone")");
  }
  // Meaningful only with wait "gone"; accepted (and ignored by the service) with "issued".
  if (const auto t = r.integer("timeout_ms", 1, kMaxTimeoutMs)) p.timeout_ms = u32(*t);
  return p;
}

nlohmann::json to_json(const HangupParams& p) {
  nlohmann::json j = selector_json(p.target);
  j["wait"] = p.wait == HangupWait::gone ? "gone" : "issued";
  if (p.timeout_ms) j["timeout_ms"] = *p.timeout_ms;
  return j;
}

// ---- list ---------------------------------------------------------------------------

nlohmann::json to_json(const ConnectionList& r) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& c : r.connections) list.push_back(c);
  nlohmann::json j{{"connections", std::move(list)}};
  if (!r.pins.empty()) j["pins"] = r.pins;
  return j;
}

ConnectionList connection_list_from_json(const nlohmann::json& j) {
  auto read = [](const nlohmann::json& e, const std::string& path) { return detail::read_connection(e, kResult, path); };
  ConnectionList out{read_result_array<Connection>(j, "connections", read), {}};
  if (j.is_object() && j.contains("pins") && !j.at("pins").is_null()) out.pins = read_pins(j);
  return out;
}

// ---- get ----------------------------------------------------------------------------

Selector parse_get_params(const nlohmann::json& params) {
  const ObjectReader r(detail::params_object(params), kParams, {}, {"id", "entry"});
  return read_selector(r, false);
}

nlohmann::json to_json(const Selector& s) { return selector_json(s); }

Connection connection_from_json(const nlohmann::json& j) {
  return detail::read_connection(j, kResult, "");
}

// ---- entries ------------------------------------------------------------------------

EntriesParams parse_entries_params(const nlohmann::json& params) {
  const ObjectReader r(detail::params_object(params), kParams, {}, {"phonebook"});
  return EntriesParams{r.string("phonebook", kPhonebookRule)};
}

nlohmann::json to_json(const EntriesParams& p) {
  nlohmann::json j = nlohmann::json::object();
  if (p.phonebook) j["phonebook"] = *p.phonebook;
  return j;
}

nlohmann::json to_json(const EntriesResult& r) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& e : r.entries) list.push_back({{"name", e.name}, {"phonebook", e.phonebook}});
  return nlohmann::json{{"entries", std::move(list)}};
}

EntriesResult entries_result_from_json(const nlohmann::json& j) {
  auto read = [](const nlohmann::json& e, const std::string& path) {
    const ObjectReader r(e, kResult, path + ".");
    return EntryInfo{r.required_string("name"), r.required_string("phonebook")};
  };
  return EntriesResult{read_result_array<EntryInfo>(j, "entries", read)};
}

// ---- subscribe ----------------------------------------------------------------------

nlohmann::json make_connection_changed(const Connection& c) {
  return make_notification(method::connection_changed, nlohmann::json{{"connection", c}});
}

}  // namespace rasbroker::protocol
