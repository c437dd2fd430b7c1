#include "msi_session.hpp"

#include <msiquery.h>

#include "install/settings_refusal.hpp"
#include "win32/msi_handle.hpp"
#include "win32/utf16.hpp"
#include "win32/win32_error.hpp"

namespace rasbroker::installer {

std::string MsiSession::property(std::string_view name) const {
  const std::wstring wide_name = widen(name);
  // First ask for the length (without the NUL), then read into a buffer that fits.
  wchar_t probe[1] = L"";
  DWORD length = 0;
  UINT rc = MsiGetPropertyW(install_, wide_name.c_str(), probe, &length);
  if (rc == ERROR_SUCCESS) return "";
  if (rc != ERROR_MORE_DATA) throw Win32Error("MsiGetProperty(" + std::string(name) + ")", rc);
  std::wstring value(length + 1, L'\0');
  DWORD capacity = length + 1;
  rc = MsiGetPropertyW(install_, wide_name.c_str(), value.data(), &capacity);
  if (rc != ERROR_SUCCESS) throw Win32Error("MsiGetProperty(" + std::string(name) + ")", rc);
  value.resize(capacity);
  return narrow(value);
}

void MsiSession::log_info(std::string_view text) const { process_message(INSTALLMESSAGE_INFO, text); }

void MsiSession::report_error(std::string_view text) const {
  process_message(static_cast<INSTALLMESSAGE>(INSTALLMESSAGE_ERROR | MB_OK | MB_ICONERROR), text);
}

void MsiSession::process_message(INSTALLMESSAGE type, std::string_view text) const {
  // Field 0 is the message's template: MSI formats it, so it carries the text escaped
  // ([NAME] in a value would otherwise become a property's value, on Windows and Wine).
  // A message that cannot be delivered has nowhere else to go: the return code of the
  // custom action still fails or passes the install.
  const MsiHandle record(MsiCreateRecord(0));
  if (!record) return;
  const std::wstring literal = widen(install::msi_literal(text));
  if (MsiRecordSetStringW(record.get(), 0, literal.c_str()) != ERROR_SUCCESS) return;
  MsiProcessMessage(install_, type, record.get());
}

}  // namespace rasbroker::installer
