#include "command_line.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>
#include <rasbroker/protocol/entry_name.hpp>
#include <rasbroker/protocol/jsonrpc.hpp>

#include "client_error.hpp"
#include "core/ascii_case.hpp"
#include "exit_codes.hpp"
#include "output.hpp"
#include "rasdial_compat.hpp"

#ifndef RASBROKER_VERSION
#define RASBROKER_VERSION "0.0.0-unknown"
#endif

namespace rasbroker::client {

namespace {

std::size_t code_points(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// Index of the word "rasdial" when it is the command, else args.size().
std::size_t find_rasdial(const std::vector<std::string>& args) {
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--endpoint") {
      ++i;  // its value
      continue;
    }
    if (!a.empty() && a[0] == '-') continue;
    return equals_ignoring_ascii_case(a, "rasdial") ? i : args.size();
  }
  return args.size();
}

ParseResult usage_failure(bool json, const std::string& message, const std::string& help_hint) {
  ParseResult r;
  r.action = ParseResult::Action::exit;
  r.exit_code = exit_code::usage;
  if (json) {
    r.out_text = error_document(nullptr, kind_name(ClientError::Kind::usage), message, nullptr).dump(
                     -1, ' ', false, nlohmann::json::error_handler_t::replace) +
                 "\n";
  } else {
    r.err_text = "rasbroker: " + message + "\n" + help_hint + "\n";
  }
  return r;
}

std::string version_text(bool json) {
  if (json) {
    return nlohmann::json{{"version", RASBROKER_VERSION}, {"protocol_version", protocol::kProtocolVersion}}.dump() + "\n";
  }
  return std::string("rasbroker ") + RASBROKER_VERSION + " (protocol " + std::to_string(protocol::kProtocolVersion) +
         ")\n";
}

// --help, --version, `rasdial /?`: print and exit, no command to run.
ParseResult exit_printing(int exit_code, std::string out_text) {
  ParseResult r;
  r.exit_code = exit_code;
  r.out_text = std::move(out_text);
  return r;
}

const char* const kHelpHint = "Run with --help for more information.";

// The options every command accepts, before or after it (fallthrough), and what the
// whole command line shares: at most one subcommand, the footer, the failure message.
struct GlobalOptions {
  std::string endpoint;
  bool json = false;
  bool version = false;

  explicit GlobalOptions(CLI::App& app) {
    app.fallthrough();
    app.require_subcommand(0, 1);
    app.footer("Exit codes: 0 ok, 2 usage, 3 service unreachable, 4 timeout, 5 RAS error, 6 not found,\n"
               "7 unauthorized, 8 service stopping/busy, 9 protocol error, 1 other local failure.");
    app.add_option("--endpoint", endpoint,
                   "Pipe name or \\\\.\\pipe\\ path (Windows) / socket path (Linux); default: $RASBROKER_ENDPOINT, "
                   "then \\\\.\\pipe\\rasbroker or ${XDG_RUNTIME_DIR:-/tmp}/rasbroker.sock")
        ->type_name("E");
    app.add_flag("--json", json, "Print exactly one JSON document (watch: one per line)");
    app.add_flag("--version", version, "Print the version and exit");
    app.failure_message([](const CLI::App*, const CLI::Error& e) {
      return std::string("rasbroker: ") + e.what() + "\n" + kHelpHint + "\n";
    });
  }
};

// ---- the options, one class per subcommand -------------------------------------------
// Each adds its subcommand and options when constructed (CLI11 keeps pointers to the
// members, so these objects never move) and turns what was parsed into the Command.

class SubcommandCli {
 public:
  SubcommandCli(CLI::App& app, const std::string& name, const std::string& description)
      : cli_(app.add_subcommand(name, description)) {}
  virtual ~SubcommandCli() = default;
  SubcommandCli(const SubcommandCli&) = delete;
  SubcommandCli& operator=(const SubcommandCli&) = delete;

  bool parsed() const { return cli_->parsed(); }
  // Checks what CLI11 cannot (throws ClientError(usage)) and fills the command.
  virtual void fill(Command& command) = 0;

 protected:
  CLI::App& cli() { return *cli_; }

 private:
  CLI::App* cli_;
};

// Options shared by several subcommands, written once.
CLI::Option* add_timeout(CLI::App& cli, std::uint32_t& seconds, const std::string& description) {
  return cli.add_option("--timeout,-t", seconds, description)
      ->check(CLI::Range(1u, kMaxTimeoutSeconds).description(""))
      ->type_name("S");
}

// ENTRY or --id ID: how hangup and get name one connection.
struct TargetOptions {
  std::string entry, id;
  CLI::Option* entry_option;
  CLI::Option* id_option;

