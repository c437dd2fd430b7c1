#include "host/windows/event_source.hpp"

#include "host/windows/win32_util.hpp"

namespace rasbroker::winhost {

namespace {

// 64-bit view: a 32-bit process would otherwise write under WOW6432Node, which the Event
// Log service does not read.
constexpr REGSAM kView = KEY_WOW64_64KEY;
constexpr DWORD kTypesSupported = EVENTLOG_ERROR_TYPE | EVENTLOG_WARNING_TYPE | EVENTLOG_INFORMATION_TYPE;

std::string failure(const char* what, LSTATUS rc) {
  std::string text = std::string(what) + ": " + win32_error_text(static_cast<DWORD>(rc));
  if (rc == ERROR_ACCESS_DENIED) text += " (run it from an elevated prompt)";
  return text;
}

}  // namespace

std::string register_event_source(const std::wstring& message_file) {
  RegistryKey key;
  LSTATUS rc = RegCreateKeyExW(HKEY_LOCAL_MACHINE, kEventSourceKey, 0, nullptr, REG_OPTION_NON_VOLATILE,
                               KEY_SET_VALUE | kView, nullptr, key.out(), nullptr);
  if (rc != ERROR_SUCCESS) return failure("cannot create the Event Log source's registry key", rc);
  const auto bytes = static_cast<DWORD>((message_file.size() + 1) * sizeof(wchar_t));
  rc = RegSetValueExW(key.get(), L"EventMessageFile", 0, REG_EXPAND_SZ,
                      reinterpret_cast<const BYTE*>(message_file.c_str()), bytes);
  if (rc != ERROR_SUCCESS) return failure("cannot set EventMessageFile", rc);
  rc = RegSetValueExW(key.get(), L"TypesSupported", 0, REG_DWORD, reinterpret_cast<const BYTE*>(&kTypesSupported),
                      sizeof kTypesSupported);
  if (rc != ERROR_SUCCESS) return failure("cannot set TypesSupported", rc);
  return {};
}

std::string unregister_event_source() {
  const LSTATUS rc = RegDeleteKeyExW(HKEY_LOCAL_MACHINE, kEventSourceKey, kView, 0);
  if (rc == ERROR_SUCCESS || rc == ERROR_FILE_NOT_FOUND) return {};
  return failure("cannot delete the Event Log source's registry key", rc);
}

}  // namespace rasbroker::winhost
