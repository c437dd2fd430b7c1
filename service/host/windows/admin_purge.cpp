#include "host/windows/admin_purge.hpp"

#include <filesystem>
#include <stdexcept>
#include <vector>

#include "core/ascii_case.hpp"
#include "host/windows/win32_util.hpp"

namespace rasbroker::winhost {
namespace {

constexpr const wchar_t* kDataFolderName = L"RasBroker";

bool is_link(DWORD attributes) { return (attributes & FILE_ATTRIBUTE_REPARSE_POINT) != 0; }
bool is_folder(DWORD attributes) { return (attributes & FILE_ATTRIBUTE_DIRECTORY) != 0; }

void remove_one(const std::wstring& path, DWORD attributes) {
  if (is_folder(attributes)) {
    // A link to a folder is removed like an empty folder: its target is left alone.
    if (!RemoveDirectoryW(path.c_str())) throw Win32Error("cannot remove " + narrow(path), GetLastError());
    return;
  }
  // A read-only file (an administrator's copy of a config) would refuse DeleteFile.
  if (attributes & FILE_ATTRIBUTE_READONLY) SetFileAttributesW(path.c_str(), attributes & ~FILE_ATTRIBUTE_READONLY);
  if (!DeleteFileW(path.c_str())) throw Win32Error("cannot delete " + narrow(path), GetLastError());
}

void remove_tree(const std::wstring& folder) {
  // The names first, then the deletions: never delete while iterating the same folder.
  std::vector<std::wstring> names;
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(folder)))
    names.push_back(entry.path().wstring());
  for (const auto& path : names) {
    const DWORD attributes = GetFileAttributesW(path.c_str());
    if (attributes == INVALID_FILE_ATTRIBUTES) throw Win32Error("cannot read " + narrow(path), GetLastError());
    if (is_folder(attributes) && !is_link(attributes)) remove_tree(path);
    remove_one(path, attributes);
  }
}

}  // namespace

bool purge_data_folder(const std::wstring& folder) {
  const std::filesystem::path path(folder);
  if (!path.is_absolute() || !equals_ignoring_ascii_case(narrow(path.filename().wstring()), narrow(kDataFolderName)))
    throw std::invalid_argument("\"" + narrow(folder) + "\" is not a RasBroker data folder: refused");
  const DWORD attributes = GetFileAttributesW(folder.c_str());
  if (attributes == INVALID_FILE_ATTRIBUTES) {
    const DWORD error = GetLastError();
    if (error == ERROR_FILE_NOT_FOUND || error == ERROR_PATH_NOT_FOUND) return false;
    throw Win32Error("cannot read " + narrow(folder), error);
  }
  if (!is_folder(attributes)) throw std::invalid_argument("\"" + narrow(folder) + "\" is not a folder: refused");
  // A link in place of the folder could point anywhere: whoever made it, not us, says what
  // is in it.
  if (is_link(attributes))
    throw std::invalid_argument("\"" + narrow(folder) + "\" is a link to another folder, not the data folder: refused");
  remove_tree(folder);
  remove_one(folder, attributes);
  return true;
}

}  // namespace rasbroker::winhost
