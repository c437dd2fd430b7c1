#pragma once
// Connection lists written straight to JSON text, without building a json tree.
//
// Why: at 10,000 connections, building one nlohmann::json object per connection, dumping
// it and freeing it was ~75 % of the service's CPU for a `list` (issue 10's profile). The
// text here is the very bytes encode_line() gives for to_json() of the same value (keys in
// nlohmann's order, strings escaped as its dump() with error_handler_t::replace does):
// tests/protocol/json_text_test.cpp checks that for many records, hostile strings included.
#include <string>
#include <string_view>

#include "rasbroker/protocol/methods.hpp"
#include "rasbroker/protocol/types.hpp"

namespace rasbroker::protocol {

// One JSON value, already encoded (compact, no '\n'). A distinct type so that text and a
// JSON string holding text can never be mixed up.
struct RawJson {
  std::string text;
};

// `s` as a JSON string, quotes included. Plain printable ASCII is copied; anything else
// (control characters, quotes, backslashes, non-ASCII, invalid UTF-8) goes through
// nlohmann's own escaping, so the two can never disagree.
void append_json_string(std::string& out, std::string_view s);

// The same text as encode_line(to_json(...)) without its '\n'.
void append_json(std::string& out, const Connection& c);
RawJson to_raw_json(const ConnectionList& r);

}  // namespace rasbroker::protocol
