#pragma once
// Errors that arise in the client itself (not answers of the service): the service
// cannot be reached, it closed the connection, it did not answer in time, it sent
// something that is not a valid response, or the command line is wrong.
#include <stdexcept>
#include <string>
#include <string_view>

namespace rasbroker::client {

class ClientError : public std::runtime_error {
 public:
  enum class Kind {
    usage,         // bad command line or input (exit 2)
    unreachable,   // cannot connect to the endpoint (exit 3)
    disconnected,  // the service closed the connection before answering (exit 3)
    timeout,       // the service did not answer in time (exit 4)
    busy,          // every pipe instance is busy (exit 8)
    protocol,      // the service sent something that is not a valid response (exit 9)
    local,         // a local failure: reading standard input, ... (exit 1)
  };
  // `says_what_to_do`: the message already names the remedy (e.g. a pipe that refused
  // access exists, so "is the service running?" would mislead); callers add no hint.
  ClientError(Kind kind, std::string message, bool says_what_to_do = false)
      : std::runtime_error(std::move(message)), kind_(kind), says_what_to_do_(says_what_to_do) {}
  Kind kind() const noexcept { return kind_; }
  bool says_what_to_do() const noexcept { return says_what_to_do_; }

 private:
  Kind kind_;
  bool says_what_to_do_;
};

// Stable names used in --json error output: "usage_error", "service_unreachable", ...
std::string_view kind_name(ClientError::Kind kind) noexcept;

}  // namespace rasbroker::client
