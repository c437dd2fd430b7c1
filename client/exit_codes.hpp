#pragma once
// Exit codes of `rasbroker` (also in docs/client.md). Stable: scripts test them.
//
//   0  success
//   1  local failure (reading standard input or the console failed, ...)
//   2  usage error: bad command line (every CLI11 parse error), bad input, an entry
//      name RAS would refuse to dial (refused before connecting)
//   3  service unreachable: nothing listens at the endpoint, or the service closed
//      the connection before answering
//   4  timeout: the service's wait / timeout_ms ran out (error code 3), or the
//      service did not answer in time
//   5  RAS failure: RAS reported an error (error code 2), "RAS error 691: ..."
//   6  not found: no such connection or entry (error code 1)
//   7  unauthorized: the service refused the caller (error code 4)
//   8  service unavailable: shutting down (code 5), busy (code 6), all pipe
//      instances busy
//   9  protocol or internal error: a JSON-RPC error (-32700 .. -32600, -32603,
//      -32602, -32601), an unknown error code, or a response that is not valid
#include "client_error.hpp"

namespace rasbroker::client {

namespace exit_code {
constexpr int ok = 0;
constexpr int failure = 1;
constexpr int usage = 2;
constexpr int unreachable = 3;
constexpr int timeout = 4;
constexpr int ras_failure = 5;
constexpr int not_found = 6;
constexpr int unauthorized = 7;
constexpr int unavailable = 8;
constexpr int protocol = 9;
}  // namespace exit_code

// The exit code for an error code of the service (protocol::ErrorCode as int, so
// that codes added by a newer service map too: to exit_code::protocol).
int exit_code_for_rpc_code(int code) noexcept;
int exit_code_for(const ClientError& error) noexcept;

}  // namespace rasbroker::client
