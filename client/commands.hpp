#pragma once
// Executing a parsed Command against the service.
#include <functional>
#include <iosfwd>
#include <string>

#include <rasbroker/protocol/secret.hpp>

#include "command_line.hpp"
#include "transport.hpp"

namespace rasbroker::client {

struct Io {
  std::ostream& out;
  std::ostream& err;
  bool out_is_terminal = false;  // live RAS state line for `dial --wait`
  // Reads a password (prompt shown on a terminal): read_password_from_stdin in main.
  std::function<protocol::Secret(const std::string& prompt)> read_password;
  // The timestamp of a watch event: now, RFC 3339.
  std::function<std::string()> now;
};

// Runs the command; prints results on io.out and errors on io.err ("rasbroker: ...")
// or, with --json, one JSON document on io.out. Returns the exit code.
int run_command(const Command& command, const std::string& endpoint, Io& io, const TransportFactory& make_transport);

// How long to wait for the answer to a request that does not wait for RAS.
constexpr std::chrono::milliseconds kReplyTimeout{30'000};
// Extra time over a --timeout before the client gives up on the service itself.
constexpr std::chrono::milliseconds kReplyGrace{30'000};
constexpr std::chrono::milliseconds kConnectTimeout{5'000};

}  // namespace rasbroker::client
