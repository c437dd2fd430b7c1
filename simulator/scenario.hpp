#pragma once
// The RAS simulator's scenario: which phonebook entries exist and how dialling them
// behaves. One JSON format for unit tests, the Linux dev host and demos; the reference
// is docs/simulator.md.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "ras/ras_api.hpp"
#include "rasbroker/protocol/entry_name.hpp"

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

// What RasHangUp answers for an entry's connection (docs/simulator.md, "RasHangUp answering
// 668"). "RasHangUpA function (ras.h)" documents only ERROR_INVALID_HANDLE besides success, "or
// a value from Routing and Remote Access Error Codes"; when it answers ERROR_NO_CONNECTION (668)
// the text allows two readings of what became of the connection, so both are offered.
enum class HangUp668 {
  never,          // RasHangUp answers 0 (the default)
  then_teardown,  // 668, yet the reference is released and the teardown runs as usual (teardown_ms)
  already_gone,   // 668: there was no connection left; the teardown is complete at once (status: 6)
};

// One link of a multilink entry that fails (docs/simulator.md, "Multilink").
struct LinkFailure {
  std::uint32_t sub_entry = 2;                            // 1 … links
  ras::ConnState state = ras::ConnState::Authenticate;   // a walk state before Connected
  std::uint32_t error = ras::err::kAuthenticationFailure;
  std::uint32_t extended_error = 0;  // only with an error has_extended_error() accepts
  bool after_connected = false;      // fails right after RASCS_Connected instead of at `state`
  bool status_error = false;         // RasGetConnectStatus then reports its error while Connected
};

// Credentials saved for an entry (RasSetCredentials, or "Save this user name and password"
// in rasphone), and for whom (docs/simulator.md, "Saved credentials").
inline constexpr std::string_view kAllUsers = "all_users";
struct SavedCredentials {
  // kAllUsers: "for anyone who uses this computer" (RASCM_DefaultCreds); else the account
  // that saved them for itself, compared without case like Windows account names.
  std::string saved_for;
  std::string username;
  std::optional<std::string> password;  // absent: a user name saved without its password
};

// How an entry authenticates when it uses EAP (docs/simulator.md, "EAP identity").
enum class EapMode {
  none,             // not EAP: RasGetEapUserIdentity answers ERROR_INVALID_FUNCTION_FOR_ENTRY (780)
  non_interactive,  // the EAP method finds the identity without UI (a certificate, say)
  interactive,      // the EAP method must ask the user: 703 under RASEAPF_NonInteractive
};

// What RASCM_DefaultCreds in RASCREDENTIALS.dwMask (an in/out member) means to
// RasGetCredentials: Microsoft's text allows both (docs/simulator.md, "Saved credentials").
enum class DefaultCredsFlag {
  input,   // the caller sets it to ask for the all-users credentials; without it, its own
  output,  // the caller's setting is ignored; RAS answers the caller's own credentials, else
           // the all-users ones, and sets the flag when it answered the all-users ones
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
  std::uint32_t fail_extended_error = 0;  // only with a fail_error has_extended_error() accepts
  std::optional<std::chrono::milliseconds> drop_after;  // after reaching Connected
  std::uint32_t drop_error = ras::err::kRemoteDisconnection;
  DropMode drop_mode = DropMode::invalid_handle;
  bool teardown_never = false;
  // The caller's RasHangUp that releases the last reference answers 668 (see HangUp668).
  HangUp668 hang_up_668 = HangUp668::never;
  // Credentials the "server" accepts; absent: any credentials are accepted.
  std::optional<std::string> username;
  std::optional<std::string> password;
  // What was saved for the entry, at most one set per "for" (none: nothing saved).
  std::vector<SavedCredentials> saved_credentials;
  EapMode eap = EapMode::none;
  std::string device_type = "vpn";
  std::string device_name = "WAN Miniport (IKEv2)";
  // Multilink: the sub-entries 1 … links each walk the dial (docs/simulator.md, "Multilink").
  std::uint32_t links = 1;
  std::optional<LinkFailure> link_fail;
  // The two readings of a non-zero dwError on one sub-entry before RASCS_Connected: the
  // whole dial ends (true), or only that link, reported as RASCS_SubEntryDisconnected (false).
  bool link_error_ends_dial = true;
};

// SYSTEM_LUID (winnt.h): the logon session of LocalSystem, the service's account.
inline constexpr std::uint64_t kSystemLogonLuid = 0x3e7;
// Who dialled a scenario's `connected` entry when the scenario names nobody: an interactive
// user, in a logon session whose LUID is made up (interactive sessions get LUIDs allocated
// at logon, never the well-known 0x3e4..0x3e7).
inline constexpr std::string_view kScenarioDiallerAccount = "user";
inline constexpr std::uint64_t kScenarioDiallerLuid = 0x2d5e1;