  TargetOptions(CLI::App& cli, const std::string& id_description)
      : entry_option(cli.add_option("ENTRY", entry, "Entry name of the connection")),
        id_option(cli.add_option("--id", id, id_description)->type_name("ID")) {}

  int given() const { return static_cast<int>(entry_option->count() > 0) + static_cast<int>(id_option->count() > 0); }

  void fill(protocol::Selector& target) const {
    if (entry_option->count() > 0) {
      validate_entry_name(entry);
      target.entry = entry;
    }
    if (id_option->count() > 0) {
      if (id.empty()) throw ClientError(ClientError::Kind::usage, "--id must not be empty");
      target.id = id;
    }
  }
};

class DialCli final : public SubcommandCli {
 public:
  explicit DialCli(CLI::App& app) : SubcommandCli(app, "dial", "Dial a phonebook entry") {
    cli().add_option("ENTRY", dial_.entry, "Phonebook entry name")->required();
    user_ = cli().add_option("--user,-u", username_, "User name")->type_name("U");
    cli().add_flag("--password-stdin", password_stdin_,
                   "Read the password as one line from standard input (no echo on a terminal)");
    cli().add_option("--password,-p", refused_password_)->group("");  // refused in fill(), never echoed
    domain_ = cli().add_option("--domain,-d", domain_value_, "Domain")->type_name("D");
    phonebook_ = cli().add_option("--phonebook", phonebook_value_, "Phonebook file (default: the system's)")->type_name("P");
    cli().add_flag("--wait,-w", dial_.wait, "Wait until connected (shows the RAS state on a terminal)");
    timeout_ = add_timeout(cli(), timeout_value_, "Give up after S seconds (1..86400)");
    cli().add_flag("--keep", dial_.keep,
                   "Keep it connected: pin the entry (administrators; saved credentials only; see `rasbroker pin`)");
  }
  ~DialCli() override { protocol::wipe(refused_password_); }

  void fill(Command& command) override {
    if (cli().count("--password") > 0) {
      throw ClientError(ClientError::Kind::usage,
                        "--password is not accepted: a password on the command line is visible to other users. "
                        "Use --password-stdin");
    }
    validate_entry_to_dial(dial_.entry);
    command.kind = CommandKind::dial;
    if (user_->count() > 0) dial_.username = username_;
    if (domain_->count() > 0) dial_.domain = domain_value_;
    if (phonebook_->count() > 0) dial_.phonebook = phonebook_value_;
    if (timeout_->count() > 0) dial_.timeout_s = timeout_value_;
    if (password_stdin_) {
      dial_.password_source = PasswordSource::standard_input;
      dial_.password_prompt = "Password: ";
    }
    if (dial_.keep && (dial_.username || dial_.domain || password_stdin_)) {
      throw ClientError(ClientError::Kind::usage,
                        "--keep dials with the credentials saved for the entry: not with --user, --domain or "
                        "--password-stdin (the service never keeps a password for a pinned entry)");
    }
    command.dial = std::move(dial_);
  }

 private:
  DialOptions dial_;
  std::string username_, domain_value_, phonebook_value_, refused_password_;
  bool password_stdin_ = false;
  std::uint32_t timeout_value_ = 0;
  CLI::Option* user_ = nullptr;
  CLI::Option* domain_ = nullptr;
  CLI::Option* phonebook_ = nullptr;
  CLI::Option* timeout_ = nullptr;
};

class HangupCli final : public SubcommandCli {
 public:
  explicit HangupCli(CLI::App& app)
      : SubcommandCli(app, "hangup", "Hang up a connection (by entry, by id, or all)"),
        target_(cli(), "Connection id (see list)"),
        all_(cli().add_flag("--all", hangup_.target.all, "Every connection")) {
    cli().add_flag("--wait,-w", hangup_.wait, "Wait until the connection is gone");
    timeout_ = add_timeout(cli(), timeout_value_, "Give up waiting after S seconds (1..86400)");
  }

  void fill(Command& command) override {
    if (target_.given() + static_cast<int>(all_->count() > 0) != 1) {
      throw ClientError(ClientError::Kind::usage, "hangup needs exactly one of ENTRY, --id ID or --all");
    }
    target_.fill(hangup_.target);
    if (timeout_->count() > 0) hangup_.timeout_s = timeout_value_;
    command.kind = CommandKind::hangup;
    command.hangup = std::move(hangup_);
  }

