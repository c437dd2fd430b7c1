#pragma once
// The data types of the protocol (docs/protocol.md) with their JSON forms.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "rasbroker/protocol/errors.hpp"  // from_json throws RpcError

namespace rasbroker::protocol {

using TimePoint = std::chrono::system_clock::time_point;

// RFC 3339 UTC with milliseconds: "2026-11-25T13:33:41.123Z".
std::string format_rfc3339(TimePoint t);
// Accepts the form above with 0 to 9 fractional digits, 'Z' only; digits past the
// millisecond are dropped (the protocol's precision: what is read is written back the same).
std::optional<TimePoint> parse_rfc3339(std::string_view s);

enum class ConnectionState { dialing, connected, hanging_up, gone };
// Why a connection is hanging up or gone.
enum class Reason { requested, dial_failed, link_lost, service_stop, timeout };

std::string_view to_string(ConnectionState s);
std::string_view to_string(Reason r);
std::optional<ConnectionState> parse_connection_state(std::string_view s);
std::optional<Reason> parse_reason(std::string_view s);

struct Owner {
  std::int64_t pid = 0;
  std::string user;  // "DOMAIN\\user" on Windows, the user name (or uid) on Linux
  bool operator==(const Owner&) const = default;
};

struct ConnectionError {
  std::uint32_t ras_error = 0;
  std::string message;
  std::uint32_t extended_error = 0;  // RasDialFunc2's dwExtendedError (only for RAS errors 639, 640, 645, 650); 0: none
  bool operator==(const ConnectionError&) const = default;
};

struct Connection {
  std::string id;  // broker-assigned, stable for the connection's life: "c1", "c2", ...
  std::string entry;
  std::string phonebook;  // "" = system phonebook
  ConnectionState state = ConnectionState::dialing;
  std::string ras_state;  // "RASCS_Authenticate", ...
  bool adopted = false;   // dialled by someone else, found by enumeration
  std::optional<Owner> owner;
  std::optional<Reason> reason;
  std::optional<ConnectionError> error;
  bool stuck = false;     // teardown exceeded the configured timeout; still being polled
  std::optional<TimePoint> dialed_at, connected_at, hangup_at;
  bool pinned = false;    // its entry is pinned (kept connected: pins.hpp); JSON only when true
  bool operator==(const Connection&) const = default;
};

// JSON: {id, entry, phonebook, state, ras_state, adopted, owner: {pid,user}|null,
// reason|null, error: {ras_error, message}|null, stuck, dialed_at, connected_at,
// hangup_at (RFC 3339 or null)[, pinned: true]}. from_json throws RpcError(invalid_params) naming the field.
void to_json(nlohmann::json& j, const Connection& c);
void from_json(const nlohmann::json& j, Connection& c);

}  // namespace rasbroker::protocol
