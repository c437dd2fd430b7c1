// Pinned entries on the wire (pins.hpp): the Pin's JSON form, the pin/unpin params and
// results, and the one sentence every client shows for a pin.
#include "rasbroker/protocol/pins.hpp"

#include <chrono>
#include <cmath>

#include "params_reader.hpp"
#include "rasbroker/protocol/entry_name.hpp"

namespace rasbroker::protocol {

using detail::kParams;
using detail::kResult;
using detail::ObjectReader;
using detail::StringRule;

namespace {

constexpr StringRule kPinEntryRule{256, false};
constexpr StringRule kPinPhonebookRule{260, true};

PinBackoff read_pin_backoff(const ObjectReader& b) {
  PinBackoff backoff;
  if (const auto i = b.integer("initial_ms", kPinBackoffMinMs, kPinBackoffInitialMaxMs))
    backoff.initial_ms = static_cast<std::uint32_t>(*i);
  if (const auto m = b.integer("max_ms", kPinBackoffMinMs, kPinBackoffMaxMs))
    backoff.max_ms = static_cast<std::uint32_t>(*m);
  if (backoff.max_ms < backoff.initial_ms) b.fail_member("max_ms", "must not be smaller than initial_ms");
  return backoff;
}

std::string pin_entry_of(const ObjectReader& r) {
  std::string entry = r.required_string("entry", kPinEntryRule);
  if (const auto problem = entry_name_problem(entry); !problem.empty()) r.fail_member("entry", problem);
  return entry;
}

}  // namespace

std::string_view to_string(PinSource s) { return s == PinSource::config ? "config" : "runtime"; }

std::string_view to_string(PinState s) {
  switch (s) {
    case PinState::up: return "up";
    case PinState::dialing: return "dialing";
    case PinState::waiting: return "waiting";
    case PinState::stopped: return "stopped";
  }
  return "unknown";
}

void to_json(nlohmann::json& j, const Pin& p) {
  j = nlohmann::json{
      {"entry", p.entry},
      {"phonebook", p.phonebook},
      {"source", to_string(p.source)},
      {"state", to_string(p.state)},
      {"failures", p.failures},
      {"last_error", p.last_error ? detail::error_json(*p.last_error) : nlohmann::json()},
      {"next_attempt_at", detail::time_member_json(p.next_attempt_at)},
      {"stopped_reason", p.stopped_reason ? nlohmann::json(*p.stopped_reason) : nlohmann::json()},
      {"connection", p.connection ? nlohmann::json(*p.connection) : nlohmann::json()},
      {"backoff", {{"initial_ms", p.backoff.initial_ms}, {"max_ms", p.backoff.max_ms}}},
  };
}

Pin pin_from_json(const nlohmann::json& j) {
  detail::require_object(j, kResult, "pin");
  const ObjectReader r(j, kResult, "pin.");
  Pin p;
  p.entry = r.required_string("entry", {0, false});
  p.phonebook = r.required_string("phonebook");
  const auto source = r.required_string("source");
  if (source == "config") p.source = PinSource::config;
  else if (source == "runtime") p.source = PinSource::runtime;
  else r.fail_member("source", R"(must be "config" or "runtime")");
  const auto state = r.required_string("state");
  bool known = false;
  for (auto s : {PinState::up, PinState::dialing, PinState::waiting, PinState::stopped})
    if (to_string(s) == state) p.state = s, known = true;
  if (!known) r.fail_member("state", R"(must be one of "up", "dialing", "waiting", "stopped")");
  p.failures = static_cast<std::uint32_t>(r.required_integer("failures", 0, 0xFFFFFFFF));
  if (const auto e = r.object("last_error")) p.last_error = detail::read_connection_error(*e);
  p.next_attempt_at = detail::read_time_member(r, "next_attempt_at");
  p.stopped_reason = r.string("stopped_reason");
  p.connection = r.string("connection");
  if (const auto b = r.object("backoff")) p.backoff = read_pin_backoff(*b);
  return p;
}

PinParams parse_pin_params(const nlohmann::json& params) {
  const ObjectReader r(detail::params_object(params), kParams, {}, {"entry", "phonebook", "backoff"});
  PinParams p;
  p.entry = pin_entry_of(r);
  p.phonebook = r.string("phonebook", kPinPhonebookRule);
  if (const auto b = r.object("backoff", {"initial_ms", "max_ms"})) p.backoff = read_pin_backoff(*b);
  return p;
}

nlohmann::json to_json(const PinParams& p) {
  nlohmann::json j{{"entry", p.entry}};
  if (p.phonebook) j["phonebook"] = *p.phonebook;
  if (p.backoff) j["backoff"] = {{"initial_ms", p.backoff->initial_ms}, {"max_ms", p.backoff->max_ms}};
  return j;
}

UnpinParams parse_unpin_params(const nlohmann::json& params) {
  const ObjectReader r(detail::params_object(params), kParams, {}, {"entry"});
  return UnpinParams{pin_entry_of(r)};
}

nlohmann::json to_json(const UnpinParams& p) { return nlohmann::json{{"entry", p.entry}}; }

nlohmann::json to_json(const UnpinResult& r) {
  return nlohmann::json{{"entry", r.entry}, {"pin", r.pin ? nlohmann::json(*r.pin) : nlohmann::json()}};
}

UnpinResult unpin_result_from_json(const nlohmann::json& j) {
  const ObjectReader r(j, kResult);
  UnpinResult out;
  out.entry = r.required_string("entry");
  if (j.is_object() && j.contains("pin") && !j.at("pin").is_null()) out.pin = pin_from_json(j.at("pin"));
  return out;
}

std::string describe(const Pin& p, TimePoint now) {
  const auto failure = [&p] {
    if (!p.last_error) return std::string();
    return " after " + std::to_string(p.last_error->ras_error) + ": " + p.last_error->message;
  };
  switch (p.state) {
    case PinState::up: return "up";
    case PinState::dialing: return p.failures ? "dialing again" + failure() : "dialing";
    case PinState::stopped:
      return "stopped" + failure() + " (" + p.stopped_reason.value_or("not dialled again") + ")";
    case PinState::waiting: break;
  }
  if (!p.next_attempt_at) return "waiting for its old connection to tear down" + failure();
  const auto left = std::chrono::duration<double>(*p.next_attempt_at - now).count();
  const long seconds = left <= 0 ? 0 : static_cast<long>(std::ceil(left));
  return "retrying in " + std::to_string(seconds) + " s" + failure();
}

}  // namespace rasbroker::protocol
