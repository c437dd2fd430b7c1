#pragma once
// Every method of protocol version 1: typed params and results, validation and
// (de)serialisation in one place. Servers call parse_*_params() on the raw params
// (throws RpcError invalid_params naming the parameter and the problem; unknown
// members are rejected); clients build params with to_json() and read results with
// the *_from_json() functions (throw RpcError internal_error on a malformed result).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "rasbroker/protocol/errors.hpp"  // the parse/read functions throw RpcError
#include "rasbroker/protocol/pins.hpp"
#include "rasbroker/protocol/secret.hpp"
#include "rasbroker/protocol/types.hpp"

namespace rasbroker::protocol {

namespace method {
constexpr std::string_view ping = "ping";
constexpr std::string_view status = "status";
constexpr std::string_view dial = "dial";
constexpr std::string_view hangup = "hangup";
constexpr std::string_view list = "list";
constexpr std::string_view get = "get";
constexpr std::string_view entries = "entries";
constexpr std::string_view subscribe = "subscribe";
// Server -> client notification after subscribe: params {connection}.
constexpr std::string_view connection_changed = "connection.changed";
// pin, unpin: pins.hpp.
}  // namespace method

bool is_known_method(std::string_view name);

// ---- ping: {} -> {"pong": true}
void parse_empty_params(const nlohmann::json& params, std::string_view method_name);  // null, {} or []

// ---- status: {} -> StatusResult
struct ConnectionCounts {
  std::uint32_t dialing = 0, connected = 0, hanging_up = 0, stuck = 0, total = 0;
  bool operator==(const ConnectionCounts&) const = default;
};
struct StatusResult {
  std::string version;
  int protocol_version = 1;
  std::int64_t pid = 0;
  double uptime_s = 0;
  std::string backend;  // "win32" | "sim"
  ConnectionCounts connections;
  std::uint32_t reaper_queue = 0;  // hung-up connections not yet gone
  bool stopping = false;
  std::vector<Pin> pins;  // the pinned entries the caller may see (JSON "pins" only when any)
  bool operator==(const StatusResult&) const = default;
};
nlohmann::json to_json(const StatusResult& r);
StatusResult status_result_from_json(const nlohmann::json& j);

// ---- dial
enum class DialWait { accepted, connected };
struct RedialPolicy {
  std::uint32_t attempts = 0;        // 0 = never redial after a link drop
  std::uint32_t backoff_ms = 5000;   // before the first redial; doubles, capped at 5 min
};
struct DialParams {
  std::string entry;                 // required, non-empty, at most 256 characters
  std::optional<std::string> phonebook;
  std::optional<std::string> username;
  Secret password;                   // empty = not sent
  std::optional<std::string> domain;
  DialWait wait = DialWait::accepted;
  std::optional<std::uint32_t> timeout_ms;  // 1 .. 86'400'000
  std::optional<RedialPolicy> redial;       // {"attempts": n, "backoff_ms": m}
  // Pin the entry as well (pins.hpp; administrators only): not with a password, user name,
  // domain or redial, since a pin dials with the saved credentials and has its own backoff.
  bool keep = false;
};
DialParams parse_dial_params(const nlohmann::json& params);
nlohmann::json to_json(const DialParams& p);  // the wire request: includes the password
// dial result: a Connection.

// ---- hangup: exactly one of {id} | {entry} | {all: true}; wait "issued" | "gone"
enum class HangupWait { issued, gone };
struct Selector {  // which connections a request is about
  std::optional<std::string> id;
  std::optional<std::string> entry;
  bool all = false;
};
struct HangupParams {
  Selector target;
  HangupWait wait = HangupWait::issued;
  std::optional<std::uint32_t> timeout_ms;  // with wait "gone"
};
HangupParams parse_hangup_params(const nlohmann::json& params);
nlohmann::json to_json(const HangupParams& p);

// ---- list: {} -> {connections: [...]};  hangup also answers {connections: [...]}
struct ConnectionList {
  std::vector<Connection> connections;
  std::vector<Pin> pins;  // list only: the pinned entries the caller may see (JSON "pins" only when any)
};
nlohmann::json to_json(const ConnectionList& r);
ConnectionList connection_list_from_json(const nlohmann::json& j);

// ---- get: exactly one of {id} | {entry} -> Connection
Selector parse_get_params(const nlohmann::json& params);
nlohmann::json to_json(const Selector& s);
Connection connection_from_json(const nlohmann::json& j);

// ---- entries: {phonebook?} -> {entries: [{name, phonebook}]}
struct EntriesParams {
  std::optional<std::string> phonebook;
};
EntriesParams parse_entries_params(const nlohmann::json& params);
nlohmann::json to_json(const EntriesParams& p);
struct EntryInfo {
  std::string name;
  std::string phonebook;
  bool operator==(const EntryInfo&) const = default;
};
struct EntriesResult {
  std::vector<EntryInfo> entries;
};
nlohmann::json to_json(const EntriesResult& r);
EntriesResult entries_result_from_json(const nlohmann::json& j);

// ---- subscribe: {} -> {"subscribed": true}; then connection.changed notifications
nlohmann::json make_connection_changed(const Connection& c);  // a full notification message

}  // namespace rasbroker::protocol
