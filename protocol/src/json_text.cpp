#include "rasbroker/protocol/json_text.hpp"

#include <charconv>
#include <cstdint>

namespace rasbroker::protocol {

namespace {

// Compact, UTF-8 out, invalid UTF-8 replaced: encode_line()'s options.
std::string dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

template <typename Int>
void append_int(std::string& out, Int v) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

void append_bool(std::string& out, bool b) { out += b ? "true" : "false"; }

void append_time(std::string& out, const std::optional<TimePoint>& t) {
  if (t) append_json_string(out, format_rfc3339(*t));
  else out += "null";
}

// `"key":` — keys are ours, plain ASCII. Every object below lists its keys in nlohmann's
// order (std::map: sorted bytewise), not in to_json()'s.
void key(std::string& out, std::string_view k, bool first = false) {
  if (!first) out += ',';
  out += '"';
  out += k;
  out += "\":";
}

void append_error(std::string& out, const ConnectionError& e) {
  out += '{';
  if (e.extended_error != 0) {  // present only when RAS gave one (detail::error_json)
    key(out, "extended_error", true);
    append_int(out, e.extended_error);
    key(out, "message");
  } else {
    key(out, "message", true);
  }
  append_json_string(out, e.message);
  key(out, "ras_error");
  append_int(out, e.ras_error);
  out += '}';
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  for (const char ch : s) {
    const auto u = static_cast<unsigned char>(ch);
    if (u < 0x20 || u >= 0x80 || ch == '"' || ch == '\\') {
      out += dump(nlohmann::json(std::string(s)));
      return;
    }
  }
  out += '"';
  out += s;
  out += '"';
}

void append_json(std::string& out, const Connection& c) {
  key(out += '{', "adopted", true);
  append_bool(out, c.adopted);
  key(out, "connected_at");
  append_time(out, c.connected_at);
  key(out, "dialed_at");
  append_time(out, c.dialed_at);
  key(out, "entry");
  append_json_string(out, c.entry);
  key(out, "error");
  if (c.error) append_error(out, *c.error);
  else out += "null";
  key(out, "hangup_at");
  append_time(out, c.hangup_at);
  key(out, "id");
  append_json_string(out, c.id);
  key(out, "owner");
  if (c.owner) {
    key(out += '{', "pid", true);
    append_int(out, c.owner->pid);
    key(out, "user");
    append_json_string(out, c.owner->user);
    out += '}';
  } else {
    out += "null";
  }
  key(out, "phonebook");
  append_json_string(out, c.phonebook);
  if (c.pinned) {
    key(out, "pinned");
    out += "true";
  }
  key(out, "ras_state");
  append_json_string(out, c.ras_state);
  key(out, "reason");
  if (c.reason) append_json_string(out, to_string(*c.reason));
  else out += "null";
  key(out, "state");
  append_json_string(out, to_string(c.state));
  key(out, "stuck");
  append_bool(out, c.stuck);
  out += '}';
}

RawJson to_raw_json(const ConnectionList& r) {
  RawJson raw;
  // ~400 bytes a connection with timestamps: one allocation, not a dozen regrowths.
  raw.text.reserve(32 + r.connections.size() * 400);
  key(raw.text += '{', "connections", true);
  raw.text += '[';
  for (std::size_t i = 0; i < r.connections.size(); ++i) {
    if (i) raw.text += ',';
    append_json(raw.text, r.connections[i]);
  }
  raw.text += ']';
  if (!r.pins.empty()) {  // a few at most: the json path is cheap enough
    key(raw.text, "pins");
    raw.text += dump(nlohmann::json(r.pins));
  }
  raw.text += '}';
  return raw;
}

}  // namespace rasbroker::protocol
