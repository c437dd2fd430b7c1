#include "config/service_config.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "rasbroker/protocol/entry_name.hpp"

namespace rasbroker::config {
namespace {

using nlohmann::json;

// Walks one JSON object, dispatching each key to its reader; unknown keys are errors.
class ObjectReader {
 public:
  ObjectReader(const json& j, std::string where, std::string path) : j_(j), where_(std::move(where)), path_(std::move(path)) {
    if (!j_.is_object()) fail("", "must be an object");
  }
  [[noreturn]] void fail(const std::string& key, const std::string& problem) const {
    std::string name = path_.empty() ? key : (key.empty() ? path_ : path_ + "." + key);
    throw ConfigError(where_ + ": " + (name.empty() ? "" : "\"" + name + "\" ") + problem);
  }
  void read(const std::map<std::string, std::function<void(const json&, const std::string&)>>& readers) const {
    for (auto& [key, value] : j_.items()) {
      auto it = readers.find(key);
      if (it == readers.end()) fail(key, "is not a known key");
      it->second(value, key);
    }
  }
  std::string child(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  const std::string& where() const { return where_; }

 private:
  const json& j_;
  std::string where_, path_;
};

std::uint32_t read_uint(const ObjectReader& o, const json& v, const std::string& key, std::uint32_t lo, std::uint32_t hi) {
  if (!v.is_number_integer() || v.get<std::int64_t>() < lo || v.get<std::int64_t>() > hi)
    o.fail(key, "must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
  return v.get<std::uint32_t>();
}

std::chrono::milliseconds read_ms(const ObjectReader& o, const json& v, const std::string& key, std::uint32_t lo,
                                  std::uint32_t hi) {
  return std::chrono::milliseconds(read_uint(o, v, key, lo, hi));
}

std::string read_string(const ObjectReader& o, const json& v, const std::string& key, bool allow_empty) {
  if (!v.is_string()) o.fail(key, "must be a string");
  auto s = v.get<std::string>();
  if (!allow_empty && s.empty()) o.fail(key, "must not be empty");
  if (s.find('\0') != std::string::npos) o.fail(key, "must not contain NUL characters");
  return s;
}

std::string element(const std::string& key, std::size_t i) { return key + "[" + std::to_string(i) + "]"; }

std::vector<std::string> read_strings(const ObjectReader& o, const json& v, const std::string& key) {
  if (!v.is_array()) o.fail(key, "must be an array of strings");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v.size(); ++i) out.push_back(read_string(o, v[i], element(key, i), false));
  return out;
}

// A name RAS would refuse (RasValidateEntryName) can never be dialled: in the
// configuration it is a mistake, reported with its key.
void check_entry_name(const ObjectReader& o, const std::string& name, const std::string& key) {
  if (const auto problem = protocol::entry_name_problem(name); !problem.empty()) o.fail(key, problem);
}

// Either form of the allow-list: ["Office VPN", ...] (every admitted user may dial each), or
// {"Office VPN": ["CORP\\vpn-users", ...], "Branch VPN": "anyone"} (only members of the
// groups named, or every admitted user). Administrators may dial every listed entry.
void read_allowed_entries(const ObjectReader& o, const json& v, const std::string& key, authz::Rules& rules) {
  rules.entries.clear();
  if (v.is_array()) {
    const auto list = read_strings(o, v, key);
    for (std::size_t i = 0; i < list.size(); ++i) check_entry_name(o, list[i], element(key, i));
    // One entry listed in two spellings is harmless here: the map compares as RAS does.
    for (const auto& name : list) rules.entries.emplace(name, std::vector<std::string>{});
    return;
  }
  if (!v.is_object())
    o.fail(key, "must be an array of strings (entry names), or an object mapping entry names to \"anyone\" or to an array "
                "of group names");
  for (auto& [entry, who] : v.items()) {
    const std::string name = o.child(key) + "." + entry;
    check_entry_name(o, entry, name);
    // Two rules for one entry would leave it to chance which applies.
    if (auto same = rules.entries.find(entry); same != rules.entries.end())
      o.fail(name, "names the same entry as \"" + same->first + "\" (RAS ignores case in entry names)");
    std::vector<std::string> groups;
    if (who.is_string()) {
      if (who.get<std::string>() != "anyone")
        o.fail(name, "must be \"anyone\" or an array of group names (a single group is written [\"GROUP\"])");
    } else {
      groups = read_strings(o, who, name);
      // An empty list would read as "nobody" to some and "everybody" to others.
      if (groups.empty()) o.fail(name, "must name at least one group; write \"anyone\" to let every admitted user dial it");
    }
    rules.entries.emplace(entry, std::move(groups));
  }
}

authz::HangupRight read_hangup_right(const ObjectReader& o, const json& v, const std::string& key) {
  const auto s = read_string(o, v, key, false);
  if (s == "admins") return authz::HangupRight::admins;
  if (s == "anyone") return authz::HangupRight::anyone;
  o.fail(key, "must be \"admins\" or \"anyone\"");
}

void read_authorization(const ObjectReader& top, const json& v, const std::string& key, authz::Rules& rules) {
  ObjectReader a(v, top.where(), top.child(key));
  a.read({
      {"list",
       [&](const json& x, const std::string& k) {
         const auto s = read_string(a, x, k, false);
         if (s == "all") rules.list = authz::ListScope::all;
         else if (s == "own") rules.list = authz::ListScope::own;
         else a.fail(k, "must be \"all\" or \"own\"");
       }},
      {"show_other_owners",
       [&](const json& x, const std::string& k) {
         if (!x.is_boolean()) a.fail(k, "must be true or false");
         rules.show_other_owners = x.get<bool>();
       }},
      {"hangup_others", [&](const json& x, const std::string& k) { rules.hangup_others = read_hangup_right(a, x, k); }},
      {"hangup_adopted", [&](const json& x, const std::string& k) { rules.hangup_adopted = read_hangup_right(a, x, k); }},
  });
}

constexpr std::uint32_t kDay = 86'400'000;

// keep_connected: [{"entry": name, "phonebook": path?, "backoff": {"initial_ms"?, "max_ms"?}?}, ...]
// (docs/operations.md, "Always-on entries"). No credentials: a pin dials with the saved ones.
void read_keep_connected(const ObjectReader& top, const json& v, const std::string& key, broker::BrokerConfig& b) {
  if (!v.is_array()) top.fail(key, "must be an array of {\"entry\", \"phonebook\", \"backoff\"} objects");
  b.keep_connected.clear();
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string at = element(top.child(key), i);
    ObjectReader o(v[i], top.where(), at);
    broker::KeepConnected k;
    bool named = false;
    o.read({
        {"entry",
         [&](const json& x, const std::string& kk) {
           k.entry = read_string(o, x, kk, false);
           check_entry_name(o, k.entry, kk);
           named = true;
         }},
        {"phonebook", [&](const json& x, const std::string& kk) { k.phonebook = read_string(o, x, kk, false); }},
        {"backoff",
         [&](const json& x, const std::string& kk) {
           ObjectReader bo(x, top.where(), o.child(kk));
           bo.read({
               {"initial_ms",
                [&](const json& y, const std::string& k3) {
                  k.backoff.initial_ms = read_uint(bo, y, k3, protocol::kPinBackoffMinMs, protocol::kPinBackoffInitialMaxMs);
                }},
               {"max_ms",
                [&](const json& y, const std::string& k3) {
                  k.backoff.max_ms = read_uint(bo, y, k3, protocol::kPinBackoffMinMs, protocol::kPinBackoffMaxMs);
                }},
           });
           if (k.backoff.max_ms < k.backoff.initial_ms) bo.fail("max_ms", "must not be smaller than initial_ms");
         }},
    });
    if (!named) o.fail("entry", "is required");
    // One connection per entry: two pins of one entry would fight over it.
    for (const auto& earlier : b.keep_connected)
      if (protocol::same_entry(earlier.entry, k.entry))
        o.fail("entry", "names the same entry as \"" + earlier.entry + "\" (RAS ignores case in entry names)");
    b.keep_connected.push_back(std::move(k));
  }
}

bool is_absolute_windows_path(const std::string& p) {
  const bool drive = p.size() >= 3 && std::isalpha(static_cast<unsigned char>(p[0])) && p[1] == ':' &&
                     (p[2] == '\\' || p[2] == '/');
  const bool unc = p.size() >= 3 && p[0] == '\\' && p[1] == '\\' && p[2] != '\\';
  return drive || unc;
}

}  // namespace

ServiceConfig parse_service_config(const json& j, const std::string& where) {
  ServiceConfig c;
  auto& b = c.broker;
  ObjectReader top(j, where, "");
  top.read({
      {"pipe_name",
       [&](const json& v, const std::string& k) {
         c.pipe_name = read_string(top, v, k, false);
         if (c.pipe_name.size() > 200 || c.pipe_name.find_first_of("\\/") != std::string::npos)
           top.fail(k, "must be a plain pipe name of at most 200 characters, without \\ or /");
       }},
      {"allowed_groups", [&](const json& v, const std::string& k) { c.allowed_groups = read_strings(top, v, k); }},
      {"data_dir",
       [&](const json& v, const std::string& k) {
         // Only the Linux dev host reads it (the Windows service refuses it): a relative path
         // would depend on the folder rasbrokerd was started from.
         c.data_dir = read_string(top, v, k, false);
         if (c.data_dir.front() != '/') top.fail(k, "must be an absolute path (/...)");
       }},
      {"max_clients", [&](const json& v, const std::string& k) { c.max_clients = read_uint(top, v, k, 1, 1000); }},
      // Client identity and its limits.
      {"max_clients_per_user",
       [&](const json& v, const std::string& k) { c.max_clients_per_user = read_uint(top, v, k, 1, 1000); }},
      {"socket_group", [&](const json& v, const std::string& k) { c.socket_group = read_string(top, v, k, false); }},
      {"phonebooks", [&](const json& v, const std::string& k) { c.broker.phonebooks = read_strings(top, v, k); }},
      {"allowed_entries", [&](const json& v, const std::string& k) { read_allowed_entries(top, v, k, b.authorization); }},
      {"authorization", [&](const json& v, const std::string& k) { read_authorization(top, v, k, b.authorization); }},
      {"teardown_timeout_ms", [&](const json& v, const std::string& k) { b.teardown_timeout = read_ms(top, v, k, 1000, kDay); }},
      {"link_poll_ms", [&](const json& v, const std::string& k) { b.link_poll = read_ms(top, v, k, 100, 3'600'000); }},
      {"stop_timeout_ms", [&](const json& v, const std::string& k) { b.stop_timeout = read_ms(top, v, k, 0, 600'000); }},
      {"on_stop",
       [&](const json& v, const std::string& k) {
         auto s = read_string(top, v, k, false);
         if (s == "hangup") b.on_stop = broker::OnStop::hangup;
         else if (s == "leave") b.on_stop = broker::OnStop::leave;
         else top.fail(k, "must be \"hangup\" or \"leave\"");
       }},
      {"reaper",
       [&](const json& v, const std::string& k) {
         ObjectReader r(v, where, top.child(k));
         r.read({
             {"initial_ms", [&](const json& x, const std::string& kk) { b.reaper_initial = read_ms(r, x, kk, 1, 60'000); }},
             {"max_ms", [&](const json& x, const std::string& kk) { b.reaper_max = read_ms(r, x, kk, 1, 600'000); }},
             {"stuck_poll_ms", [&](const json& x, const std::string& kk) { b.stuck_poll = read_ms(r, x, kk, 100, 3'600'000); }},
         });
         if (b.reaper_max < b.reaper_initial) r.fail("max_ms", "must not be smaller than initial_ms");
       }},
      {"redial",
       [&](const json& v, const std::string& k) {
         if (!v.is_object()) top.fail(k, "must be an object mapping entry names to {attempts, backoff_ms}");
         for (auto& [entry, policy] : v.items()) {
           const std::string key = top.child(k) + "." + entry;
           check_entry_name(top, entry, key);
           // Two policies for one entry would leave it to chance which applies.
           if (auto same = b.redial.find(entry); same != b.redial.end())
             top.fail(key, "names the same entry as \"" + same->first + "\" (RAS ignores case in entry names)");
           ObjectReader p(policy, where, key);
           broker::RedialConfig rc;
           p.read({
               {"attempts", [&](const json& x, const std::string& kk) { rc.attempts = read_uint(p, x, kk, 0, 100); }},
               {"backoff_ms", [&](const json& x, const std::string& kk) { rc.backoff_ms = read_uint(p, x, kk, 100, 3'600'000); }},
           });
           b.redial[entry] = rc;
         }
       }},
      {"keep_connected", [&](const json& v, const std::string& k) { read_keep_connected(top, v, k, b); }},
      {"log",
       [&](const json& v, const std::string& k) {
         ObjectReader l(v, where, top.child(k));
         l.read({
             {"level",
              [&](const json& x, const std::string& kk) {
                c.log.level = read_string(l, x, kk, false);
                static const std::set<std::string> levels{"trace", "debug", "info", "warn", "error", "critical", "off"};
                if (!levels.contains(c.log.level)) l.fail(kk, "must be one of trace, debug, info, warn, error, critical, off");
              }},
             {"dir",
              [&](const json& x, const std::string& kk) {
                c.log.dir = read_string(l, x, kk, true);
                // The logging library opens files by narrow (ANSI) name; a relative path
                // would depend on the service's working folder (System32).
                if (!c.log.dir.empty() && !is_absolute_windows_path(c.log.dir))
                  l.fail(kk, "must be an absolute path (C:\\... or \\\\server\\share\\...)");
                if (std::any_of(c.log.dir.begin(), c.log.dir.end(), [](char ch) { return (ch & 0x80) != 0; }))
                  l.fail(kk, "must be ASCII only");
              }},
             {"max_size_mb", [&](const json& x, const std::string& kk) { c.log.max_size_mb = read_uint(l, x, kk, 1, 1024); }},
             {"max_files", [&](const json& x, const std::string& kk) { c.log.max_files = read_uint(l, x, kk, 1, 100); }},
         });
       }},
  });
  return c;
}

std::size_t clients_per_user_limit(const ServiceConfig& c) {
  if (c.max_clients_per_user != 0) return std::min(c.max_clients_per_user, c.max_clients);
  return std::max<std::uint32_t>(1, c.max_clients / 4);
}

ServiceConfig load_service_config(const std::string& path, bool missing_ok) {
  // Only "no such file" may mean defaults: a file that exists but cannot be read (access
  // denied, a folder, a path RAS admins typed wrong) is an error, never silent defaults.
  // The path is UTF-8; std::filesystem hands it to Windows as UTF-16.
  namespace fs = std::filesystem;
  const fs::path file(std::u8string(path.begin(), path.end()));
  std::error_code ec;
  const fs::file_status st = fs::status(file, ec);
  if (st.type() == fs::file_type::not_found) {
    if (missing_ok) return ServiceConfig{};
    throw ConfigError(path + ": does not exist");
  }
  if (ec) throw ConfigError(path + ": cannot be read (" + ec.message() + ")");
  if (fs::is_directory(st)) throw ConfigError(path + ": is a folder, not a file");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ConfigError(path + ": cannot be opened");
  std::stringstream text;
  text << in.rdbuf();
  return parse_service_config_text(text.str(), path);
}

ServiceConfig parse_service_config_text(std::string_view text, const std::string& where) {
  json j;
  try {
    j = json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {  // parse_error, or out_of_range for a number like 1e999
    throw ConfigError(where + ": is not valid JSON (" + e.what() + ")");
  }
  return parse_service_config(j, where);
}

}  // namespace rasbroker::config
