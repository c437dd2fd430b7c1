#pragma once
// The Event Log source "RasBroker" in the Application log: the registry key that tells
// Event Viewer where the message table is. The MSI writes it itself; the hand install
// (`sc create`) runs `rasbrokerd.exe register-event-log` (docs/operations.md).
//   HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\RasBroker
//     EventMessageFile  REG_EXPAND_SZ  <the path of rasbrokerd.exe>
//     TypesSupported    REG_DWORD      7 (error, warning, information)
#include <string>

namespace rasbroker::winhost {

inline constexpr const wchar_t* kEventSourceKey =
    LR"(SYSTEM\CurrentControlSet\Services\EventLog\Application\RasBroker)";

// Creates or updates the key with `message_file` (the exe holding the message table).
// "" on success, otherwise what failed (e.g. "access denied: run it elevated").
std::string register_event_source(const std::wstring& message_file);

// Deletes the key; a source that is not registered is success too. "" or what failed.
std::string unregister_event_source();

}  // namespace rasbroker::winhost
