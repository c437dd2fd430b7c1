#include "rasdial_compat.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

#include "client_error.hpp"

namespace rasbroker::client {

namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

[[noreturn]] void usage(const std::string& message) {
  throw ClientError(ClientError::Kind::usage, "rasdial: " + message + " (see `rasbroker rasdial /?`)");
}

bool is_switch(const std::string& a) { return a.size() > 1 && (a[0] == '/' || a[0] == '-'); }

}  // namespace

std::string rasdial_usage() {
  return "rasdial.exe compatibility: scripts migrate by putting `rasbroker` in front.\n"
         "\n"
         "  rasbroker rasdial                      list the active connections\n"
         "  rasbroker rasdial ENTRY [USER [PASSWORD|*]] [/DOMAIN:domain] [/PHONEBOOK:file]\n"
         "                                         dial ENTRY and wait until it is connected\n"
         "  rasbroker rasdial [ENTRY] /DISCONNECT  hang up ENTRY (without ENTRY: every connection)\n"
         "\n"
         "Switches are case-insensitive and may start with / or -; /DISCONNECT may be written /D.\n"
         "PASSWORD `*` reads the password from standard input (prompting without echo on a\n"
         "terminal). A PASSWORD written on the command line is visible to other users of the\n"
         "computer: it is accepted only for compatibility, with a warning. Use `*`.\n"
         "Global options (--json, --endpoint E) may be given before or after `rasdial`.\n";
}

void parse_rasdial_args(const std::vector<std::string>& args, std::size_t first_index, Command& command) {
  struct Positional {
    std::string value;
    std::size_t index;
  };
  std::vector<Positional> positionals;
  bool disconnect = false;
  std::optional<std::string> domain, phonebook;

  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--json") {
      command.json = true;
      continue;
    }
    if (a == "--endpoint") {
      if (i + 1 >= args.size()) usage("--endpoint needs a value");
      command.endpoint = args[++i];
      continue;
    }
    if (a.rfind("--endpoint=", 0) == 0) {
      command.endpoint = a.substr(11);
      continue;
    }
    if (a == "/?" || a == "-?" || a == "-h" || a == "--help") throw RasdialHelp{};
    if (!is_switch(a)) {
      positionals.push_back({a, first_index + i});
      continue;
    }
    const auto colon = a.find(':');
    const std::string name = upper(a.substr(1, colon == std::string::npos ? std::string::npos : colon - 1));
    const std::optional<std::string> value =
        colon == std::string::npos ? std::nullopt : std::optional<std::string>(a.substr(colon + 1));
    if (name == "D" || name == "DISCONNECT") {
      if (value) usage("/DISCONNECT takes no value");
      disconnect = true;
    } else if (name == "DOMAIN" || name == "PHONEBOOK") {
      if (!value || value->empty()) usage("/" + name + " needs a value: /" + name + ":...");
      auto& target = name == "DOMAIN" ? domain : phonebook;
      if (target) usage("/" + name + " is given twice");
      target = *value;
    } else if (name == "PHONE" || name == "CALLBACK" || name == "PREFIXSUFFIX") {
      usage("/" + name + " is not supported by rasbroker");
    } else if (positionals.size() == 2) {
      // Where a password would stand: it may be one that starts with / or -.
      usage("unknown switch (not shown: it may be a password; use * to type the password)");
    } else {
      usage("unknown switch /" + name);
    }
  }

  if (disconnect) {
    if (positionals.size() > 1) usage("/DISCONNECT takes only an entry name, no user or password");
    if (domain || phonebook) usage("/DISCONNECT cannot be combined with /DOMAIN or /PHONEBOOK");
    command.kind = CommandKind::rasdial_hangup;
    command.hangup = HangupOptions{};
    if (positionals.empty()) {
      command.hangup.target.all = true;
    } else {
      validate_entry_name(positionals[0].value);
      command.hangup.target.entry = positionals[0].value;
    }
    return;
  }
  if (positionals.empty()) {
    if (domain || phonebook) usage("an entry name is required with /DOMAIN or /PHONEBOOK");
    command.kind = CommandKind::rasdial_list;
    return;
  }
  if (positionals.size() > 3) usage("too many arguments (at most ENTRY USER PASSWORD)");

  command.kind = CommandKind::rasdial_dial;
  DialOptions& dial = command.dial;
  dial = DialOptions{};
  validate_entry_to_dial(positionals[0].value);
  dial.entry = positionals[0].value;
  if (positionals.size() >= 2 && !positionals[1].value.empty()) dial.username = positionals[1].value;
  if (positionals.size() == 3) {
    if (positionals[2].value == "*") {
      dial.password_source = PasswordSource::standard_input;
      dial.password_prompt = "Enter password: ";
    } else {
      dial.password_source = PasswordSource::literal;
      dial.literal_password = protocol::Secret(positionals[2].value);
      dial.password_arg = positionals[2].index;
    }
  }
  dial.domain = domain;
  dial.phonebook = phonebook;
  dial.wait = true;  // rasdial waits until connected
}

}  // namespace rasbroker::client
