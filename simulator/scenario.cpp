// Scenario model: JSON parsing and validation (reference: docs/simulator.md).
#include "simulator/scenario.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "rasbroker/protocol/entry_name.hpp"
#include "core/ascii_case.hpp"
#include "simulator/scenario_json.hpp"

namespace rasbroker::sim {
namespace {

using nlohmann::json;
using namespace scenario_json;

constexpr std::size_t kMaxEntryName = 256;   // RAS_MaxEntryName
constexpr std::size_t kMaxDeviceType = 16;   // RAS_MaxDeviceType
constexpr std::size_t kMaxDeviceName = 128;  // RAS_MaxDeviceName
constexpr std::size_t kMaxAccount = 272;     // DNLEN + 1 + UNLEN: a DOMAIN\user name
constexpr std::uint64_t kMaxLinks = 16;      // our bound: enough for any test, keeps the walk short

// RASDT_* values of ras.h (compared case-insensitively).
constexpr std::array<std::string_view, 14> kDeviceTypes{
    "vpn", "modem", "isdn", "x25", "pad", "GENERIC", "SERIAL", "FRAMERELAY", "ATM", "SONET",
    "SW56", "IRDA", "PARALLEL", "PPPoE"};

constexpr std::array<std::string_view, 23> kEntryKeys{
    "name", "phonebook", "user", "connect_ms", "teardown_ms", "fail_state", "fail_error", "drop_after_ms",
    "drop_error", "drop_mode", "teardown_never", "username", "password", "saved_credentials", "eap",
    "device_type", "device_name", "comment", "fail_extended_error", "links", "link_fail", "link_error_ends_dial",
    "hang_up_668"};
constexpr std::array<std::string_view, 6> kLinkFailKeys{"sub_entry",       "state",          "error",
                                                        "extended_error", "after_connected", "status_error"};
constexpr std::array<std::string_view, 8> kTopKeys{"entries",    "connected",          "notifications",  "enum_lists",
                                                   "default_creds_flag", "null_phonebook", "comment",  "enum_race"};
constexpr std::array<std::string_view, 5> kConnectedKeys{"entry", "account", "logon_luid", "default_credentials",
                                                         "comment"};
constexpr std::uint64_t kMaxLuid = 0xFFFFFFFFFFFFFFFFull;
constexpr std::array<std::string_view, 4> kSavedCredentialsKeys{"for", "username", "password", "comment"};
constexpr std::size_t kMaxAccountName = 256;  // UNLEN
constexpr std::array<std::string_view, 3> kNotificationKeys{"delay_ms", "drop_every", "one_connection"};

// "saved_credentials": one object or an array of them, at most one per "for". Only
// account names are quoted in messages, never a saved user name or password.
std::vector<SavedCredentials> parse_saved_credentials(const json& v, const std::string& path) {
  const bool one = v.is_object();
  if (!one && !v.is_array()) fail(path, "must be an object or an array of objects");
  std::vector<SavedCredentials> out;
  for (std::size_t i = 0; i < (one ? 1 : v.size()); ++i) {
    const json& c = one ? v : v[i];
    const std::string at = one ? path : path + "[" + std::to_string(i) + "]";
    if (!c.is_object()) fail(at, "must be an object");
    reject_unknown_keys(c, at, kSavedCredentialsKeys);
    if (c.contains("comment")) string_value(c["comment"], at + ".comment");
    if (!c.contains("for")) fail(at + ".for", "is required (\"all_users\" or an account name)");
    SavedCredentials saved;
    saved.saved_for = non_empty_string(c["for"], at + ".for", kMaxAccountName);
    if (equals_ignoring_ascii_case(saved.saved_for, kAllUsers)) saved.saved_for = kAllUsers;
    for (const auto& earlier : out) {
      if (equals_ignoring_ascii_case(earlier.saved_for, saved.saved_for)) {
        fail(at + ".for", "credentials for " + quote(saved.saved_for) + " saved twice");
      }
    }
    if (!c.contains("username")) fail(at + ".username", "is required");
    saved.username = string_value(c["username"], at + ".username");
    if (c.contains("password")) saved.password = string_value(c["password"], at + ".password");
    out.push_back(std::move(saved));
  }
  return out;
}

EapMode eap_mode(const json& v, const std::string& path) {
  return one_of<EapMode>(v, path, {{"non_interactive", EapMode::non_interactive}, {"interactive", EapMode::interactive}},
                         "EAP mode");
}

// A Windows account name: it names a profile folder (C:\Users\<user>), so no character
// Windows refuses in user names, which also keeps it one path component.
std::string account_name(const json& v, const std::string& path) {
  auto name = non_empty_string(v, path, kMaxAccountName);
  constexpr std::string_view kRefused = "\"/\\[]:;|=,+*?<>";
  const bool control =
      std::any_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
  if (control || name.find_first_of(kRefused) != std::string::npos) {
    fail(path, "not a Windows user name: no control characters and none of \" / \\ [ ] : ; | = , + * ? < >");
  }
  return name;
}

std::string walk_names() {
  std::string out;
  const auto& walk = dial_walk();
  for (std::size_t i = 0; i + 1 < walk.size(); ++i) {
    if (!out.empty()) out += ", ";
    out += ras::state_name(walk[i]);
  }
  return out;
}

// A state of the dial walk before RASCS_Connected: where a dial or a link can fail.
ras::ConnState walk_state(const json& v, const std::string& path) {
  const auto name = string_value(v, path);
  ras::ConnState state{};
  if (!ras::parse_state_name(name, state)) fail(path, "unknown state " + quote(name));
  const auto& walk = dial_walk();
  if (std::find(walk.begin(), walk.end() - 1, state) == walk.end() - 1) {
    fail(path, quote(name) + " is not a state the simulated dial passes through (one of " + walk_names() + ")");
  }
  return state;
}

// dwExtendedError of a failure with `error`: RAS sets it for four errors only, and so may a scenario.
std::uint32_t extended_error(const json& v, const std::string& path, std::uint32_t error) {
  const auto value = error_code(v, path);
  if (!has_extended_error(error)) {
    fail(path, "RAS sets an extended error only for errors 639, 640, 645 and 650, not " + std::to_string(error));
  }
  return value;
}

LinkFailure parse_link_fail(const json& v, const std::string& path, std::uint32_t links) {
  if (!v.is_object()) fail(path, "must be an object");
  reject_unknown_keys(v, path, kLinkFailKeys);
  if (links < 2) fail(path, "needs a multilink entry (\"links\" of 2 or more)");
  const auto at = [&](const char* key) { return path + "." + key; };
  LinkFailure f;
  if (!v.contains("sub_entry")) fail(at("sub_entry"), "is required");
  f.sub_entry = static_cast<std::uint32_t>(unsigned_value(v["sub_entry"], at("sub_entry"), links, "a link number"));
  if (f.sub_entry == 0) fail(at("sub_entry"), "must be a link number from 1");
  if (v.contains("after_connected")) f.after_connected = boolean(v["after_connected"], at("after_connected"));
  if (v.contains("state")) {
    // A link failing after Connected has no walk state left: it is reported as RASCS_SubEntryDisconnected.
    if (f.after_connected) fail(at("state"), "does not apply to a link failing after RASCS_Connected");
    f.state = walk_state(v["state"], at("state"));
  }
  if (v.contains("error")) f.error = error_code(v["error"], at("error"));
  if (v.contains("extended_error")) f.extended_error = extended_error(v["extended_error"], at("extended_error"), f.error);
  if (v.contains("status_error")) f.status_error = boolean(v["status_error"], at("status_error"));
  return f;
}

EntrySpec parse_entry(const json& e, const std::string& path) {
  if (!e.is_object()) fail(path, "must be an object");
  reject_unknown_keys(e, path, kEntryKeys);
  if (e.contains("comment")) string_value(e["comment"], path + ".comment");
  EntrySpec spec;
  const auto at = [&](const char* key) { return path + "." + key; };

  if (!e.contains("name")) fail(at("name"), "is required");
  spec.name = non_empty_string(e["name"], at("name"), kMaxEntryName);
  // A scenario stands for phonebooks RAS wrote, so it holds only names RAS accepts.
  if (const auto problem = protocol::entry_name_problem(spec.name); !problem.empty()) {
    fail(at("name"), quote(spec.name) + " is not a name RAS accepts: " + problem);
  }
  if (e.contains("phonebook")) spec.phonebook = string_value(e["phonebook"], at("phonebook"));
  if (e.contains("user")) spec.user = account_name(e["user"], at("user"));
  if (e.contains("connect_ms")) spec.connect = millis(e["connect_ms"], at("connect_ms"));
  if (e.contains("teardown_ms")) spec.teardown = millis(e["teardown_ms"], at("teardown_ms"));

  if (e.contains("fail_state")) spec.fail_state = walk_state(e["fail_state"], at("fail_state"));
  if (e.contains("fail_error")) {
    if (!e.contains("fail_state")) fail(at("fail_error"), "requires \"fail_state\"");
    spec.fail_error = error_code(e["fail_error"], at("fail_error"));
  }
  if (e.contains("fail_extended_error")) {
    if (!e.contains("fail_state")) fail(at("fail_extended_error"), "requires \"fail_state\"");
    spec.fail_extended_error = extended_error(e["fail_extended_error"], at("fail_extended_error"), spec.fail_error);
  }
  if (e.contains("links")) {
    spec.links = static_cast<std::uint32_t>(unsigned_value(e["links"], at("links"), kMaxLinks, "a number of links"));
    if (spec.links == 0) fail(at("links"), "must be at least 1");
  }
  if (e.contains("link_fail")) spec.link_fail = parse_link_fail(e["link_fail"], at("link_fail"), spec.links);
  if (e.contains("link_error_ends_dial")) {
    if (spec.links < 2) fail(at("link_error_ends_dial"), "needs a multilink entry (\"links\" of 2 or more)");
    spec.link_error_ends_dial = boolean(e["link_error_ends_dial"], at("link_error_ends_dial"));
  }
  if (e.contains("drop_after_ms")) spec.drop_after = millis(e["drop_after_ms"], at("drop_after_ms"));
  if (e.contains("drop_error")) spec.drop_error = error_code(e["drop_error"], at("drop_error"));
  if (e.contains("drop_mode")) {
    spec.drop_mode = one_of<DropMode>(e["drop_mode"], at("drop_mode"),
                                      {{"invalid_handle", DropMode::invalid_handle},
                                       {"disconnected_state", DropMode::disconnected_state}},
                                      "drop mode");
  }
  if (e.contains("teardown_never")) {
    if (!e["teardown_never"].is_boolean()) fail(at("teardown_never"), "must be true or false");
    spec.teardown_never = e["teardown_never"].get<bool>();
  }

  if (e.contains("hang_up_668")) {
    spec.hang_up_668 = one_of<HangUp668>(e["hang_up_668"], at("hang_up_668"),
                                         {{"never", HangUp668::never},
                                          {"then_teardown", HangUp668::then_teardown},
                                          {"already_gone", HangUp668::already_gone}},
                                         "reading");
  }

  // Credentials: values never appear in messages.
  if (e.contains("username")) spec.username = string_value(e["username"], at("username"));
  if (e.contains("password")) spec.password = string_value(e["password"], at("password"));
  if (spec.username.has_value() != spec.password.has_value()) {
    fail(path, "\"username\" and \"password\" must be given together");
  }
  if (e.contains("saved_credentials")) {
    spec.saved_credentials = parse_saved_credentials(e["saved_credentials"], at("saved_credentials"));
  }
  if (e.contains("eap")) {
    spec.eap = eap_mode(e["eap"], at("eap"));
    // The EAP method authenticates with its identity blob, not a user name and password.
    if (spec.username) {
      fail(path, "\"eap\" entries authenticate with their EAP identity, not \"username\" and \"password\"");
    }
  }

  if (e.contains("device_type")) {
    const auto type = non_empty_string(e["device_type"], at("device_type"), kMaxDeviceType);
    const auto known = std::find_if(kDeviceTypes.begin(), kDeviceTypes.end(),
                                    [&](std::string_view t) { return equals_ignoring_ascii_case(t, type); });
    if (known == kDeviceTypes.end()) {
      std::string list;
      for (auto t : kDeviceTypes) list += (list.empty() ? "" : ", ") + std::string(t);
      fail(at("device_type"), "unknown device type " + quote(type) + " (one of " + list + ")");
    }
    spec.device_type = type;
  }
  if (e.contains("device_name")) {
    spec.device_name = non_empty_string(e["device_name"], at("device_name"), kMaxDeviceName);
  }
  return spec;
}

// One item of `connected`: an entry name (dialled by kScenarioDiallerAccount), or an object
// naming the entry and who dialled it. `name` receives the entry name as written.
ConnectionOrigin parse_connected(const json& item, const std::string& path, std::string& name) {
  ConnectionOrigin origin{std::string(kScenarioDiallerAccount), kScenarioDiallerLuid, false};
  if (item.is_string()) {
    name = item.get<std::string>();
    return origin;
  }
  if (!item.is_object()) fail(path, "must be an entry name or an object");
  reject_unknown_keys(item, path, kConnectedKeys);
  if (item.contains("comment")) string_value(item["comment"], path + ".comment");
  if (!item.contains("entry")) fail(path + ".entry", "is required");
  name = string_value(item["entry"], path + ".entry");
  if (item.contains("account")) origin.account = non_empty_string(item["account"], path + ".account", kMaxAccount);
  if (item.contains("logon_luid")) {
    origin.logon_luid = unsigned_value(item["logon_luid"], path + ".logon_luid", kMaxLuid, "a non-zero integer");
    if (origin.logon_luid == 0) fail(path + ".logon_luid", "must be a non-zero integer");
  }
  if (item.contains("default_credentials")) {
    if (!item["default_credentials"].is_boolean()) fail(path + ".default_credentials", "must be true or false");
    origin.default_credentials = item["default_credentials"].get<bool>();
  }
  return origin;
}

}  // namespace

const std::vector<ras::ConnState>& dial_walk() {
  using S = ras::ConnState;
  static const std::vector<S> walk{S::OpenPort,    S::PortOpened,          S::ConnectDevice,
                                   S::DeviceConnected, S::AllDevicesConnected, S::Authenticate,
                                   S::AuthNotify,  S::Authenticated,       S::Connected};
  return walk;
}

bool has_extended_error(std::uint32_t ras_error) {
  // ERROR_CANNOT_GET_LANA, ERROR_NETBIOS_ERROR, ERROR_AUTH_INTERNAL, ERROR_SERVER_NOT_RESPONDING (raserror.h).
  return ras_error == 639 || ras_error == 640 || ras_error == 645 || ras_error == 650;
}

const EntrySpec* Scenario::find(std::string_view name) const {
  const auto it = std::find_if(entries.begin(), entries.end(),
                               [&](const EntrySpec& e) { return protocol::same_entry(e.name, name); });
  return it == entries.end() ? nullptr : &*it;
}

EntryIndex::EntryIndex(const std::vector<EntrySpec>& entries) {
  by_name_.reserve(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) add(entries[i].name, i);
}

bool EntryIndex::add(const std::string& name, std::size_t i) {
  return by_name_.emplace(protocol::entry_name_key(name), i).second;
}

std::optional<std::size_t> EntryIndex::find(std::string_view name) const {
  const auto it = by_name_.find(protocol::entry_name_key(name));
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

Scenario parse_scenario(const json& doc) {
  const std::string top = "(top level)";
  if (!doc.is_object()) fail(top, "must be a JSON object");
  reject_unknown_keys(doc, top, kTopKeys);
  if (doc.contains("comment")) string_value(doc["comment"], "comment");

  Scenario scenario;
  EntryIndex index;
  if (!doc.contains("entries")) fail("entries", "is required (an array of entry objects)");
  const auto& entries = doc["entries"];
  if (!entries.is_array()) fail("entries", "must be an array of entry objects");
  scenario.entries.reserve(entries.size());  // 10,000 entries: no regrowth, each moved once
  index.reserve(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::string path = "entries[" + std::to_string(i) + "]";
    auto spec = parse_entry(entries[i], path);
    if (!index.add(spec.name, i)) {
      const EntrySpec& earlier = scenario.entries[*index.find(spec.name)];
      std::string problem = "duplicate entry name " + quote(spec.name);
      if (earlier.name != spec.name) {
        problem += " (entries[" + std::to_string(&earlier - scenario.entries.data()) + "] is " + quote(earlier.name) +
                   "; RAS compares entry names without regard to case)";
      }
      fail(path + ".name", problem);
    }
    scenario.entries.push_back(std::move(spec));
  }
  // Looked up by the scenario's own spelling, the one `connected` and `enum_race` keep.
  const auto find = [&](std::string_view name) -> const EntrySpec* {
    const auto i = index.find(name);
    return i ? &scenario.entries[*i] : nullptr;
  };

  // Which entries `connected` and `enum_race` name, by position in `entries`.
  std::vector<bool> is_connected(scenario.entries.size()), is_raced(scenario.entries.size());
  const auto position = [&](const EntrySpec* entry) { return static_cast<std::size_t>(entry - scenario.entries.data()); };
  if (doc.contains("connected")) {
    const auto& connected = doc["connected"];
    if (!connected.is_array()) fail("connected", "must be an array of entry names or objects");
    scenario.connected.reserve(connected.size());
    scenario.connected_origins.reserve(connected.size());
    for (std::size_t i = 0; i < connected.size(); ++i) {
      const std::string path = "connected[" + std::to_string(i) + "]";
      std::string name;
      scenario.connected_origins.push_back(parse_connected(connected[i], path, name));
      const EntrySpec* entry = find(name);
      if (entry == nullptr) fail(path, "no entry named " + quote(name));
      // Kept in the entry's own spelling, which is also what RAS reports for the connection.
      if (is_connected[position(entry)]) fail(path, "entry " + quote(name) + " listed twice");
      is_connected[position(entry)] = true;
      scenario.connected.push_back(entry->name);
    }
  }

  if (doc.contains("enum_race")) {
    const auto& race = doc["enum_race"];
    if (!race.is_array()) fail("enum_race", "must be an array of entry names");
    for (std::size_t i = 0; i < race.size(); ++i) {
      const std::string path = "enum_race[" + std::to_string(i) + "]";
      const auto name = string_value(race[i], path);
      const EntrySpec* entry = find(name);
      if (entry == nullptr) fail(path, "no entry named " + quote(name));
      if (is_raced[position(entry)]) fail(path, "entry " + quote(name) + " listed twice");
      is_raced[position(entry)] = true;
      // Connected from the start, it could not appear during an enumeration.
      if (is_connected[position(entry)]) fail(path, "entry " + quote(name) + " is already in \"connected\"");
      scenario.enum_race.push_back(entry->name);
    }
  }

  if (doc.contains("enum_lists")) {
    scenario.enum_lists = one_of<EnumLists>(
        doc["enum_lists"], "enum_lists",
        {{"connected", EnumLists::connected}, {"not_hung_up", EnumLists::not_hung_up}}, "value");
  }

  if (doc.contains("default_creds_flag")) {
    scenario.default_creds_flag = one_of<DefaultCredsFlag>(
        doc["default_creds_flag"], "default_creds_flag",
        {{"input", DefaultCredsFlag::input}, {"output", DefaultCredsFlag::output}}, "reading");
  }

  if (doc.contains("null_phonebook")) {
    scenario.null_phonebook = one_of<NullPhonebook>(
        doc["null_phonebook"], "null_phonebook",
        {{"all_users_and_caller", NullPhonebook::all_users_and_caller},
         {"system_phonebook", NullPhonebook::system_phonebook}},
        "reading");
  }

  if (doc.contains("notifications")) {
    const auto& n = doc["notifications"];
    if (!n.is_object()) fail("notifications", "must be an object");
    reject_unknown_keys(n, "notifications", kNotificationKeys);
    if (n.contains("delay_ms")) scenario.notifications.delay = millis(n["delay_ms"], "notifications.delay_ms");
    if (n.contains("drop_every")) {
      scenario.notifications.drop_every = static_cast<std::uint32_t>(
          unsigned_value(n["drop_every"], "notifications.drop_every", kMaxError, "a non-negative integer"));
    }
    if (n.contains("one_connection")) {
      scenario.notifications.one_connection = one_of<TerminationSignal>(
          n["one_connection"], "notifications.one_connection",
          {{"teardown_ended", TerminationSignal::teardown_ended}, {"hang_up", TerminationSignal::hang_up}}, "reading");
    }
  }
  return scenario;
}

Scenario parse_scenario_text(std::string_view text, const std::string& origin) {
  const std::string prefix = origin.empty() ? std::string() : origin + ": ";
  json doc;
  try {
    doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/true, /*ignore_comments=*/true);
  } catch (const json::parse_error& e) {
    // nlohmann's message quotes the token it was reading ("last read: '...'"), which may be
    // part of a password: keep only the position and the kind of error.
    std::string what = e.what();
    const auto begin = what.find("parse error");
    const auto last_read = what.find("; last read");
    std::string detail = what.substr(begin == std::string::npos ? 0 : begin,
                                     last_read == std::string::npos ? std::string::npos : last_read - begin);
    const auto expected = what.rfind("; expected ");
    if (last_read != std::string::npos && expected != std::string::npos && expected > last_read) {
      detail += what.substr(expected);
    }
    throw ScenarioError(prefix + "invalid JSON: " + detail);
  } catch (const json::exception&) {
    // out_of_range 406, a number beyond a double's range (1e999): its message quotes it.
    throw ScenarioError(prefix + "invalid JSON: a number out of range");
  }
  try {
    return parse_scenario(doc);
  } catch (const ScenarioError& e) {
    if (prefix.empty()) throw;
    throw ScenarioError(prefix + e.what());
  }
}

Scenario load_scenario_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::path(path), ec)) {
    throw ScenarioError(path + ": scenario file not found");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ScenarioError(path + ": cannot open scenario file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ScenarioError(path + ": cannot read scenario file");
  return parse_scenario_text(text.str(), path);
}

}  // namespace rasbroker::sim
