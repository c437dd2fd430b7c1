#include "command_line.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <sstream>

#include <nlohmann/json.hpp>
#include <rasbroker/protocol/jsonrpc.hpp>

#include "client_error.hpp"
#include "exit_codes.hpp"
#include "output.hpp"
#include "rasdial_compat.hpp"

#ifndef RASBROKER_VERSION
#define RASBROKER_VERSION "0.0.0-unknown"
#endif

namespace rasbroker::client {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

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
    return iequals(a, "rasdial") ? i : args.size();
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

}  // namespace

void validate_entry_name(const std::string& entry) {
  if (entry.empty()) throw ClientError(ClientError::Kind::usage, "the entry name must not be empty");
  if (code_points(entry) > kMaxEntryLength) {
    throw ClientError(ClientError::Kind::usage,
                      "the entry name is longer than " + std::to_string(kMaxEntryLength) + " characters");
  }
}

ParseResult parse_command_line(const std::vector<std::string>& args) {
  const bool json_requested = std::find(args.begin(), args.end(), "--json") != args.end();
  const std::size_t rasdial_at = find_rasdial(args);
  std::vector<std::string> cli_args(args.begin(), args.begin() + static_cast<std::ptrdiff_t>(
                                                                    std::min(rasdial_at + 1, args.size())));
  if (cli_args.empty()) cli_args.emplace_back("rasbroker");
  if (rasdial_at < args.size()) cli_args.back() = "rasdial";  // also RASDIAL, Rasdial

  Command cmd;
  std::string endpoint;
  bool version = false;

  CLI::App app{"Controls the rasbroker service, which owns the RAS (VPN / dial-up) connections of this computer.",
               "rasbroker"};
  app.fallthrough();
  app.require_subcommand(0, 1);
  app.footer("Exit codes: 0 ok, 2 usage, 3 service unreachable, 4 timeout, 5 RAS error, 6 not found,\n"
             "7 unauthorized, 8 service stopping/busy, 9 protocol error, 1 other local failure.");
  app.add_option("--endpoint", endpoint,
                 "Pipe name or \\\\.\\pipe\\ path (Windows) / socket path (Linux); default: $RASBROKER_ENDPOINT, "
                 "then \\\\.\\pipe\\rasbroker or ${XDG_RUNTIME_DIR:-/tmp}/rasbroker.sock")
      ->type_name("E");
  app.add_flag("--json", cmd.json, "Print exactly one JSON document (watch: one per line)");
  app.add_flag("--version", version, "Print the version and exit");

  // dial
  DialOptions dial;
  std::string dial_user, dial_domain, dial_phonebook, forbidden_password;
  bool password_stdin = false;
  std::uint32_t dial_timeout = 0;
  auto* dial_cmd = app.add_subcommand("dial", "Dial a phonebook entry");
  dial_cmd->add_option("ENTRY", dial.entry, "Phonebook entry name")->required();
  auto* user_opt = dial_cmd->add_option("--user,-u", dial_user, "User name")->type_name("U");
  dial_cmd->add_flag("--password-stdin", password_stdin,
                     "Read the password as one line from standard input (no echo on a terminal)");
  dial_cmd->add_option("--password,-p", forbidden_password)->group("");  // refused below, never echoed
  auto* domain_opt = dial_cmd->add_option("--domain,-d", dial_domain, "Domain")->type_name("D");
  auto* dial_pb_opt = dial_cmd->add_option("--phonebook", dial_phonebook, "Phonebook file (default: the system's)")->type_name("P");
  dial_cmd->add_flag("--wait,-w", dial.wait, "Wait until connected (shows the RAS state on a terminal)");
  auto* dial_timeout_opt = dial_cmd->add_option("--timeout,-t", dial_timeout, "Give up after S seconds (1..86400)")
                               ->check(CLI::Range(1u, kMaxTimeoutSeconds).description(""))
                               ->type_name("S");

  // hangup
  HangupOptions hangup;
  std::string hangup_entry, hangup_id;
  std::uint32_t hangup_timeout = 0;
  auto* hangup_cmd = app.add_subcommand("hangup", "Hang up a connection (by entry, by id, or all)");
  auto* hangup_entry_opt = hangup_cmd->add_option("ENTRY", hangup_entry, "Entry name of the connection");
  auto* hangup_id_opt = hangup_cmd->add_option("--id", hangup_id, "Connection id (see list)")->type_name("ID");
  auto* hangup_all_opt = hangup_cmd->add_flag("--all", hangup.target.all, "Every connection");
  hangup_cmd->add_flag("--wait,-w", hangup.wait, "Wait until the connection is gone");
  auto* hangup_timeout_opt = hangup_cmd->add_option("--timeout,-t", hangup_timeout, "Give up waiting after S seconds (1..86400)")
                                 ->check(CLI::Range(1u, kMaxTimeoutSeconds).description(""))
                                 ->type_name("S");

  auto* list_cmd = app.add_subcommand("list", "List the connections");

  std::string get_entry, get_id;
  auto* get_cmd = app.add_subcommand("get", "Show one connection");
  auto* get_entry_opt = get_cmd->add_option("ENTRY", get_entry, "Entry name of the connection");
  auto* get_id_opt = get_cmd->add_option("--id", get_id, "Connection id")->type_name("ID");

  std::string entries_phonebook;
  auto* entries_cmd = app.add_subcommand("entries", "List the phonebook entries");
  auto* entries_pb_opt = entries_cmd->add_option("--phonebook", entries_phonebook, "Phonebook file")->type_name("P");

  auto* watch_cmd = app.add_subcommand("watch", "Print connection changes as they happen (until Ctrl-C)");
  auto* status_cmd = app.add_subcommand("status", "Show the service's status");
  auto* rasdial_cmd = app.add_subcommand(
      "rasdial", "rasdial.exe syntax: rasdial | rasdial ENTRY [USER [PASSWORD|*]] [/DOMAIN:d] [/PHONEBOOK:f] | "
                 "rasdial [ENTRY] /DISCONNECT  (see `rasbroker rasdial /?`)");

  std::ostringstream out, err;
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return std::string("rasbroker: ") + e.what() + "\nRun with --help for more information.\n";
  });

  std::vector<const char*> argv;
  argv.reserve(cli_args.size());
  for (const auto& a : cli_args) argv.push_back(a.c_str());

  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::CallForHelp& e) {
    ParseResult r;
    r.exit_code = app.exit(e, out, err);
    r.out_text = out.str();
    return r;
  } catch (const CLI::CallForAllHelp& e) {
    ParseResult r;
    r.exit_code = app.exit(e, out, err);
    r.out_text = out.str();
    return r;
  } catch (const CLI::ExtrasError&) {
    // Never echo stray arguments: one may be a password (`dial VPN user secret`).
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
    if (dial_cmd->parsed()) message += "; for rasdial's syntax use `rasbroker rasdial ENTRY USER *`";
    return usage_failure(json_requested, message, "Run with --help for more information.");
  } catch (const CLI::ParseError& e) {
    if (json_requested) return usage_failure(true, e.what(), "");
    ParseResult r;
    app.exit(e, out, err);
    r.exit_code = exit_code::usage;
    r.out_text = out.str();
    r.err_text = err.str();
    return r;
  }
  protocol::wipe(forbidden_password);

  if (!endpoint.empty()) cmd.endpoint = endpoint;
  try {
    if (version) {
      ParseResult r;
      r.exit_code = exit_code::ok;
      r.out_text = version_text(cmd.json);
      return r;
    }
    if (dial_cmd->parsed()) {
      if (dial_cmd->count("--password") > 0) {
        throw ClientError(ClientError::Kind::usage,
                          "--password is not accepted: a password on the command line is visible to other users. "
                          "Use --password-stdin");
      }
      validate_entry_name(dial.entry);
      cmd.kind = CommandKind::dial;
      if (user_opt->count() > 0) dial.username = dial_user;
      if (domain_opt->count() > 0) dial.domain = dial_domain;
      if (dial_pb_opt->count() > 0) dial.phonebook = dial_phonebook;
      if (dial_timeout_opt->count() > 0) dial.timeout_s = dial_timeout;
      if (password_stdin) {
        dial.password_source = PasswordSource::standard_input;
        dial.password_prompt = "Password: ";
      }
      cmd.dial = std::move(dial);
    } else if (hangup_cmd->parsed()) {
      const int given = static_cast<int>(hangup_entry_opt->count() > 0) + static_cast<int>(hangup_id_opt->count() > 0) +
                        static_cast<int>(hangup_all_opt->count() > 0);
      if (given != 1) {
        throw ClientError(ClientError::Kind::usage, "hangup needs exactly one of ENTRY, --id ID or --all");
      }
      if (hangup_entry_opt->count() > 0) {
        validate_entry_name(hangup_entry);
        hangup.target.entry = hangup_entry;
      }
      if (hangup_id_opt->count() > 0) {
        if (hangup_id.empty()) throw ClientError(ClientError::Kind::usage, "--id must not be empty");
        hangup.target.id = hangup_id;
      }
      if (hangup_timeout_opt->count() > 0) hangup.timeout_s = hangup_timeout;
      cmd.kind = CommandKind::hangup;
      cmd.hangup = std::move(hangup);
    } else if (list_cmd->parsed()) {
      cmd.kind = CommandKind::list;
    } else if (get_cmd->parsed()) {
      const int given = static_cast<int>(get_entry_opt->count() > 0) + static_cast<int>(get_id_opt->count() > 0);
      if (given != 1) throw ClientError(ClientError::Kind::usage, "get needs exactly one of ENTRY or --id ID");
      if (get_entry_opt->count() > 0) {
        validate_entry_name(get_entry);
        cmd.get_target.entry = get_entry;
      } else {
        if (get_id.empty()) throw ClientError(ClientError::Kind::usage, "--id must not be empty");
        cmd.get_target.id = get_id;
      }
      cmd.kind = CommandKind::get;
    } else if (entries_cmd->parsed()) {
      cmd.kind = CommandKind::entries;
      if (entries_pb_opt->count() > 0) cmd.phonebook = entries_phonebook;
    } else if (watch_cmd->parsed()) {
      cmd.kind = CommandKind::watch;
    } else if (status_cmd->parsed()) {
      cmd.kind = CommandKind::status;
    } else if (rasdial_cmd->parsed()) {
      const std::vector<std::string> rest(args.begin() + static_cast<std::ptrdiff_t>(rasdial_at + 1), args.end());
      try {
        parse_rasdial_args(rest, rasdial_at + 1, cmd);
      } catch (const RasdialHelp&) {
        ParseResult r;
        r.exit_code = exit_code::ok;
        r.out_text = rasdial_usage();
        return r;
      }
    } else {
      throw ClientError(ClientError::Kind::usage, "a command is required (dial, hangup, list, get, entries, watch, "
                                                  "status, rasdial)");
    }
  } catch (const ClientError& e) {
    return usage_failure(json_requested || cmd.json, e.what(), "Run with --help for more information.");
  }

  ParseResult r;
  r.action = ParseResult::Action::run;
  r.exit_code = exit_code::ok;
  r.command = std::move(cmd);
  return r;
}

}  // namespace rasbroker::client
