#pragma once
// The RAS simulator's scenario: which phonebook entries exist and how dialling them
// behaves. One JSON format for unit tests, the Linux dev host and demos; the reference
// is docs/simulator.md.
#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "ras/ras_api.hpp"

namespace rasbroker::sim {

// RASCONN.szPhonebook reported for entries of the system phonebook (scenario "phonebook"
// absent or empty, no "user"). dial() and enum_entries() accept it as a synonym of "".
inline constexpr std::string_view kSystemPhonebook =
    "C:\\ProgramData\\Microsoft\\Network\\Connections\\Pbk\\rasphone.pbk";

// Which phonebooks RAS reads when the caller gives none (a NULL phonebook). Microsoft's text
// allows both (docs/simulator.md, "Phonebooks and the calling account"); the first is the default.
enum class NullPhonebook {
  all_users_and_caller,  // every .pbk of the all-users folder and of the calling account's profile folder
  system_phonebook,      // the one default file: the all-users rasphone.pbk (kSystemPhonebook)
};

// What RAS does with a dropped link's handle (docs/simulator.md, "Link drop"). Microsoft's text
// allows both; the one field report (DotRas issue #80) points to the first, so it is the default.
enum class DropMode {
  invalid_handle,      // the handle dies at once: status and RasHangUp answer 6
  disconnected_state,  // the handle stays valid: status answers RASCS_Disconnected + drop_error until hung up
};

struct EntrySpec {
  std::string name;
  std::string phonebook;  // empty: the system phonebook, or `user`'s profile phonebook
  // The account whose own (per-user) phonebook holds the entry, as Settings and
  // Add-VpnConnection without -AllUserConnection create them; empty: all users.
  std::string user;
  std::chrono::milliseconds connect{800};
  std::chrono::milliseconds teardown{1500};
  std::optional<ras::ConnState> fail_state;  // one of the dial walk's states before Connected
  std::uint32_t fail_error = ras::err::kAuthenticationFailure;
  std::optional<std::chrono::milliseconds> drop_after;  // after reaching Connected
  std::uint32_t drop_error = ras::err::kRemoteDisconnection;
  DropMode drop_mode = DropMode::invalid_handle;
  bool teardown_never = false;
  // Credentials the "server" accepts; absent: any credentials are accepted.
  std::optional<std::string> username;
  std::optional<std::string> password;
  std::string device_type = "vpn";
  std::string device_name = "WAN Miniport (IKEv2)";
};

struct NotificationSpec {
  std::chrono::milliseconds delay{0};  // deliver each connection notification this late
  std::uint32_t drop_every = 0;        // miss every K-th notification; 0: miss none
};

struct Scenario {
  // Names are unique as RAS compares them (without regard to case) and acceptable to
  // RasValidateEntryName: parse_scenario() refuses anything else.
  std::vector<EntrySpec> entries;
  // Entries already up at start, dialled by someone else; in the entries' own spelling.
  std::vector<std::string> connected;
  NotificationSpec notifications;
  NullPhonebook null_phonebook = NullPhonebook::all_users_and_caller;

  // The scenario's entry named `name`: phonebook sections are looked up without regard
  // to case (docs/ras-rules.md#entry-names). nullptr when there is none. Whoever's
  // phonebook holds it: what a caller's RAS finds is Simulator::find_entry().
  const EntrySpec* find(std::string_view name) const;
};

// Invalid scenario. what() names the key path and the problem, e.g.
// `entries[1].connect_ms: must be a non-negative integer`; never a password.
class ScenarioError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The states a simulated dial walks through, in order; the last is RASCS_Connected.
const std::vector<ras::ConnState>& dial_walk();

Scenario parse_scenario(const nlohmann::json& document);
// Parses JSON text (comments allowed); `origin` prefixes every error message.
Scenario parse_scenario_text(std::string_view text, const std::string& origin = "scenario");
// Reads and parses a file; errors are prefixed with the path.
Scenario load_scenario_file(const std::string& path);

}  // namespace rasbroker::sim
