// The Win32 RAS functions of the simulated rasapi32.dll: argument and dwSize checks and
// buffer semantics as documented for rasapi32, the behaviour from the simulator engine.
#include <windows.h>
#include <ras.h>
#include <raserror.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "simulator/dll/sim_host.hpp"
#include "simulator/dll/struct_sizes.hpp"
#include "simulator/error_text.hpp"
#include "win32/utf16.hpp"
#include "win32/wide_field.hpp"

using rasbroker::copy_to_wide_buffer;
using rasbroker::copy_to_wide_field;
using rasbroker::narrow;
using rasbroker::ras::ActiveConnection;
using rasbroker::ras::ConnState;
using rasbroker::ras::DialProgress;
using rasbroker::ras::DialProgressFn;
using rasbroker::ras::Handle;
using rasbroker::wide_field_text;
using rasbroker::sim::dll::SimHost;

namespace {

HRASCONN to_hrasconn(Handle h) { return reinterpret_cast<HRASCONN>(static_cast<std::uintptr_t>(h)); }
Handle from_hrasconn(HRASCONN h) { return static_cast<Handle>(reinterpret_cast<std::uintptr_t>(h)); }
RASCONNSTATE to_rascs(ConnState s) { return static_cast<RASCONNSTATE>(static_cast<std::uint32_t>(s)); }

// A scenario value that an output structure's field cannot hold (the scenario bounds
// entry and device names, not phonebook paths or credentials). Real RAS never meets one:
// its phonebook could not store it. Cutting it would hand out another name, so the call
// fails the way RAS fails on a phonebook it cannot load — an error that points the
// developer at the scenario, unlike ERROR_BUFFER_TOO_SMALL, which would only make the
// caller enumerate again with the same result.
constexpr DWORD kValueDoesNotFit = ERROR_CANNOT_LOAD_PHONEBOOK;

bool system_phonebook(const std::string& path) { return rasbroker::sim::all_users_phonebook(path); }

// Overwrites a std::string's characters before it is freed (passwords).
void wipe(std::string& s) {
  if (!s.empty()) SecureZeroMemory(s.data(), s.size());
  s.clear();
}

// A synchronous RasDial (no notifier) waits here until the dial connects or fails.
struct SyncDial {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  DWORD error = 0;
};

// The progress function handed to the engine for one RasDialW call. RAS stops notifying
// a RasDialFunc2 that returns 0.
DialProgressFn make_progress(DWORD notifier_type, LPVOID notifier, ULONG_PTR callback_id,
                             const std::shared_ptr<SyncDial>& sync) {
  if (notifier == nullptr) {
    return [sync](const DialProgress& p) {
      // The outcome: Connected, or an error that ended the dial. A multilink entry's link that
      // fails alone (RASCS_SubEntryDisconnected) leaves the dial going.
      if (p.error == 0 ? p.state != ConnState::Connected : p.state == ConnState::SubEntryDisconnected) return;
      std::lock_guard lock(sync->mu);
      sync->done = true;
      sync->error = p.error;
      sync->cv.notify_all();
    };
  }
  switch (notifier_type) {
    case 0:
      return [fn = reinterpret_cast<RASDIALFUNC>(notifier)](const DialProgress& p) {
        fn(WM_RASDIALEVENT, to_rascs(p.state), p.error);
      };
    case 1:
      return [fn = reinterpret_cast<RASDIALFUNC1>(notifier)](const DialProgress& p) {
        fn(to_hrasconn(p.handle), WM_RASDIALEVENT, to_rascs(p.state), p.error, p.extended_error);
      };
    case 2: {
      auto stopped = std::make_shared<std::atomic<bool>>(false);
      return [fn = reinterpret_cast<RASDIALFUNC2>(notifier), callback_id, stopped](const DialProgress& p) {
        if (stopped->load()) return;
        if (fn(callback_id, p.sub_entry, to_hrasconn(p.handle), WM_RASDIALEVENT, to_rascs(p.state), p.error,
               p.extended_error) == 0) {
          stopped->store(true);  // "stops sending callback notifications for all subentries"
        }
      };
    }
    case 0xFFFFFFFF:
      return [hwnd = static_cast<HWND>(notifier)](const DialProgress& p) {
        PostMessageW(hwnd, WM_RASDIALEVENT, static_cast<WPARAM>(p.state), static_cast<LPARAM>(p.error));
      };
    default:
      return nullptr;
  }
}

// Synchronous RasDial: returns the dial's error once it connected or failed, or 631 when
// the connection was hung up (by another thread) before either.
DWORD wait_for_dial(rasbroker::sim::Simulator& engine, Handle h, SyncDial& sync) {
  std::unique_lock lock(sync.mu);
  for (;;) {
    if (sync.cv.wait_for(lock, std::chrono::milliseconds(50), [&] { return sync.done; })) return sync.error;
    lock.unlock();
    rasbroker::ras::ConnectStatus st;
    const auto rc = engine.get_connect_status(h, st);
    lock.lock();
    if (sync.done) return sync.error;
    if (rc != ERROR_SUCCESS || st.state == ConnState::Disconnected) return ERROR_USER_DISCONNECTION;
  }
}

}  // namespace

