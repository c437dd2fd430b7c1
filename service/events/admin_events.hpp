#pragma once
// The events an administrator must act on (or may alert on), each kind with a stable
// Event ID. The service reports them through AdminEvents; the Windows host writes them to
// the Event Log (host/windows/event_log.hpp) under its message table
// (host/windows/messages.mc, whose IDs a compile-time check keeps equal to these); the
// Linux dev host writes none. The log file has every line either way: an event is in
// addition to the log line, never instead of it. docs/operations.md lists the IDs.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rasbroker::events {

enum class Severity : std::uint8_t { information, warning, error };

// The value is the Event ID Event Viewer shows: stable, never reused for another meaning.
enum class Kind : std::uint16_t {
  service_started = 100,
  service_stopped = 101,
  start_failed = 102,
  config_error = 103,
  stop_incomplete = 104,
  internal_error = 105,
  dial_failed = 200,
  teardown_stuck = 201,
  pin_stopped = 202,
  unauthorized_request = 300,
  pipe_squatted = 301,
  phonebook_untrusted = 302,
  data_folder_unsecured = 303,
  log_file_unavailable = 400,
  settings_not_applied = 401,
  journal_unusable = 402,
};

struct KindInfo {
  Kind kind;
  Severity severity;
  std::size_t inserts;  // how many insertion strings (%1 ... %n) its message takes
  std::string_view name;
};

// Every kind, in ID order.
std::span<const KindInfo> all_kinds();
const KindInfo& info(Kind kind);

// One event: its kind and its insertion strings, already made printable.
struct Event {
  Kind kind;
  std::vector<std::string> inserts;
};

// The seam to where events go. Called from any thread (the io thread, the SCM's thread);
// must not throw, and must not block for long.
using EventWriter = std::function<void(const Event&)>;

// Text fit for an insertion string: control characters as \xNN, cut to `max_bytes` on
// a character boundary (security::printable), and "%%" written "% %" — Event Viewer
// reads "%%N" inside an insertion string as a reference into a parameter message file.
// Every insert passes through it: entry names, users and methods come from clients.
std::string insert_text(std::string_view text, std::size_t max_bytes = 1024);

// The typed front: one call per kind, each with what its message needs. What a client
// chose — an entry name, a method — is written as protocol::quoted writes it into a log
// line (quoted, escaped to ASCII, cut: log_text.hpp), so the message file puts no quotes
// around it. A default-made
// AdminEvents writes nothing. Cheap to copy (it holds only the writer).
class AdminEvents {
 public:
  AdminEvents() = default;
  explicit AdminEvents(EventWriter writer) : writer_(std::move(writer)) {}

  void service_started(std::string_view version, std::string_view clients_on, std::string_view backend) const;
  void service_stopped(std::string_view reason) const;
  void start_failed(std::uint32_t exit_code, std::string_view reason) const;
  void config_error(std::string_view config_file, std::string_view reason) const;
  void stop_incomplete(std::size_t pending, std::int64_t waited_ms) const;
  void internal_error(std::string_view what) const;
  void dial_failed(std::string_view entry, std::uint32_t ras_error, std::string_view ras_text) const;
  void teardown_stuck(std::string_view entry, std::string_view id, std::int64_t after_ms,
                      std::string_view ras_state) const;
  // A pinned entry is no longer dialled: RAS's error is one dialling again cannot fix (bad
  // credentials, no such entry, interactive sign-in); `advice` says what to do.
  void pin_stopped(std::string_view entry, std::uint32_t ras_error, std::string_view ras_text,
                   std::string_view advice) const;
  void unauthorized_request(std::string_view method, std::int64_t pid, std::string_view user,
                            std::string_view reason) const;
  void pipe_squatted(std::string_view reason) const;
  void phonebook_untrusted(std::string_view reason) const;
  void data_folder_unsecured(std::string_view folder, std::string_view reason) const;
  void log_file_unavailable(std::string_view reason) const;
  void settings_not_applied(std::string_view reason) const;
  // The state journal could not be used at start (unreadable, corrupt, from a newer
  // version, or its store could not be opened): `where` it is kept, the `problem`, and what
  // became of the file (`moved_to`: "moved aside to X", or why nothing was moved).
  void journal_unusable(std::string_view where, std::string_view problem, std::string_view moved_to) const;

 private:
  void write(Kind kind, std::vector<std::string> inserts) const;

  EventWriter writer_;
};

}  // namespace rasbroker::events
