#pragma once
// Every bound the service puts on what one client can send or make it do, in one place:
// docs/security.md lists them, and the hostile-input tests assert them.
#include <cstddef>

namespace rasbroker::protocol {

// One request line, '\n' excluded (a '\r' before it counts). Longer lines are refused
// with -32600 and skipped up to the next newline.
constexpr std::size_t kDefaultMaxLineBytes = 64 * 1024;

// Calls in one batch. A larger batch is refused as a whole, with one error (-32600):
// none of its calls runs.
constexpr std::size_t kMaxBatchCalls = 100;

// One answer line (a whole batch answer included). An answer that would be longer is
// replaced by a `response too large` error, so a client that reads is never cut off for
// what it asked. Clients must accept any line up to this size.
constexpr std::size_t kMaxResponseBytes = 16 * 1024 * 1024;

// Client text quoted in an error message, and in a log line or Event Log message
// (escaped, then cut: see log_text.hpp).
constexpr std::size_t kMaxQuotedBytes = 64;
constexpr std::size_t kMaxLoggedBytes = 256;

}  // namespace rasbroker::protocol