 private:
  HangupOptions hangup_;
  TargetOptions target_;
  CLI::Option* all_;
  std::uint32_t timeout_value_ = 0;
  CLI::Option* timeout_ = nullptr;
};

class GetCli final : public SubcommandCli {
 public:
  explicit GetCli(CLI::App& app) : SubcommandCli(app, "get", "Show one connection"), target_(cli(), "Connection id") {}

  void fill(Command& command) override {
    if (target_.given() != 1) throw ClientError(ClientError::Kind::usage, "get needs exactly one of ENTRY or --id ID");
    target_.fill(command.get_target);
    command.kind = CommandKind::get;
  }

 private:
  TargetOptions target_;
};

class EntriesCli final : public SubcommandCli {
 public:
  explicit EntriesCli(CLI::App& app)
      : SubcommandCli(app, "entries", "List the phonebook entries"),
        phonebook_(cli().add_option("--phonebook", phonebook_value_, "Phonebook file")->type_name("P")) {}

  void fill(Command& command) override {
    command.kind = CommandKind::entries;
    if (phonebook_->count() > 0) command.phonebook = phonebook_value_;
  }

 private:
  std::string phonebook_value_;
  CLI::Option* phonebook_;
};

// pin ENTRY [--phonebook P], unpin ENTRY.
class PinCli final : public SubcommandCli {
 public:
  PinCli(CLI::App& app, bool pin)
      : SubcommandCli(app, pin ? "pin" : "unpin",
                      pin ? "Keep an entry connected: dial it now and whenever it is down (administrators)"
                          : "Stop keeping an entry connected; its connection stays up (administrators)"),
        pin_(pin) {
    cli().add_option("ENTRY", entry_, "Phonebook entry name")->required();
    if (pin) phonebook_ = cli().add_option("--phonebook", phonebook_value_, "Phonebook file (default: the system's)")->type_name("P");
  }

  void fill(Command& command) override {
    if (pin_) validate_entry_to_dial(entry_);
    else validate_entry_name(entry_);
    command.kind = pin_ ? CommandKind::pin : CommandKind::unpin;
    command.pin_entry = entry_;
    if (phonebook_ && phonebook_->count() > 0) command.phonebook = phonebook_value_;
  }

 private:
  bool pin_;
  std::string entry_, phonebook_value_;
  CLI::Option* phonebook_ = nullptr;
};

// list, watch, status: no options of their own.
class PlainCli final : public SubcommandCli {
 public:
  PlainCli(CLI::App& app, const std::string& name, const std::string& description, CommandKind kind)
      : SubcommandCli(app, name, description), kind_(kind) {}

  void fill(Command& command) override { command.kind = kind_; }

 private:
  CommandKind kind_;
};

// `rasdial ...`: CLI11 sees only the word; rasdial_compat parses the arguments after it
// (throws RasdialHelp for /?).
class RasdialCli final : public SubcommandCli {
 public:
  RasdialCli(CLI::App& app, const std::vector<std::string>& args, std::size_t rasdial_at)
      : SubcommandCli(app, "rasdial",
                      "rasdial.exe syntax: rasdial | rasdial ENTRY [USER [PASSWORD|*]] [/DOMAIN:d] [/PHONEBOOK:f] | "
                      "rasdial [ENTRY] /DISCONNECT  (see `rasbroker rasdial /?`)"),
        args_(args),
        rasdial_at_(rasdial_at) {}

  void fill(Command& command) override {
    const std::vector<std::string> rest(args_.begin() + static_cast<std::ptrdiff_t>(rasdial_at_ + 1), args_.end());
    parse_rasdial_args(rest, rasdial_at_ + 1, command);
  }

