#pragma once
// The broker's tunables, with their defaults. Read from the configuration file by
// service/config (docs/operations.md documents every key).
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "authz/rules.hpp"
#include "rasbroker/protocol/entry_name.hpp"
#include "rasbroker/protocol/pins.hpp"

namespace rasbroker::broker {

using std::chrono::milliseconds;

enum class OnStop { hangup, leave };

struct RedialConfig {
  std::uint32_t attempts = 0;
  std::uint32_t backoff_ms = 5000;
};

// An entry the service keeps connected from its start (configuration key keep_connected;
// docs/operations.md, "Always-on entries"): dialled with the credentials saved for it.
struct KeepConnected {
  std::string entry;
  std::string phonebook;  // "": RAS's default phonebooks (and the configured ones, as for dial)
  protocol::PinBackoff backoff;
};

struct BrokerConfig {
  // Reaper: poll a hung-up handle after reaper_initial, doubling up to reaper_max,
  // until RasGetConnectStatus says ERROR_INVALID_HANDLE.
  milliseconds reaper_initial{100};
  milliseconds reaper_max{2000};
  // Past this, a teardown is reported stuck and polled every stuck_poll, forever.
  milliseconds teardown_timeout{60000};
  milliseconds stuck_poll{10000};
  // Backstop poll of connected links (RAS notifications are only a hint).
  milliseconds link_poll{5000};
  OnStop on_stop = OnStop::hangup;
  // How long a stop waits for the reaper before giving up (the service reports it).
  milliseconds stop_timeout{30000};
  // Keyed by entry name as RAS compares them ("office vpn" is "Office VPN").
  std::map<std::string, RedialConfig, protocol::EntryNameLess> redial;
  // Who may dial which entries, hang up, get and see which connections (authz/policy.hpp).
  authz::Rules authorization;
  // Phonebook files besides the system ones that may be dialled from and are listed by
  // `entries` (broker/phonebooks.hpp: no other file is ever handed to RAS).
  std::vector<std::string> phonebooks;
  // Pinned entries (broker/pins.hpp). Their jitter comes from a generator seeded with
  // pin_jitter_seed, or, when 0, from std::random_device (tests seed it: schedules repeat).
  std::vector<KeepConnected> keep_connected;
  std::uint64_t pin_jitter_seed = 0;
};

}  // namespace rasbroker::broker