// Who made a connection and how, as RASCONN reports it (dwFlags and luid).
struct ConnectionOrigin {
  std::string account;               // the dialling account; the owner flags compare it with the caller's
  std::uint64_t logon_luid = 0;      // the logon session it was dialled in (RASCONN.luid)
  bool default_credentials = false;  // dialled with the all-users default credentials (RASCF_GlobalCreds)
};

// What RasEnumConnections lists. Microsoft's "RasEnumConnections cannot enumerate a connection
// as Active until RAS has successfully connected" allows both (docs/simulator.md, fidelity table).
enum class EnumLists {
  connected,    // only connections that reached RASCS_Connected: dialling ones are absent
  not_hung_up,  // every connection whose handle RAS still holds for its dialler, from the start of
                // its dial until it is hung up: dialling, connected, failed, dropped (status still
                // answers); not one RAS forgot at a drop, not one tearing down
};

// Whether RAS sets RasDialFunc2's dwExtendedError for `ras_error`: only for
// ERROR_CANNOT_GET_LANA (639), ERROR_NETBIOS_ERROR (640), ERROR_AUTH_INTERNAL (645) and
// ERROR_SERVER_NOT_RESPONDING (650) ("RASDIALFUNC2 callback function (ras.h)").
bool has_extended_error(std::uint32_t ras_error);

// When RAS signals a registration for one connection (RasConnectionNotification with its
// handle, RASCN_Disconnection): "when the hrasconn connection is terminated" allows both
// (docs/simulator.md, "RasConnectionNotification for one connection").
enum class TerminationSignal {
  teardown_ended,  // once its teardown has completed: status already answers 6 (DotRas #80)
  hang_up,         // as its teardown starts (the last RasHangUp): status still answers for a while
};

struct NotificationSpec {
  std::chrono::milliseconds delay{0};  // deliver each connection notification this late
  std::uint32_t drop_every = 0;        // miss every K-th notification; 0: miss none
  TerminationSignal one_connection = TerminationSignal::teardown_ended;
};

struct Scenario {
  // Names are unique as RAS compares them (without regard to case) and acceptable to
  // RasValidateEntryName: parse_scenario() refuses anything else.
  std::vector<EntrySpec> entries;
  // Entries already up at start, dialled by someone else; in the entries' own spelling.
  std::vector<std::string> connected;
  std::vector<ConnectionOrigin> connected_origins;  // connected_origins[i] dialled connected[i]
  EnumLists enum_lists = EnumLists::connected;
  NotificationSpec notifications;
  // RasEnumConnections racing with new connections (docs/simulator.md, "RasEnumConnections
  // racing"): right after each ERROR_BUFFER_TOO_SMALL answer, the next of these entries is
  // connected by someone else (as a `connected` item dialled by kScenarioDiallerAccount), so
  // the caller's next call, sized by that answer, is too small again. One entry per 603 answer,
  // in order; an entry that already has a connection is used up without one. In the entries'
  // own spelling; distinct; none of them in `connected`.
  std::vector<std::string> enum_race;
  DefaultCredsFlag default_creds_flag = DefaultCredsFlag::input;
  NullPhonebook null_phonebook = NullPhonebook::all_users_and_caller;

  // The scenario's entry named `name`: phonebook sections are looked up without regard
  // to case (docs/ras-rules.md#entry-names). nullptr when there is none. Whoever's
  // phonebook holds it: what a caller's RAS finds is Simulator::find_entry().
  const EntrySpec* find(std::string_view name) const;
};

// A scenario's entries by name as RAS compares names: Scenario::find() without the walk over
// every entry, for whoever looks names up per entry or per connection (parse_scenario(), the
// Simulator): with thousands of entries the walk made those O(n²). Hashed by the folded key
// (protocol::entry_name_key), made once per name: a tree ordered by EntryNameLess folded
// both names at every comparison, most of the cost of loading 10,000 entries.
class EntryIndex {
 public:
  EntryIndex() = default;
  explicit EntryIndex(const std::vector<EntrySpec>& entries);
  // Adds entries[i] named `name`; false (nothing added) when a name RAS takes for the same
  // entry is there already.
  bool add(const std::string& name, std::size_t i);
  // The index of the entry named `name` (any case); nullopt when there is none.
  std::optional<std::size_t> find(std::string_view name) const;
  void reserve(std::size_t entries) { by_name_.reserve(entries); }

 private:
  std::unordered_map<std::string, std::size_t> by_name_;
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
