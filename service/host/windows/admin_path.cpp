#include "host/windows/admin_path.hpp"

#include <stdexcept>
#include <vector>

#include "host/windows/win32_util.hpp"
#include "install/path_list.hpp"

namespace rasbroker::winhost {
namespace {

constexpr const wchar_t* kPathValue = L"Path";
// Top-level windows that do not answer within this are skipped (SMTO_ABORTIFHUNG): a hung
// program must not hang an installer.
constexpr UINT kBroadcastTimeoutMs = 5000;

RegistryKey open_environment(REGSAM access) {
  RegistryKey key;
  const LSTATUS rc = RegOpenKeyExW(HKEY_LOCAL_MACHINE, kEnvironmentKey, 0, access, key.out());
  if (rc != ERROR_SUCCESS) throw Win32Error("cannot open HKLM\\" + narrow(kEnvironmentKey), static_cast<DWORD>(rc));
  return key;
}

std::optional<std::wstring> read_path(HKEY key) {
  DWORD type = 0;
  DWORD size = 0;
  std::vector<wchar_t> data;
  for (;;) {
    const LSTATUS rc = RegQueryValueExW(key, kPathValue, nullptr, &type, reinterpret_cast<BYTE*>(data.data()), &size);
    if (rc == ERROR_FILE_NOT_FOUND) return std::nullopt;
    if (rc == ERROR_SUCCESS && !data.empty()) break;
    if (rc != ERROR_SUCCESS && rc != ERROR_MORE_DATA) throw Win32Error("cannot read the machine Path", static_cast<DWORD>(rc));
    data.assign(size / sizeof(wchar_t) + 1, L'\0');  // +1: a value stored without its NUL
    size = static_cast<DWORD>(data.size() * sizeof(wchar_t));
  }
  if (type != REG_EXPAND_SZ && type != REG_SZ)
    throw std::runtime_error("the machine Path is not a string value (type " + std::to_string(type) + "); left alone");
  std::wstring text(data.data(), size / sizeof(wchar_t));
  while (!text.empty() && text.back() == L'\0') text.pop_back();
  return text;
}

void write_path(HKEY key, const std::wstring& text) {
  const auto bytes = static_cast<DWORD>((text.size() + 1) * sizeof(wchar_t));
  const LSTATUS rc =
      RegSetValueExW(key, kPathValue, 0, REG_EXPAND_SZ, reinterpret_cast<const BYTE*>(text.c_str()), bytes);
  if (rc != ERROR_SUCCESS) throw Win32Error("cannot write the machine Path", static_cast<DWORD>(rc));
}

void broadcast_environment_change() {
  DWORD_PTR result = 0;
  // Best effort by nature: a window that ignores it reads the environment at its next start.
  SendMessageTimeoutW(HWND_BROADCAST, WM_SETTINGCHANGE, 0, reinterpret_cast<LPARAM>(L"Environment"),
                      SMTO_ABORTIFHUNG, kBroadcastTimeoutMs, &result);
}

// Reads, changes with `edit` (nullopt: nothing to do), writes, broadcasts.
template <typename Edit>
bool update_machine_path(const std::wstring& folder, Edit edit) {
  const std::string ours = narrow(folder);
  if (const auto problem = install::path_folder_problem(ours); !problem.empty())
    throw std::invalid_argument("folder \"" + ours + "\" " + problem);
  const RegistryKey key = open_environment(KEY_QUERY_VALUE | KEY_SET_VALUE);
  const std::wstring value = read_path(key.get()).value_or(L"");
  // The list is edited as UTF-8: text that would not come back the same (an unpaired
  // surrogate) would be changed along with our entry. Never clobber: refuse.
  const std::string text = narrow(value);
  if (widen(text) != value) throw std::runtime_error("the machine Path is not valid UTF-16; left alone");
  const auto updated = edit(text, ours);
  if (!updated) return false;
  write_path(key.get(), widen(*updated));
  broadcast_environment_change();
  return true;
}

}  // namespace

std::optional<std::wstring> read_machine_path() { return read_path(open_environment(KEY_QUERY_VALUE).get()); }

bool add_to_machine_path(const std::wstring& folder) {
  return update_machine_path(folder, [](const std::string& value, const std::string& ours) {
    return install::path_list_with(value, ours);
  });
}

bool remove_from_machine_path(const std::wstring& folder) {
  return update_machine_path(folder, [](const std::string& value, const std::string& ours) {
    return install::path_list_without(value, ours);
  });
}

std::wstring own_folder() {
  const std::wstring path = this_executable_path();
  return path.substr(0, path.find_last_of(L"\\/"));
}

}  // namespace rasbroker::winhost
