#pragma once
// The Windows Event Log for the service's admin events (events/admin_events.hpp): each
// kind under its own ID from the message table (messages.mc, built into rasbrokerd.exe)
// and its own type, with its insertion strings, so Event Viewer shows the table's text
// and admins can filter and alert on the ID.
//
// Why not spdlog's win_eventlog_sink: it reports every message under one event ID fixed
// per sink, as a single insertion string — no per-kind IDs, no message text of our own.
#include <windows.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "events/admin_events.hpp"

namespace rasbroker::winhost {

inline constexpr const wchar_t* kEventSource = L"RasBroker";

// The seam to ReportEventW: tests put a fake behind it (Wine's event log cannot be read
// back). Called from any thread.
class EventLogApi {
 public:
  virtual ~EventLogApi() = default;
  // One event: its type (EVENTLOG_*_TYPE), its full message ID (messages.h) and its
  // insertion strings. False when the system refused it.
  virtual bool report(WORD type, DWORD event_id, const std::vector<std::wstring>& inserts) = 0;
};

// The real one: RegisterEventSourceW(kEventSource) once, ReportEventW per event.
std::unique_ptr<EventLogApi> make_win32_event_log();

// A kind's full message ID and its Event Log type; nullopt for a kind the table lacks
// (a test proves there is none).
struct EventMessage {
  DWORD id;
  WORD type;
};
std::optional<EventMessage> event_message(events::Kind kind);

// The seam's writer for AdminEvents: maps each event to its ID and type, widens its
// inserts (already printable and capped) and reports it. A failed report is dropped:
// the log file has the same line.
events::EventWriter event_log_writer(std::shared_ptr<EventLogApi> api);

}  // namespace rasbroker::winhost
