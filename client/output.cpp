#include "output.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

namespace rasbroker::client {

using protocol::Connection;
using protocol::ConnectionState;

std::size_t display_width(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

namespace {

std::string pad(const std::string& s, std::size_t width) {
  const std::size_t w = display_width(s);
  return w >= width ? s : s + std::string(width - w, ' ');
}

std::string time_or_dash(const std::optional<protocol::TimePoint>& t) {
  return t ? protocol::format_rfc3339(*t) : "-";
}

std::string yes_no(bool b) { return b ? "yes" : "no"; }

}  // namespace

std::string format_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths(header.size(), 0);
  for (std::size_t i = 0; i < header.size(); ++i) widths[i] = display_width(header[i]);
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], display_width(row[i]));
    }
  }
  std::string out;
  auto emit = [&](const std::vector<std::string>& row) {
    std::string line;
    for (std::size_t i = 0; i < widths.size(); ++i) {
      const std::string cell = i < row.size() ? row[i] : std::string();
      line += i + 1 < widths.size() ? pad(cell, widths[i]) + "  " : cell;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  };
  emit(header);
  for (const auto& row : rows) emit(row);
  return out;
}

std::string format_key_values(const std::vector<std::pair<std::string, std::string>>& rows) {
  std::size_t width = 0;
  for (const auto& [key, value] : rows) width = std::max(width, display_width(key) + 1);
  std::string out;
  for (const auto& [key, value] : rows) out += pad(key + ":", width) + "  " + value + "\n";
  return out;
}

std::string state_label(const Connection& c) {
  std::string s(protocol::to_string(c.state));
  if (c.stuck) s += " (stuck)";
  return s;
}

std::string owner_label(const Connection& c) {
  // An adopted connection's owner is who dialled it, when RAS can tell: a user, no process.
  if (c.adopted) return c.owner && !c.owner->user.empty() ? "adopted (" + c.owner->user + ")" : "adopted";
  if (!c.owner) return "-";
  return std::to_string(c.owner->pid) + "/" + (c.owner->user.empty() ? "?" : c.owner->user);
}

std::string since_label(const Connection& c) {
  std::optional<protocol::TimePoint> t;
  switch (c.state) {
    case ConnectionState::dialing: t = c.dialed_at; break;
    case ConnectionState::connected: t = c.connected_at ? c.connected_at : c.dialed_at; break;
    case ConnectionState::hanging_up:
    case ConnectionState::gone: t = c.hangup_at; break;
  }
  if (!t) t = c.hangup_at ? c.hangup_at : (c.connected_at ? c.connected_at : c.dialed_at);
  return time_or_dash(t);
}

std::string error_label(const protocol::ConnectionError& e) {
  const std::string extended = e.extended_error ? " (extended error " + std::to_string(e.extended_error) + ")" : "";
  return std::to_string(e.ras_error) + (e.message.empty() ? "" : ": " + e.message) + extended;
}

std::string format_connection_table(const std::vector<Connection>& connections) {
  if (connections.empty()) return "No connections.\n";
  std::vector<std::vector<std::string>> rows;
  rows.reserve(connections.size());
  for (const auto& c : connections) {
    rows.push_back({c.id, c.entry, state_label(c), c.ras_state.empty() ? "-" : c.ras_state, owner_label(c),
                    since_label(c)});
  }
  return format_table({"ID", "ENTRY", "STATE", "RAS STATE", "OWNER", "SINCE"}, rows);
}

std::string format_pins(const std::vector<protocol::Pin>& pins, protocol::TimePoint now) {
  if (pins.empty()) return "";
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : pins)
    rows.push_back({p.entry, std::string(protocol::to_string(p.source)), p.connection.value_or("-"), protocol::describe(p, now)});
  return "\nPinned entries (kept connected by the service):\n" + format_table({"ENTRY", "PINNED BY", "ID", "STATE"}, rows);
}

std::string format_connection_details(const Connection& c) {
  std::vector<std::pair<std::string, std::string>> rows{
      {"id", c.id},
      {"entry", c.entry},
      {"phonebook", c.phonebook.empty() ? "(system)" : c.phonebook},
      {"state", state_label(c)},
      {"ras state", c.ras_state.empty() ? "-" : c.ras_state},
      {"owner", owner_label(c)},
      {"reason", c.reason ? std::string(protocol::to_string(*c.reason)) : "-"},
      {"error", c.error ? error_label(*c.error) : "-"},
      {"stuck", yes_no(c.stuck)},
      {"dialed at", time_or_dash(c.dialed_at)},
      {"connected at", time_or_dash(c.connected_at)},
      {"hangup at", time_or_dash(c.hangup_at)},
  };
  // Only a pinned entry's connection says so (list's pins say how the pin is doing).
  if (c.pinned) rows.push_back({"pinned", "yes: the service keeps it connected"});
  return format_key_values(rows);
}

