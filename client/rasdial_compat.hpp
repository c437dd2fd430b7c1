#pragma once
// rasdial.exe's syntax, so that scripts migrate by one word:
//   rasdial                                           list active connections
//   rasdial ENTRY [USER [PASSWORD|*]] [/DOMAIN:d] [/PHONEBOOK:f]   dial and wait
//   rasdial [ENTRY] /DISCONNECT                       hang up ENTRY (or all)
// Switches start with '/' or '-', are case-insensitive; /DISCONNECT may be /D.
#include <cstddef>
#include <string>
#include <vector>

#include "command_line.hpp"

namespace rasbroker::client {

// Fills command.kind and its options from the arguments after the word "rasdial".
// first_index: the index of args[0] in the whole argument vector (for
// DialOptions::password_arg). Global options (--json, --endpoint E, --endpoint=E)
// are accepted among them too. Throws ClientError(usage) with a message that never
// contains the password; throws RasdialHelp for /? -? -h --help.
void parse_rasdial_args(const std::vector<std::string>& args, std::size_t first_index, Command& command);

struct RasdialHelp {};

std::string rasdial_usage();

}  // namespace rasbroker::client
