// rasbroker: the command-line client of the rasbroker service.
#include <iostream>
#include <string>
#include <vector>

#include <rasbroker/protocol/secret.hpp>
#include <rasbroker/protocol/types.hpp>

#include "command_line.hpp"
#include "commands.hpp"
#include "endpoint.hpp"
#include "password_input.hpp"
#include "terminal.hpp"
#include "transport.hpp"

#ifdef _WIN32
// MinGW's runtime would expand wildcards in the arguments: `rasdial VPN user *`
// must keep its `*` (the arguments are read from the UTF-16 command line anyway).
extern "C" {
int _dowildcard = 0;  // NOLINT
}
#endif

int main(int argc, char** argv) {
  using namespace rasbroker::client;
  ConsoleUtf8 console;
  std::vector<std::string> args = utf8_arguments(argc, argv);
  ParseResult parsed = parse_command_line(args);

  // A password written on the command line (rasdial compatibility): take it out of
  // our copies of the arguments and of the process listing as far as we can.
  if (parsed.action == ParseResult::Action::run && parsed.command.dial.password_arg) {
    const std::size_t index = *parsed.command.dial.password_arg;
    if (index < args.size()) rasbroker::protocol::wipe(args[index]);
    hide_argument(argc, argv, index);
  }
  args.clear();

  if (parsed.action == ParseResult::Action::exit) {
    std::cout << parsed.out_text << std::flush;
    std::cerr << parsed.err_text << std::flush;
    return parsed.exit_code;
  }

  const std::string endpoint = resolve_endpoint_from_environment(parsed.command.endpoint);
  Io io{std::cout, std::cerr, stdout_is_terminal(),
        [](const std::string& prompt) { return read_password_from_stdin(prompt); },
        [] { return rasbroker::protocol::format_rfc3339(std::chrono::system_clock::now()); }};
  const int code = run_command(parsed.command, endpoint, io, [] { return make_platform_transport(); });
  std::cout.flush();
  return code;
}
