#include "host/windows/pipe_security.hpp"

#include <aclapi.h>
#include <sddl.h>

#include "config/service_config.hpp"
#include "security/pipe_sddl.hpp"
#include "host/windows/win32_util.hpp"

namespace rasbroker::winhost {

namespace {

std::string sid_to_string(PSID sid) {
  LocalPtr<wchar_t> text;
  if (!ConvertSidToStringSidW(sid, text.out())) throw Win32Error("ConvertSidToStringSid", GetLastError());
  return narrow(text.get());
}

std::string descriptor_to_dacl_sddl(PSECURITY_DESCRIPTOR sd) {
  LocalPtr<wchar_t> text;
  if (!ConvertSecurityDescriptorToStringSecurityDescriptorW(sd, SDDL_REVISION_1, DACL_SECURITY_INFORMATION,
                                                            text.out(), nullptr))
    throw Win32Error("ConvertSecurityDescriptorToStringSecurityDescriptor", GetLastError());
  return narrow(text.get());
}

bool is_group_type(SID_NAME_USE use) {
  return use == SidTypeGroup || use == SidTypeAlias || use == SidTypeWellKnownGroup;
}

}  // namespace

std::vector<std::string> resolve_group_sids(const std::vector<std::string>& names) {
  std::vector<std::string> sids;
  for (const auto& name : names) {
    const std::wstring wide = widen(name);
    if (security::is_sid_string(name)) {
      // Given as a SID: validate it really is one Windows accepts, keep it as written.
      // Scoped: the SID is freed also when sid_to_string throws.
      LocalPtr<void> sid;
      if (!ConvertStringSidToSidW(wide.c_str(), sid.out()))
        throw config::ConfigError("allowed_groups: \"" + name + "\" is not a valid SID");
      sids.push_back(sid_to_string(sid.get()));
      continue;
    }
    DWORD sid_size = 0, domain_size = 0;
    SID_NAME_USE use{};
    LookupAccountNameW(nullptr, wide.c_str(), nullptr, &sid_size, nullptr, &domain_size, &use);
    const DWORD probe_error = GetLastError();
    if (sid_size == 0) {
      throw config::ConfigError("allowed_groups: unknown group \"" + name + "\" (LookupAccountName: " +
                                win32_error_text(probe_error) + ")");
    }
    std::vector<BYTE> sid(sid_size);
    std::wstring domain(domain_size, L'\0');
    if (!LookupAccountNameW(nullptr, wide.c_str(), sid.data(), &sid_size, domain.data(), &domain_size, &use)) {
      throw config::ConfigError("allowed_groups: unknown group \"" + name + "\" (LookupAccountName: " +
                                win32_error_text(GetLastError()) + ")");
    }
    if (!is_group_type(use))
      throw config::ConfigError("allowed_groups: \"" + name + "\" is not a group (only groups may be granted access)");
    sids.push_back(sid_to_string(sid.data()));
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
