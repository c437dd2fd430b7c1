#pragma once
// The command line, parsed into a Command without executing anything.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <rasbroker/protocol/methods.hpp>
#include <rasbroker/protocol/secret.hpp>

namespace rasbroker::client {

enum class CommandKind {
  dial,
  hangup,
  list,
  get,
  entries,
  watch,
  status,
  pin,    // `rasbroker pin ENTRY [--phonebook P]`
  unpin,  // `rasbroker unpin ENTRY`
  rasdial_list,    // `rasbroker rasdial`
  rasdial_dial,    // `rasbroker rasdial ENTRY [USER [PASSWORD|*]] [/DOMAIN:d] [/PHONEBOOK:f]`
  rasdial_hangup,  // `rasbroker rasdial [ENTRY] /DISCONNECT`
};

enum class PasswordSource {
  none,     // no password: RAS uses the saved credentials
  standard_input,  // one line from standard input, without echo on a terminal
  literal,  // given on the command line (rasdial compatibility only)
};

struct DialOptions {
  std::string entry;
  std::optional<std::string> username;
  std::optional<std::string> domain;
  std::optional<std::string> phonebook;
  PasswordSource password_source = PasswordSource::none;
  std::string password_prompt;              // shown on a terminal with PasswordSource::standard_input
  protocol::Secret literal_password;        // with PasswordSource::literal
  std::optional<std::size_t> password_arg;  // its index in the argument vector
  bool wait = false;                        // wait "connected" instead of "accepted"
  std::optional<std::uint32_t> timeout_s;
  bool keep = false;                        // --keep: pin the entry too (saved credentials only)
};

struct HangupOptions {
  protocol::Selector target;  // exactly one of id, entry, all
  bool wait = false;          // wait "gone" instead of "issued"
  std::optional<std::uint32_t> timeout_s;
};

struct Command {
  std::optional<std::string> endpoint;  // --endpoint (resolve_endpoint() adds env and default)
  bool json = false;
  CommandKind kind = CommandKind::list;
  DialOptions dial;                     // dial, rasdial_dial
  HangupOptions hangup;                 // hangup, rasdial_hangup
  protocol::Selector get_target;        // get
  std::optional<std::string> phonebook; // entries, pin
  std::string pin_entry;                // pin, unpin
};

struct ParseResult {
  // run: execute `command`. exit: print out_text / err_text and exit with exit_code
  // (--help, --version, usage errors).
  enum class Action { run, exit };
  Action action = Action::exit;
  Command command;
  int exit_code = 0;
  std::string out_text;
  std::string err_text;
};

// args[0] is the program name. Never echoes a password in err_text.
ParseResult parse_command_line(const std::vector<std::string>& args);

// Throws ClientError(usage) unless 1..256 characters. For a name that selects a
// connection (hangup, get): RAS reports names its own rules refuse (a connection dialled
// without an entry is called "." and its phone number).
void validate_entry_name(const std::string& entry);

// validate_entry_name, and refuses what RAS would refuse to dial (protocol::
// entry_name_problem: the service's rule, so the client refuses it before connecting).
void validate_entry_to_dial(const std::string& entry);

constexpr std::uint32_t kMaxTimeoutSeconds = 86'400;  // the protocol's timeout_ms limit
constexpr std::size_t kMaxEntryLength = 256;

}  // namespace rasbroker::client
