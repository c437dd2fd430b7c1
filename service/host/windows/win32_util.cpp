#include "host/windows/win32_util.hpp"

#include <knownfolders.h>
#include <shlobj.h>

#include <string>

namespace rasbroker::winhost {

std::wstring program_data_dir() {
  // The known folder is authoritative; the environment variable is only a fallback
  // (it is missing in some stripped-down service environments, not the other way round).
  CoTaskMemPtr<wchar_t> path;  // freed even when the call fails
  if (SHGetKnownFolderPath(FOLDERID_ProgramData, 0, nullptr, path.out()) == S_OK && path) return path.get();
  wchar_t buf[MAX_PATH];
  const DWORD n = GetEnvironmentVariableW(L"ProgramData", buf, MAX_PATH);
  if (n > 0 && n < MAX_PATH) return std::wstring(buf, n);
  return L"C:\\ProgramData";
}

std::wstring default_data_dir() { return program_data_dir() + L"\\RasBroker"; }

std::wstring default_config_path() { return default_data_dir() + L"\\config.json"; }

std::wstring default_log_dir() { return default_data_dir() + L"\\logs"; }

std::wstring this_executable_path() {
  // GetModuleFileNameW truncates silently to the buffer (returning its size): grow until
  // the whole path fits.
  std::wstring path(MAX_PATH, L'\0');
  for (;;) {
    const DWORD n = GetModuleFileNameW(nullptr, path.data(), static_cast<DWORD>(path.size()));
    if (n == 0) throw Win32Error("GetModuleFileNameW", GetLastError());
    if (n < path.size()) {
      path.resize(n);
      return path;
    }
    path.resize(path.size() * 2);
  }
}

}  // namespace rasbroker::winhost
