#include "host/windows/pipe_security.hpp"

#include <aclapi.h>
#include <sddl.h>

#include "config/service_config.hpp"
#include "security/pipe_sddl.hpp"
#include "host/windows/group_sids.hpp"
#include "host/windows/win32_util.hpp"

namespace rasbroker::winhost {

namespace {

std::string descriptor_to_dacl_sddl(PSECURITY_DESCRIPTOR sd) {
  LocalPtr<wchar_t> text;
  if (!ConvertSecurityDescriptorToStringSecurityDescriptorW(sd, SDDL_REVISION_1, DACL_SECURITY_INFORMATION,
                                                            text.out(), nullptr))
    throw Win32Error("ConvertSecurityDescriptorToStringSecurityDescriptor", GetLastError());
  return narrow(text.get());
}

}  // namespace

std::vector<std::string> resolve_group_sids(const std::vector<std::string>& names) {
  std::vector<std::string> sids;
  for (const auto& name : names) {
    std::string why;
    const auto account = resolve_account(name, why);
    if (!account) {
      if (security::is_sid_string(name)) throw config::ConfigError("allowed_groups: \"" + name + "\" is " + why);
      throw config::ConfigError("allowed_groups: unknown group \"" + name + "\" (" + why + ")");
    }
    if (!account->is_group())
      throw config::ConfigError("allowed_groups: \"" + name + "\" is not a group (only groups may be granted access)");
    sids.push_back(account->sid);
  }
  return sids;
}

SecurityDescriptor::SecurityDescriptor(const std::string& sddl) {
  const std::wstring wide = widen(sddl);
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(wide.c_str(), SDDL_REVISION_1, sd_.out(), nullptr))
    throw Win32Error("the pipe's security descriptor \"" + sddl + "\" is invalid", GetLastError());
  attributes_.nLength = sizeof attributes_;
  attributes_.lpSecurityDescriptor = sd_.get();
  attributes_.bInheritHandle = FALSE;
}

// The descriptors GetSecurityInfo / GetNamedSecurityInfo allocate are LocalPtr too: freed
// also when converting them to SDDL throws.
std::string read_dacl_sddl(HANDLE object) {
  LocalPtr<void> sd;
  const DWORD rc = GetSecurityInfo(object, SE_KERNEL_OBJECT, DACL_SECURITY_INFORMATION, nullptr, nullptr, nullptr,
                                   nullptr, sd.out());
  if (rc != ERROR_SUCCESS) throw Win32Error("GetSecurityInfo", rc);
  return descriptor_to_dacl_sddl(sd.get());
}

std::string read_path_dacl_sddl(const std::wstring& path) {
  LocalPtr<void> sd;
  const DWORD rc = GetNamedSecurityInfoW(path.c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr, nullptr,
                                         nullptr, nullptr, sd.out());
  if (rc != ERROR_SUCCESS) throw Win32Error("GetNamedSecurityInfo " + narrow(path), rc);
  return descriptor_to_dacl_sddl(sd.get());
}

std::string canonical_dacl_sddl(const std::string& sddl) {
  SecurityDescriptor sd(sddl);
  return descriptor_to_dacl_sddl(sd.attributes()->lpSecurityDescriptor);
}

}  // namespace rasbroker::winhost
