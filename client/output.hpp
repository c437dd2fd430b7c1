#pragma once
// Human output (aligned tables, key: value listings) and the JSON error document.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <rasbroker/protocol/errors.hpp>
#include <rasbroker/protocol/methods.hpp>
#include <rasbroker/protocol/types.hpp>

namespace rasbroker::client {

// Columns separated by two spaces, padded to the widest cell (in characters, not
// bytes); no trailing blanks. The header row comes first.
std::string format_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);

// "key:  value" lines, keys padded to the widest.
std::string format_key_values(const std::vector<std::pair<std::string, std::string>>& rows);

std::string state_label(const protocol::Connection& c);  // "connected", "hanging_up (stuck)"
std::string owner_label(const protocol::Connection& c);  // "1234/CORP\alice", "adopted (CORP\bob)", "adopted", "-"
std::string since_label(const protocol::Connection& c);  // the time of the current state
std::string error_label(const protocol::ConnectionError& e);  // "691: Access denied"

// list: ID, ENTRY, STATE, RAS STATE, OWNER, SINCE; "No connections." when empty.
std::string format_connection_table(const std::vector<protocol::Connection>& connections);
// list and status: the pinned entries, "Pinned entries:" and one a line (entry, source,
// what it is doing: "retrying in 40 s after 800: ..."), relative to `now`; "" when none.
std::string format_pins(const std::vector<protocol::Pin>& pins, protocol::TimePoint now);
// get: every field of a connection.
std::string format_connection_details(const protocol::Connection& c);
// A system phonebook: "" or ...\Microsoft\Network\Connections\Pbk\rasphone.pbk (the
// all-users one under ProgramData, or a user's under AppData), case-insensitive.
bool is_system_phonebook(std::string_view path);
// entries: one name a line; the phonebook beside it when not a system phonebook.
std::string format_entries(const protocol::EntriesResult& entries);
// status.
std::string format_status(const protocol::StatusResult& status, const std::string& endpoint);
// watch: one event a line.
std::string format_event_line(const protocol::Connection& c, std::string_view timestamp);
// "2h 03m 04s"
std::string format_duration(double seconds);
// `rasbroker rasdial` without arguments, in rasdial.exe's words.
std::string format_rasdial_list(const std::vector<protocol::Connection>& connections);

// The message for an error response: "RAS error 691: <message>" for RAS failures.
std::string error_message(const protocol::RpcError& error);

// {"error": {"code": code, "name": name, "message": message, "data": data}}; code is
// null for errors of the client itself.
nlohmann::json error_document(const nlohmann::json& code, std::string_view name, const std::string& message,
                              const nlohmann::json& data);
nlohmann::json error_document(const protocol::RpcError& error);

// JSON text for output: compact, one line, invalid UTF-8 replaced.
std::string dump_line(const nlohmann::json& j);

// Characters (UTF-8 code points) in s: the width used for alignment.
std::size_t display_width(std::string_view s);

}  // namespace rasbroker::client
