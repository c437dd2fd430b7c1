// Configuration lookup and file helpers of the simulated rasapi32.dll.
#include "simulator/dll/sim_config.hpp"

#include <vector>

#include "win32/handles.hpp"

namespace rasbroker::sim::dll {
namespace {

constexpr const wchar_t* kRegistryKey = L"Software\\RasBroker\\Simulator";

std::wstring environment(const wchar_t* name) {
  const DWORD n = GetEnvironmentVariableW(name, nullptr, 0);
  if (n == 0) return {};
  std::wstring value(n, L'\0');
  const DWORD written = GetEnvironmentVariableW(name, value.data(), n);
  value.resize(written < n ? written : 0);
  return value;
}

std::wstring registry(const wchar_t* value_name) {
  DWORD bytes = 0;
  if (RegGetValueW(HKEY_LOCAL_MACHINE, kRegistryKey, value_name, RRF_RT_REG_SZ, nullptr, nullptr, &bytes) !=
      ERROR_SUCCESS) {
    return {};
  }
  std::wstring value(bytes / sizeof(wchar_t) + 1, L'\0');
  bytes = static_cast<DWORD>(value.size() * sizeof(wchar_t));
  if (RegGetValueW(HKEY_LOCAL_MACHINE, kRegistryKey, value_name, RRF_RT_REG_SZ, nullptr, value.data(), &bytes) !=
      ERROR_SUCCESS) {
    return {};
  }
  value.resize(wcslen(value.c_str()));
  return value;
}

// A reader that opened the file without FILE_SHARE_DELETE (most do) blocks the replace
// for as long as it reads: retry briefly rather than leave a stale state file behind.
DWORD move_over(const std::wstring& from, const std::wstring& to) {
  DWORD rc = ERROR_SUCCESS;
  for (int attempt = 0; attempt < 200; ++attempt) {
    if (MoveFileExW(from.c_str(), to.c_str(), MOVEFILE_REPLACE_EXISTING)) return ERROR_SUCCESS;
    rc = GetLastError();
    if (rc != ERROR_ACCESS_DENIED && rc != ERROR_SHARING_VIOLATION) break;
    Sleep(5);
  }
  return rc;
}

std::wstring lookup(const wchar_t* env_name, const wchar_t* registry_value) {
  auto value = environment(env_name);
  return value.empty() ? registry(registry_value) : value;
}

}  // namespace

SimConfig read_sim_config() { return read_sim_config(nullptr, nullptr); }

SimConfig read_sim_config(const wchar_t* scenario_path, const wchar_t* state_path) {
  SimConfig c;
  c.scenario_path = scenario_path != nullptr ? scenario_path : lookup(L"RASBROKER_SIM_SCENARIO", L"Scenario");
  c.state_path = state_path != nullptr ? state_path : lookup(L"RASBROKER_SIM_STATE", L"StateFile");
  if (c.state_path.empty() && !c.scenario_path.empty()) c.state_path = c.scenario_path + L".state.json";
  c.account = lookup(L"RASBROKER_SIM_ACCOUNT", L"Account");
  if (c.account.empty()) c.account = L"SYSTEM";
  return c;
}

DWORD read_file(const std::wstring& path, std::string& out) {
  const UniqueHandle file(CreateFileW(path.c_str(), GENERIC_READ,
                                     FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr, OPEN_EXISTING,
                                     FILE_ATTRIBUTE_NORMAL, nullptr));
  if (!file) return GetLastError();
  out.clear();
  std::vector<char> chunk(64 * 1024);
  DWORD rc = ERROR_SUCCESS;
  for (;;) {
    DWORD got = 0;
    if (!ReadFile(file.get(), chunk.data(), static_cast<DWORD>(chunk.size()), &got, nullptr)) {
      rc = GetLastError();
      break;
    }
    if (got == 0) break;
    out.append(chunk.data(), got);
  }
  return rc;
}

DWORD replace_file(const std::wstring& path, const std::string& contents) {
  const std::wstring temp = path + L".tmp";
  UniqueHandle file(
      CreateFileW(temp.c_str(), GENERIC_WRITE, 0, nullptr, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr));
  if (!file) return GetLastError();
  DWORD written = 0;
  const BOOL ok = WriteFile(file.get(), contents.data(), static_cast<DWORD>(contents.size()), &written, nullptr);
  DWORD rc = ok && written == contents.size() ? ERROR_SUCCESS : GetLastError();
  // Closed before the move, and checked: a failed close can mean data that never arrived.
  if (!file.close() && rc == ERROR_SUCCESS) rc = GetLastError();
  if (rc == ERROR_SUCCESS) rc = move_over(temp, path);
  if (rc != ERROR_SUCCESS) DeleteFileW(temp.c_str());
  return rc;
}

}  // namespace rasbroker::sim::dll
