#pragma once
// Who is on the other end of a pipe instance.
#include <windows.h>

#include <cstdint>
#include <optional>
#include <string>

#include "host/windows/client_token.hpp"

namespace rasbroker::winhost {

// "DOMAIN\name" of an account (LookupAccountSidW); its SID string when it has no name
// (deleted, or from a domain out of reach).
std::string account_name(PSID sid);

// GetNamedPipeClientProcessId; 0 when unknown.
std::int64_t pipe_client_pid(HANDLE pipe);

// What the client's token says (client_token.hpp), by impersonating it just long enough
// to read the token, then RevertToSelf; names are looked up afterwards, as the service.
// Windows allows impersonating a pipe client only after data has been read from it, so
// call this after the first read. Clients connect at SECURITY_IDENTIFICATION level: the
// token can be queried, never used. Returns nullopt (with `why`) when the client cannot
// be identified. If reverting fails the process is terminated: a service thread must
// never keep a client's identity.
std::optional<ClientToken> pipe_client_identity(HANDLE pipe, std::string& why);

}  // namespace rasbroker::winhost
