#pragma once
// Client-supplied text on its way into a log line, the Event Log or an error message.
// A client chooses every byte of an entry name, a method or an id: unescaped, a '\n'
// forges whole log lines and an escape sequence reaches the administrator's terminal
// raw; uncut, one request can write megabytes.
#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "rasbroker/protocol/limits.hpp"

namespace rasbroker::protocol {

// `text` as a double-quoted JSON string, all ASCII: control characters, DEL and every
// non-ASCII character escaped (\n, \u001b, \u00e9; invalid UTF-8 becomes \ufffd), cut to
// its first `max_bytes` bytes, with `...(N bytes)` after the closing quote when cut.
std::string quoted(std::string_view text, std::size_t max_bytes = kMaxLoggedBytes);

// The same for any JSON value a client sent (an id, params): compact, escaped, cut.
std::string quoted_json(const nlohmann::json& value, std::size_t max_bytes = kMaxLoggedBytes);

}  // namespace rasbroker::protocol
