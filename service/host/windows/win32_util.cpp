#include "host/windows/win32_util.hpp"

#include <knownfolders.h>
#include <shlobj.h>

#include <string>

namespace rasbroker::winhost {

std::wstring to_wide(std::string_view utf8) {
  if (utf8.empty()) return {};
  const int n = MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), nullptr, 0);
  std::wstring out(static_cast<std::size_t>(n), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), out.data(), n);
  return out;
}

std::string to_utf8(std::wstring_view wide) {
  if (wide.empty()) return {};
  const int n = WideCharToMultiByte(CP_UTF8, 0, wide.data(), static_cast<int>(wide.size()), nullptr, 0, nullptr,
                                    nullptr);
  std::string out(static_cast<std::size_t>(n), '\0');
  WideCharToMultiByte(CP_UTF8, 0, wide.data(), static_cast<int>(wide.size()), out.data(), n, nullptr, nullptr);
  return out;
}

std::string error_text(DWORD code) {
  wchar_t* text = nullptr;
  const DWORD n = FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM |
                                     FORMAT_MESSAGE_IGNORE_INSERTS,
                                 nullptr, code, 0, reinterpret_cast<wchar_t*>(&text), 0, nullptr);
  std::string message;
  if (n != 0 && text != nullptr) {
    message = to_utf8(std::wstring_view(text, n));
    while (!message.empty() && (message.back() == '\n' || message.back() == '\r' || message.back() == ' '))
      message.pop_back();
  }
  if (text != nullptr) LocalFree(text);
  if (message.empty()) message = "Windows error";
  return message + " (error " + std::to_string(code) + ")";
}

std::wstring program_data_dir() {
  // The known folder is authoritative; the environment variable is only a fallback
  // (it is missing in some stripped-down service environments, not the other way round).
  wchar_t* path = nullptr;
  if (SHGetKnownFolderPath(FOLDERID_ProgramData, 0, nullptr, &path) == S_OK && path != nullptr) {
    std::wstring out(path);
    CoTaskMemFree(path);
    return out;
  }
  CoTaskMemFree(path);
  wchar_t buf[MAX_PATH];
  const DWORD n = GetEnvironmentVariableW(L"ProgramData", buf, MAX_PATH);
  if (n > 0 && n < MAX_PATH) return std::wstring(buf, n);
  return L"C:\\ProgramData";
}

std::wstring default_config_path() { return program_data_dir() + L"\\RasBroker\\config.json"; }

std::wstring default_log_dir() { return program_data_dir() + L"\\RasBroker\\logs"; }

}  // namespace rasbroker::winhost
