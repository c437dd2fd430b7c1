#pragma once
// Reading a password from standard input: on a terminal with a prompt and without
// echo, otherwise one plain line (piped). Trailing "\r\n" / "\n" stripped.
#include <string>

#include <rasbroker/protocol/secret.hpp>

namespace rasbroker::client {

// prompt: written to standard error, only on a terminal. Throws ClientError (usage
// when standard input is empty, local when reading fails).
protocol::Secret read_password_from_stdin(const std::string& prompt);

}  // namespace rasbroker::client