extern "C" {

DWORD WINAPI RasDialW(LPRASDIALEXTENSIONS extensions, LPCWSTR phonebook, LPRASDIALPARAMSW params,
                      DWORD notifier_type, LPVOID notifier, LPHRASCONN out) {
  if (params == nullptr || out == nullptr) return ERROR_INVALID_PARAMETER;
  if (params->dwSize != sizeof(RASDIALPARAMSW)) return ERROR_INVALID_SIZE;
  if (extensions != nullptr && extensions->dwSize != sizeof(RASDIALEXTENSIONS)) return ERROR_INVALID_SIZE;
  DWORD error = 0;
  const auto engine = SimHost::instance().engine(error);
  if (!engine) return error;

  auto sync = notifier == nullptr ? std::make_shared<SyncDial>() : nullptr;
  DialProgressFn progress = make_progress(notifier_type, notifier, params->dwCallbackId, sync);
  if (!progress) return ERROR_INVALID_PARAMETER;

  // RasDial as it is: the password taken literally (the saved-password handle included),
  // the EAP information only when RASDIALEXTENSIONS carries some.
  rasbroker::sim::RasDialCall call;
  rasbroker::ras::DialRequest& request = call.params;
  request.entry = wide_field_text(params->szEntryName);
  request.phonebook = phonebook != nullptr ? narrow(phonebook) : std::string();
  request.username = wide_field_text(params->szUserName);
  request.password = wide_field_text(params->szPassword);
  request.domain = wide_field_text(params->szDomain);
  if (extensions != nullptr && extensions->RasEapInfo.dwSizeofEapInfo != 0) {
    if (extensions->RasEapInfo.pbEapInfo == nullptr) return ERROR_INVALID_PARAMETER;
    const BYTE* info = extensions->RasEapInfo.pbEapInfo;
    call.eap_info.emplace(info, info + extensions->RasEapInfo.dwSizeofEapInfo);
  }
  const auto result = engine->ras_dial(call, std::move(progress));
  wipe(request.password);

  *out = to_hrasconn(result.handle);
  if (result.error != 0 || !sync) return result.error;
  return wait_for_dial(*engine, result.handle, *sync);
}

DWORD WINAPI RasHangUpW(HRASCONN conn) {
  DWORD error = 0;
  const auto engine = SimHost::instance().engine(error);
  if (!engine) return error;
  return engine->hang_up(from_hrasconn(conn));
}

DWORD WINAPI RasGetConnectStatusW(HRASCONN conn, LPRASCONNSTATUSW status) {
  if (status == nullptr) return ERROR_INVALID_PARAMETER;
  if (status->dwSize != sizeof(RASCONNSTATUSW)) return ERROR_INVALID_SIZE;
  DWORD error = 0;
  const auto engine = SimHost::instance().engine(error);
  if (!engine) return error;
  rasbroker::ras::ConnectStatus st;
  const auto rc = engine->get_connect_status(from_hrasconn(conn), st);
  if (rc != ERROR_SUCCESS) return rc;
  status->rasconnstate = to_rascs(st.state);
  status->dwError = st.error;
  if (!copy_to_wide_field(status->szDeviceType, st.device_type) ||
      !copy_to_wide_field(status->szDeviceName, st.device_name) || !copy_to_wide_field(status->szPhoneNumber, "")) {
    return kValueDoesNotFit;
  }
  return ERROR_SUCCESS;
}

DWORD WINAPI RasEnumConnectionsW(LPRASCONNW conns, LPDWORD bytes, LPDWORD count) {
  if (bytes == nullptr || count == nullptr) return ERROR_INVALID_PARAMETER;
  if (conns != nullptr && conns->dwSize != sizeof(RASCONNW)) return ERROR_INVALID_SIZE;
  DWORD error = 0;
  const auto engine = SimHost::instance().engine(error);
  if (!engine) return error;

  std::size_t capacity = conns == nullptr ? 0 : *bytes / sizeof(RASCONNW);
  std::vector<ActiveConnection> active(capacity);
  const auto rc = engine->enum_connections_raw(active.empty() ? nullptr : active.data(), capacity);
  *count = 0;
  if (rc == ERROR_BUFFER_TOO_SMALL) {
    *bytes = static_cast<DWORD>(capacity * sizeof(RASCONNW));  // the size needed
    return rc;
  }
  if (rc != ERROR_SUCCESS) return rc;
  for (std::size_t i = 0; i < capacity; ++i) {
    RASCONNW& c = conns[i];
    ZeroMemory(&c, sizeof c);
    c.dwSize = sizeof(RASCONNW);
    c.hrasconn = to_hrasconn(active[i].handle);
    if (!copy_to_wide_field(c.szEntryName, active[i].entry) ||
        !copy_to_wide_field(c.szDeviceType, active[i].device_type) ||
        !copy_to_wide_field(c.szDeviceName, active[i].device_name) ||
        !copy_to_wide_field(c.szPhonebook, active[i].phonebook)) {
      return kValueDoesNotFit;
    }
    c.dwSubEntry = 1;
    c.dwFlags = active[i].flags;
    c.luid.LowPart = static_cast<DWORD>(active[i].logon_luid & 0xFFFFFFFFu);
    c.luid.HighPart = static_cast<LONG>(active[i].logon_luid >> 32);
  }
  *count = static_cast<DWORD>(capacity);
  *bytes = static_cast<DWORD>(capacity * sizeof(RASCONNW));
  return ERROR_SUCCESS;
}

DWORD WINAPI RasEnumEntriesW(LPCWSTR reserved, LPCWSTR phonebook, LPRASENTRYNAMEW entries, LPDWORD bytes,
                             LPDWORD count) {
  if (reserved != nullptr || bytes == nullptr || count == nullptr) return ERROR_INVALID_PARAMETER;
  if (entries != nullptr && entries->dwSize != sizeof(RASENTRYNAMEW)) return ERROR_INVALID_SIZE;
  DWORD error = 0;
  const auto engine = SimHost::instance().engine(error);
  if (!engine) return error;

  std::vector<rasbroker::ras::PhonebookEntry> found;
  const auto rc = engine->enum_entries(phonebook != nullptr ? narrow(phonebook) : std::string(), found);
  if (rc != ERROR_SUCCESS) return rc;
  const DWORD needed = static_cast<DWORD>(found.size() * sizeof(RASENTRYNAMEW));
  *count = 0;
  if (!found.empty() && (entries == nullptr || *bytes < needed)) {
    *bytes = needed;
    return ERROR_BUFFER_TOO_SMALL;
  }
  for (std::size_t i = 0; i < found.size(); ++i) {
    RASENTRYNAMEW& e = entries[i];
    ZeroMemory(&e, sizeof e);
    e.dwSize = sizeof(RASENTRYNAMEW);
    if (!copy_to_wide_field(e.szEntryName, found[i].name) ||
        !copy_to_wide_field(e.szPhonebookPath, found[i].phonebook)) {
      return kValueDoesNotFit;
    }
    e.dwFlags = system_phonebook(found[i].phonebook) ? REN_AllUsers : REN_User;
  }
  *count = static_cast<DWORD>(found.size());
  *bytes = needed;
  return ERROR_SUCCESS;
}

DWORD WINAPI RasGetErrorStringW(UINT code, LPWSTR buffer, DWORD chars) {
  if (buffer == nullptr) return ERROR_INVALID_PARAMETER;
  // Only RAS's own codes: callers fall back to FormatMessage for the others.
  if (code < RASBASE || code > 999) return ERROR_INVALID_PARAMETER;
  const std::wstring text = rasbroker::widen(rasbroker::sim::ras_error_text(code));
  return copy_to_wide_buffer(text, buffer, chars) ? ERROR_SUCCESS : ERROR_INSUFFICIENT_BUFFER;
}

DWORD WINAPI RasConnectionNotificationW(HRASCONN conn, HANDLE event, DWORD flags) {
  DWORD error = 0;
  if (!SimHost::instance().engine(error)) return error;
  return SimHost::instance().register_notification(conn, event, flags);
}

}  // extern "C"
