#include "host/windows/admin_config.hpp"

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "config/service_config.hpp"
#include "host/windows/pipe_security.hpp"
#include "host/windows/win32_util.hpp"

namespace rasbroker::winhost {

std::optional<std::string> read_config_file(const std::wstring& path) {
  const DWORD attributes = GetFileAttributesW(path.c_str());
  if (attributes == INVALID_FILE_ATTRIBUTES) {
    const DWORD error = GetLastError();
    if (error == ERROR_FILE_NOT_FOUND) return std::nullopt;
    throw Win32Error("cannot read " + narrow(path), error);
  }
  if (attributes & FILE_ATTRIBUTE_DIRECTORY) throw config::ConfigError(narrow(path) + ": is a folder, not a file");
  std::ifstream in(std::filesystem::path(path), std::ios::binary);
  if (!in) throw Win32Error("cannot open " + narrow(path), ERROR_OPEN_FAILED);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

namespace {

void replace_file(const std::wstring& path, const std::string& text) {
  const std::wstring temporary = path + L".new";
  {
    const UniqueHandle file(
        CreateFileW(temporary.c_str(), GENERIC_WRITE, 0, nullptr, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr));
    if (!file) throw Win32Error("cannot create " + narrow(temporary), GetLastError());
    DWORD written = 0;
    if (!WriteFile(file.get(), text.data(), static_cast<DWORD>(text.size()), &written, nullptr) ||
        written != text.size() || !FlushFileBuffers(file.get())) {
      const DWORD error = GetLastError();
      DeleteFileW(temporary.c_str());
      throw Win32Error("cannot write " + narrow(temporary), error);
    }
  }
  if (!MoveFileExW(temporary.c_str(), path.c_str(), MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
    const DWORD error = GetLastError();
    DeleteFileW(temporary.c_str());
    throw Win32Error("cannot replace " + narrow(path), error);
  }
}

}  // namespace

bool write_install_settings(const std::string& path, const config::InstallSettings& settings) {
  const std::wstring file = widen(path);
  const auto text = config::updated_config_text(read_config_file(file), settings, path);
  if (!text) return false;
  // The service resolves allowed_groups at start and refuses a name it cannot: refuse the
  // names given now (those already in the file are the administrator's).
  if (settings.allowed_groups) resolve_group_sids(config::split_group_list(*settings.allowed_groups));
  replace_file(file, *text);
  return true;
}

}  // namespace rasbroker::winhost
