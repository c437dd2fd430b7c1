#pragma once
// Pinned (always-on) entries: the pin and unpin methods, and the state of a pin as
// list, status and the errors of get show it (docs/protocol.md, "Pinned entries").
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "rasbroker/protocol/types.hpp"

namespace rasbroker::protocol {

namespace method {
constexpr std::string_view pin = "pin";
constexpr std::string_view unpin = "unpin";
}  // namespace method

// How long a pinned entry waits after its n-th failure in a row: initial_ms, doubling, at
// most max_ms, each wait shortened by a random part of up to a quarter (jitter), so that
// many machines that lost one VPN server do not all dial it again in step.
struct PinBackoff {
  std::uint32_t initial_ms = 5'000;  // 1'000 .. 3'600'000
  std::uint32_t max_ms = 600'000;    // initial_ms .. 86'400'000
  bool operator==(const PinBackoff&) const = default;
};
inline constexpr std::uint32_t kPinBackoffMinMs = 1'000;
inline constexpr std::uint32_t kPinBackoffInitialMaxMs = 3'600'000;
inline constexpr std::uint32_t kPinBackoffMaxMs = 86'400'000;

enum class PinSource { config, runtime };
enum class PinState {
  up,       // its connection is connected
  dialing,  // its connection is dialling
  waiting,  // down: the next dial is at next_attempt_at (or once the old connection is torn down)
  stopped,  // down, and not dialled again until an administrator pins it again (stopped_reason)
};
std::string_view to_string(PinSource s);
std::string_view to_string(PinState s);

struct Pin {
  std::string entry;
  std::string phonebook;  // "" = RAS's default phonebooks
  PinSource source = PinSource::runtime;
  PinState state = PinState::waiting;
  std::uint32_t failures = 0;  // failed dials and lost links since it was last up
  std::optional<ConnectionError> last_error;  // the last failure (kept once up again)
  std::optional<TimePoint> next_attempt_at;   // state waiting, with a dial scheduled
  std::optional<std::string> stopped_reason;  // state stopped
  std::optional<std::string> connection;      // the id of its connection, when there is one
  PinBackoff backoff;
  bool operator==(const Pin&) const = default;
};
// {entry, phonebook, source, state, failures, last_error: {ras_error, message}|null,
//  next_attempt_at|null, stopped_reason|null, connection|null, backoff: {initial_ms, max_ms}}
void to_json(nlohmann::json& j, const Pin& p);
Pin pin_from_json(const nlohmann::json& j);  // a result's; throws RpcError internal_error

// ---- pin: {entry, phonebook?, backoff?: {initial_ms?, max_ms?}} -> Pin
struct PinParams {
  std::string entry;
  std::optional<std::string> phonebook;
  std::optional<PinBackoff> backoff;
};
PinParams parse_pin_params(const nlohmann::json& params);
nlohmann::json to_json(const PinParams& p);

// ---- unpin: {entry} -> {entry, pin: Pin|null}: null once the entry is not pinned; a pin
// the configuration makes is stopped instead (until the service restarts), and shown.
struct UnpinParams {
  std::string entry;
};
UnpinParams parse_unpin_params(const nlohmann::json& params);
nlohmann::json to_json(const UnpinParams& p);
struct UnpinResult {
  std::string entry;
  std::optional<Pin> pin;
};
nlohmann::json to_json(const UnpinResult& r);
UnpinResult unpin_result_from_json(const nlohmann::json& j);

// "retrying in 40 s after 800: The remote server did not respond", "up", "stopped after
// 691: ... (not retried: ...)": what a client shows for a pin, relative to `now`.
std::string describe(const Pin& p, TimePoint now);

}  // namespace rasbroker::protocol
