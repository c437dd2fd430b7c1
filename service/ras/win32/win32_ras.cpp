// The Win32 RAS backend (see win32_ras.hpp).
#include "ras/win32/win32_ras.hpp"

#include <windows.h>
#include <ras.h>
#include <raserror.h>

#include <iterator>
#include <stdexcept>
#include <utility>

#include "ras/win32/connection_watch.hpp"
#include "ras/win32/dial_contexts.hpp"
#include "ras/win32/dial_credentials.hpp"
#include "ras/win32/logon_user.hpp"
#include "ras/win32/ras_enum.hpp"
#include "win32/utf16.hpp"
#include "win32/wide_field.hpp"
#include "win32/win32_message.hpp"

namespace rasbroker::ras {
namespace {

using win32::ConnectionWatch;
using win32::DialContexts;
using win32::ras_enumerate;

HRASCONN to_hrasconn(Handle h) { return reinterpret_cast<HRASCONN>(static_cast<std::uintptr_t>(h)); }
Handle from_hrasconn(HRASCONN h) { return static_cast<Handle>(reinterpret_cast<std::uintptr_t>(h)); }

// Wipes RASDIALPARAMSW (it holds a password) when the dial call is done, whatever happens.
struct WipedDialParams {
  RASDIALPARAMSW params{};
  WipedDialParams() { params.dwSize = sizeof params; }
  ~WipedDialParams() { SecureZeroMemory(&params, sizeof params); }
  WipedDialParams(const WipedDialParams&) = delete;
  WipedDialParams& operator=(const WipedDialParams&) = delete;
};

std::string trim_message(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

Win32Ras::Win32Ras(boost::asio::any_io_executor ex) : ex_(std::move(ex)) {
  // Fail the start (service exit code 4) rather than run with a RAS that answers nothing:
  // one enumeration tells whether rasapi32 and the Remote Access Connection Manager work.
  RASCONNW probe{};
  probe.dwSize = sizeof probe;
  DWORD bytes = sizeof probe;
  DWORD count = 0;
  const DWORD rc = RasEnumConnectionsW(&probe, &bytes, &count);
  if (rc != ERROR_SUCCESS && rc != ERROR_BUFFER_TOO_SMALL)
    throw std::runtime_error("RasEnumConnections returned " + std::to_string(rc) + " (" + error_string(rc) + ")");
}

Win32Ras::~Win32Ras() {
  watch_.reset();
  termination_watches_.clear();
  std::lock_guard lock(mu_);
  for (const auto& [h, id] : contexts_) DialContexts::instance().remove(id);
  contexts_.clear();
}

std::string Win32Ras::backend_name() const { return "win32"; }

DialResult Win32Ras::dial(const DialRequest& request, DialProgressFn progress) {
  const std::wstring phonebook = widen(request.phonebook);
  const LPCWSTR phonebook_arg = request.phonebook.empty() ? nullptr : phonebook.c_str();

  // A value longer than its RASDIALPARAMSW field is refused before any RAS call, never
  // cut (a cut name is another entry or another user): an entry name that long cannot
  // exist, so RAS's own answer for an unknown entry; over-long credentials are an
  // invalid parameter (dial_credentials.cpp).
  constexpr DialResult kNoSuchEntry{ERROR_CANNOT_FIND_PHONEBOOK_ENTRY, kNullHandle};
  WipedDialParams dial;
  RASDIALPARAMSW& p = dial.params;
  if (!copy_to_wide_field(p.szEntryName, request.entry)) return kNoSuchEntry;
  // The EAP identity, the client's credentials or the saved ones; RasDial itself would
  // look none of them up. Kept until RasDialW returns (the EAP information).
  win32::DialCredentials credentials;
  if (const DWORD rc = credentials.fill(phonebook_arg, request, p); rc != ERROR_SUCCESS) return {rc, kNullHandle};
  p.dwSubEntry = 0;  // all links of the entry

  // The context must exist before RasDialW: a callback can arrive before it returns.
  const std::uintptr_t id = DialContexts::instance().add(std::move(progress));
  p.dwCallbackId = id;
  HRASCONN conn = nullptr;
  // RASDIALEXTENSIONS only to carry an EAP entry's identity, never with RDEOPT_PausedStates:
  // a service has no UI to answer a paused state (retry authentication, expired password,
  // EAP UI); without the option RAS fails the dial instead of pausing it, which the broker
  // reports and hangs up.
  const DWORD rc = RasDialW(credentials.extensions(), phonebook_arg, &p, 2,
                            reinterpret_cast<LPVOID>(&DialContexts::callback), &conn);

  const Handle h = from_hrasconn(conn);
  if (h == kNullHandle) {
    DialContexts::instance().remove(id);  // no connection: RAS has nothing to call back about
  } else {
    std::lock_guard lock(mu_);
    contexts_.emplace(h, id);
  }
  return {rc, h};
}

void Win32Ras::release_contexts(Handle h) {
  std::lock_guard lock(mu_);
  const auto [first, last] = contexts_.equal_range(h);
  for (auto it = first; it != last; ++it) DialContexts::instance().remove(it->second);
  contexts_.erase(first, last);
}

std::uint32_t Win32Ras::hang_up(Handle h) {
  const DWORD rc = RasHangUpW(to_hrasconn(h));
  // Notifications stop at RasHangUp; any late one is dropped by the context table.
  release_contexts(h);
  return rc;  // 668 (ERROR_NO_CONNECTION) or 6: already gone, reported as is
}

std::uint32_t Win32Ras::get_connect_status(Handle h, ConnectStatus& out) {
  RASCONNSTATUSW st{};
  st.dwSize = sizeof st;
  const DWORD rc = RasGetConnectStatusW(to_hrasconn(h), &st);
  if (rc != ERROR_SUCCESS) return rc;
  out.state = static_cast<ConnState>(static_cast<std::uint32_t>(st.rasconnstate));
  out.error = st.dwError;
  out.device_type = wide_field_text(st.szDeviceType);
  out.device_name = wide_field_text(st.szDeviceName);
  return ERROR_SUCCESS;
}

std::uint32_t Win32Ras::enum_connections(std::vector<ActiveConnection>& out) {
  out.clear();
  std::vector<RASCONNW> conns;
  const DWORD rc = ras_enumerate(conns, [](RASCONNW* buffer, DWORD* bytes, DWORD* count) {
    return RasEnumConnectionsW(buffer, bytes, count);
  });
  if (rc != ERROR_SUCCESS) return rc;
  for (const RASCONNW& c : conns) {
    // LUID: LowPart DWORD, HighPart LONG; carried as one 64-bit value.
    const auto luid = (static_cast<std::uint64_t>(static_cast<std::uint32_t>(c.luid.HighPart)) << 32) | c.luid.LowPart;
    out.push_back({from_hrasconn(c.hrasconn), wide_field_text(c.szEntryName), wide_field_text(c.szPhonebook),
                   wide_field_text(c.szDeviceType), wide_field_text(c.szDeviceName), c.dwFlags, luid,
                   logon_session_user(luid)});
  }
  return ERROR_SUCCESS;
}

std::uint32_t Win32Ras::enum_entries(const std::string& phonebook, std::vector<PhonebookEntry>& out) {
  out.clear();
  const std::wstring path = widen(phonebook);
  const LPCWSTR path_arg = phonebook.empty() ? nullptr : path.c_str();
  std::vector<RASENTRYNAMEW> entries;
  const DWORD rc = ras_enumerate(entries, [path_arg](RASENTRYNAMEW* buffer, DWORD* bytes, DWORD* count) {
    return RasEnumEntriesW(nullptr, path_arg, buffer, bytes, count);
  });
  if (rc != ERROR_SUCCESS) return rc;
  for (const RASENTRYNAMEW& e : entries) {
    out.push_back({wide_field_text(e.szEntryName), wide_field_text(e.szPhonebookPath)});
  }
  return ERROR_SUCCESS;
}

std::string Win32Ras::error_string(std::uint32_t code) {
  WCHAR text[512] = {};
  if (RasGetErrorStringW(code, text, static_cast<DWORD>(std::size(text))) == ERROR_SUCCESS && text[0] != L'\0') {
    return trim_message(wide_field_text(text));
  }
  // Not a RAS code: the system's message table (RasGetErrorString does not set GetLastError).
  std::string message = system_message(code);
  return message.empty() ? "error " + std::to_string(code) : message;
}

void Win32Ras::set_connection_notifier(std::function<void()> changed) {
  watch_.reset();  // the previous callback is never called again: never two at once
  if (!changed) return;
  auto watch = std::make_unique<ConnectionWatch>(ex_, std::move(changed));
  // A failed registration leaves only the broker's backstop poll, which the seam allows
  // ("it may be late or never come").
  if (watch->error() == ERROR_SUCCESS) watch_ = std::move(watch);
}

std::uint32_t Win32Ras::watch_termination(Handle h, std::function<void()> terminated) {
  auto watch = std::make_unique<ConnectionWatch>(ex_, h, std::move(terminated));
  const std::uint32_t rc = watch->error();
  if (rc == ERROR_SUCCESS) termination_watches_[h] = std::move(watch);  // replaces (and closes) an older one
  return rc;
}

void Win32Ras::unwatch_termination(Handle h) { termination_watches_.erase(h); }

}  // namespace rasbroker::ras
