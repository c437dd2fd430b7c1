#include "host/windows/admin_service.hpp"

#include "host/windows/scm.hpp"
#include "host/windows/win32_util.hpp"

namespace rasbroker::winhost {
namespace {

ServiceHandle open_service(const std::wstring& name, DWORD access) {
  const ServiceHandle scm(OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT));
  if (!scm) throw Win32Error("OpenSCManager", GetLastError());
  ServiceHandle service(OpenServiceW(scm.get(), name.c_str(), access));
  if (!service) throw Win32Error("service " + narrow(name), GetLastError());
  return service;
}

void change_config2(const ServiceHandle& service, DWORD level, void* info, const char* what) {
  if (!ChangeServiceConfig2W(service.get(), level, info)) throw Win32Error(what, GetLastError());
}

}  // namespace

void set_recovery_actions(const std::wstring& name, const RecoveryPolicy& policy) {
  // SC_ACTION_RESTART needs SERVICE_START besides SERVICE_CHANGE_CONFIG.
  const ServiceHandle service = open_service(name, SERVICE_CHANGE_CONFIG | SERVICE_START);
  std::vector<SC_ACTION> actions;
  for (const auto delay : policy.restart_delays_ms) actions.push_back({SC_ACTION_RESTART, delay});
  SERVICE_FAILURE_ACTIONSW info{};
  info.dwResetPeriod = policy.reset_after_s;
  info.cActions = static_cast<DWORD>(actions.size());
  info.lpsaActions = actions.data();
  change_config2(service, SERVICE_CONFIG_FAILURE_ACTIONS, &info, "cannot set the recovery actions");
}

void clear_recovery_actions(const std::wstring& name) {
  const ServiceHandle service = open_service(name, SERVICE_CHANGE_CONFIG);
  // cActions 0 with a non-null array deletes the actions and the reset period
  // (SERVICE_FAILURE_ACTIONSW); a null array would leave them as they are.
  SC_ACTION none{SC_ACTION_NONE, 0};
  SERVICE_FAILURE_ACTIONSW info{};
  info.lpsaActions = &none;
  change_config2(service, SERVICE_CONFIG_FAILURE_ACTIONS, &info, "cannot clear the recovery actions");
}

RecoveryPolicy query_recovery_actions(const std::wstring& name) {
  const ServiceHandle service = open_service(name, SERVICE_QUERY_CONFIG);
  DWORD needed = 0;
  std::vector<BYTE> buffer;
  while (!QueryServiceConfig2W(service.get(), SERVICE_CONFIG_FAILURE_ACTIONS, buffer.data(),
                               static_cast<DWORD>(buffer.size()), &needed)) {
    const DWORD error = GetLastError();
    if (error != ERROR_INSUFFICIENT_BUFFER || needed <= buffer.size())
      throw Win32Error("cannot read the recovery actions", error);
    buffer.resize(needed);
  }
  const auto* info = reinterpret_cast<const SERVICE_FAILURE_ACTIONSW*>(buffer.data());
  RecoveryPolicy policy;
  policy.reset_after_s = info->dwResetPeriod;
  for (DWORD i = 0; i < info->cActions; ++i) {
    if (info->lpsaActions[i].Type != SC_ACTION_RESTART)
      throw Win32Error("recovery action " + std::to_string(i + 1) + " is not a restart", ERROR_INVALID_DATA);
    policy.restart_delays_ms.push_back(info->lpsaActions[i].Delay);
  }
  return policy;
}

void configure_service(const std::wstring& name, std::uint32_t preshutdown_ms) {
  const ServiceHandle service = open_service(name, SERVICE_CHANGE_CONFIG);
  static const wchar_t kDependencies[] = L"RasMan\0";  // a double-NUL-terminated list
  if (!ChangeServiceConfigW(service.get(), SERVICE_NO_CHANGE, SERVICE_NO_CHANGE, SERVICE_NO_CHANGE, nullptr, nullptr,
                            nullptr, kDependencies, nullptr, nullptr, kServiceDisplayName))
    throw Win32Error("cannot set the display name and the dependency on RasMan", GetLastError());
  std::wstring text(kServiceDescription);
  SERVICE_DESCRIPTIONW description{text.data()};
  change_config2(service, SERVICE_CONFIG_DESCRIPTION, &description, "cannot set the description");
  SERVICE_PRESHUTDOWN_INFO preshutdown{preshutdown_ms};
  change_config2(service, SERVICE_CONFIG_PRESHUTDOWN_INFO, &preshutdown, "cannot set the preshutdown timeout");
}

}  // namespace rasbroker::winhost