 private:
  const std::vector<std::string>& args_;
  std::size_t rasdial_at_;
};

// ---- running CLI11 ------------------------------------------------------------------

// The arguments CLI11 parses: everything up to the word "rasdial" (spelt as the user
// likes), which becomes "rasdial"; what follows is rasdial_compat's.
std::vector<std::string> cli11_arguments(const std::vector<std::string>& args, std::size_t rasdial_at) {
  std::vector<std::string> cli_args(args.begin(),
                                    args.begin() + static_cast<std::ptrdiff_t>(std::min(rasdial_at + 1, args.size())));
  if (cli_args.empty()) cli_args.emplace_back("rasbroker");
  if (rasdial_at < args.size()) cli_args.back() = "rasdial";  // also RASDIAL, Rasdial
  return cli_args;
}

// Never echoes stray arguments: one may be a password (`dial VPN user secret`).
ParseResult stray_arguments_failure(const CLI::App& app, bool json, bool dial_parsed) {
  std::size_t stray = 0;
  std::string options;
  for (const auto& a : app.remaining(true)) {
    if (a.size() > 1 && a[0] == '-' && a.find('=') == std::string::npos) {
      options += (options.empty() ? "" : ", ") + a;
    } else {
      ++stray;
    }
  }
  std::string message;
  if (!options.empty()) message = "unexpected options: " + options;
  if (stray > 0) {
    message += (message.empty() ? "" : "; ") + std::to_string(stray) + " unexpected argument" +
               (stray == 1 ? "" : "s") + " (not shown: they may contain a password)";
  }
  if (message.empty()) message = "unexpected arguments";
  if (dial_parsed) message += "; for rasdial's syntax use `rasbroker rasdial ENTRY USER *`";
  return usage_failure(json, message, kHelpHint);
}

// Runs CLI11; a result when the process should exit instead (help, parse errors).
std::optional<ParseResult> run_cli11(CLI::App& app, const std::vector<std::string>& cli_args, bool json,
                                     const SubcommandCli& dial) {
  std::vector<const char*> argv;
  argv.reserve(cli_args.size());
  for (const auto& a : cli_args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::Success& help) {  // --help, --help-all
    const int code = app.exit(help, out, err);
    return exit_printing(code, out.str());
  } catch (const CLI::ExtrasError&) {
    return stray_arguments_failure(app, json, dial.parsed());
  } catch (const CLI::ParseError& e) {
    if (json) return usage_failure(true, e.what(), "");
    ParseResult r;
    app.exit(e, out, err);
    r.exit_code = exit_code::usage;
    r.out_text = out.str();
    r.err_text = err.str();
    return r;
  }
  return std::nullopt;
}

}  // namespace

void validate_entry_name(const std::string& entry) {
  if (entry.empty()) throw ClientError(ClientError::Kind::usage, "the entry name must not be empty");
  if (code_points(entry) > kMaxEntryLength) {
    throw ClientError(ClientError::Kind::usage,
                      "the entry name is longer than " + std::to_string(kMaxEntryLength) + " characters");
  }
}

void validate_entry_to_dial(const std::string& entry) {
  validate_entry_name(entry);
  if (const std::string problem = protocol::entry_name_problem(entry); !problem.empty()) {
    throw ClientError(ClientError::Kind::usage, "the entry name " + problem);
  }
}

ParseResult parse_command_line(const std::vector<std::string>& args) {
  const bool json_requested = std::find(args.begin(), args.end(), "--json") != args.end();
  const std::size_t rasdial_at = find_rasdial(args);

  CLI::App app{"Controls the rasbroker service, which owns the RAS (VPN / dial-up) connections of this computer.",
               "rasbroker"};
  GlobalOptions globals(app);
  // In the order `--help` lists them.
  DialCli dial(app);
  HangupCli hangup(app);
  PlainCli list(app, "list", "List the connections", CommandKind::list);
  GetCli get(app);
  EntriesCli entries(app);
  PlainCli watch(app, "watch", "Print connection changes as they happen (until Ctrl-C)", CommandKind::watch);
  PlainCli status(app, "status", "Show the service's status", CommandKind::status);
  PinCli pin(app, true);
  PinCli unpin(app, false);
  RasdialCli rasdial(app, args, rasdial_at);

  if (auto exit = run_cli11(app, cli11_arguments(args, rasdial_at), json_requested, dial)) return std::move(*exit);

  Command cmd;
  if (!globals.endpoint.empty()) cmd.endpoint = globals.endpoint;
  cmd.json = globals.json;
  if (globals.version) return exit_printing(exit_code::ok, version_text(cmd.json));
  try {
    const std::array<SubcommandCli*, 10> subcommands{&dial,  &hangup, &list, &get,   &entries,
                                                     &watch, &status, &pin,  &unpin, &rasdial};
    const auto chosen = std::find_if(subcommands.begin(), subcommands.end(), [](auto* s) { return s->parsed(); });
    if (chosen == subcommands.end()) {
      throw ClientError(ClientError::Kind::usage,
                        "a command is required (dial, hangup, list, get, entries, watch, status, pin, unpin, rasdial)");
    }
    (*chosen)->fill(cmd);
  } catch (const RasdialHelp&) {
    return exit_printing(exit_code::ok, rasdial_usage());
  } catch (const ClientError& e) {
    return usage_failure(json_requested || cmd.json, e.what(), kHelpHint);
  }

  ParseResult r;
  r.action = ParseResult::Action::run;
  r.exit_code = exit_code::ok;
  r.command = std::move(cmd);
  return r;
}

}  // namespace rasbroker::client