bool is_system_phonebook(std::string_view path) {
  if (path.empty()) return true;
  constexpr std::string_view tail = "\\microsoft\\network\\connections\\pbk\\rasphone.pbk";
  if (path.size() < tail.size()) return false;
  const std::string_view end = path.substr(path.size() - tail.size());
  return std::equal(end.begin(), end.end(), tail.begin(), [](char a, char b) {
    const char la = a == '/' ? '\\' : static_cast<char>(std::tolower(static_cast<unsigned char>(a)));
    return la == b;
  });
}

std::string format_entries(const protocol::EntriesResult& result) {
  if (result.entries.empty()) return "No entries.\n";
  std::size_t width = 0;
  for (const auto& e : result.entries) width = std::max(width, display_width(e.name));
  std::string out;
  for (const auto& e : result.entries) {
    if (is_system_phonebook(e.phonebook)) {
      out += e.name + "\n";
    } else {
      out += pad(e.name, width) + "  (phonebook " + e.phonebook + ")\n";
    }
  }
  return out;
}

std::string format_duration(double seconds) {
  if (!(seconds >= 0)) seconds = 0;  // also NaN
  auto total = static_cast<long long>(std::floor(seconds));
  const long long days = total / 86400;
  total %= 86400;
  const long long h = total / 3600, m = (total % 3600) / 60, s = total % 60;
  char buffer[64];
  if (days > 0) {
    std::snprintf(buffer, sizeof(buffer), "%lldd %02lldh %02lldm %02llds", days, h, m, s);
  } else if (h > 0) {
    std::snprintf(buffer, sizeof(buffer), "%lldh %02lldm %02llds", h, m, s);
  } else if (m > 0) {
    std::snprintf(buffer, sizeof(buffer), "%lldm %02llds", m, s);
  } else {
    std::snprintf(buffer, sizeof(buffer), "%llds", s);
  }
  return buffer;
}

std::string format_status(const protocol::StatusResult& s, const std::string& endpoint) {
  const auto& n = s.connections;
  return format_key_values({
      {"service", "rasbroker " + s.version + " (protocol " + std::to_string(s.protocol_version) + ")"},
      {"endpoint", endpoint},
      {"pid", std::to_string(s.pid)},
      {"uptime", format_duration(s.uptime_s)},
      {"backend", s.backend},
      {"connections", std::to_string(n.total) + " (dialing " + std::to_string(n.dialing) + ", connected " +
                          std::to_string(n.connected) + ", hanging up " + std::to_string(n.hanging_up) + ", stuck " +
                          std::to_string(n.stuck) + ")"},
      {"reaper queue", std::to_string(s.reaper_queue)},
      {"stopping", yes_no(s.stopping)},
  }) + format_pins(s.pins, std::chrono::system_clock::now());
}

std::string format_event_line(const Connection& c, std::string_view timestamp) {
  std::string line(timestamp);
  line += "  " + c.id + "  \"" + c.entry + "\"  " + state_label(c) + "  " + (c.ras_state.empty() ? "-" : c.ras_state);
  if (c.reason) line += "  reason=" + std::string(protocol::to_string(*c.reason));
  if (c.error) line += "  error=" + error_label(*c.error);
  return line + "\n";
}

std::string format_rasdial_list(const std::vector<Connection>& connections) {
  std::string names;
  for (const auto& c : connections) {
    if (c.state == ConnectionState::dialing || c.state == ConnectionState::connected) names += c.entry + "\n";
  }
  if (names.empty()) return "No connections\nCommand completed successfully.\n";
  return "Connected to\n" + names + "Command completed successfully.\n";
}

std::string error_message(const protocol::RpcError& error) {
  if (error.code() == protocol::ErrorCode::ras_failure) {
    const auto& d = error.data();
    if (d.is_object() && d.contains("ras_error") && d["ras_error"].is_number_integer()) {
      std::string text = "RAS error " + std::to_string(d["ras_error"].get<long long>());
      if (d.contains("ras_message") && d["ras_message"].is_string() &&
          !d["ras_message"].get_ref<const std::string&>().empty()) {
        text += ": " + d["ras_message"].get<std::string>();
      } else if (error.what()[0] != '\0') {
        text += ": " + std::string(error.what());
      }
      // What to do about it, when the service knows (a dial without a password, EAP).
      if (d.contains("advice") && d["advice"].is_string() && !d["advice"].get_ref<const std::string&>().empty()) {
        text += "\n" + d["advice"].get<std::string>();
      }
      return text;
    }
  }
  return error.what();
}

nlohmann::json error_document(const nlohmann::json& code, std::string_view name, const std::string& message,
                              const nlohmann::json& data) {
  return {{"error", {{"code", code}, {"name", name}, {"message", message}, {"data", data}}}};
}

nlohmann::json error_document(const protocol::RpcError& error) {
  return error_document(static_cast<int>(error.code()), protocol::error_code_name(error.code()), error.what(),
                        error.data());
}

std::string dump_line(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace rasbroker::client
