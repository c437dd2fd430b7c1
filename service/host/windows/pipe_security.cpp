#include "host/windows/pipe_security.hpp"

#include <aclapi.h>
#include <sddl.h>

#include <memory>

#include "config/service_config.hpp"
#include "security/pipe_sddl.hpp"
#include "host/windows/win32_util.hpp"

namespace rasbroker::winhost {

namespace {

std::string sid_to_string(PSID sid) {
  wchar_t* text = nullptr;
  if (!ConvertSidToStringSidW(sid, &text)) throw Win32Error("ConvertSidToStringSid", GetLastError());
  std::string out = narrow(text);
  LocalFree(text);
  return out;
}

std::string descriptor_to_dacl_sddl(PSECURITY_DESCRIPTOR sd) {
  wchar_t* text = nullptr;
  if (!ConvertSecurityDescriptorToStringSecurityDescriptorW(sd, SDDL_REVISION_1, DACL_SECURITY_INFORMATION, &text,
                                                            nullptr))
    throw Win32Error("ConvertSecurityDescriptorToStringSecurityDescriptor", GetLastError());
  std::string out = narrow(text);
  LocalFree(text);
  return out;
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
      PSID sid = nullptr;
      if (!ConvertStringSidToSidW(wide.c_str(), &sid))
        throw config::ConfigError("allowed_groups: \"" + name + "\" is not a valid SID");
      sids.push_back(sid_to_string(sid));
      LocalFree(sid);
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
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(wide.c_str(), SDDL_REVISION_1, &sd_, nullptr))
    throw Win32Error("the pipe's security descriptor \"" + sddl + "\" is invalid", GetLastError());
  attributes_.nLength = sizeof attributes_;
  attributes_.lpSecurityDescriptor = sd_;
  attributes_.bInheritHandle = FALSE;
}

SecurityDescriptor::~SecurityDescriptor() {
  if (sd_ != nullptr) LocalFree(sd_);
}

namespace {

// The DACL of a descriptor that GetSecurityInfo / GetNamedSecurityInfo allocated; frees it.
std::string take_dacl_sddl(PSECURITY_DESCRIPTOR sd) {
  const std::unique_ptr<void, decltype(&LocalFree)> owned(sd, &LocalFree);
  return descriptor_to_dacl_sddl(sd);
}

}  // namespace

std::string read_dacl_sddl(HANDLE object) {
  PSECURITY_DESCRIPTOR sd = nullptr;
  const DWORD rc = GetSecurityInfo(object, SE_KERNEL_OBJECT, DACL_SECURITY_INFORMATION, nullptr, nullptr, nullptr,
                                   nullptr, &sd);
  if (rc != ERROR_SUCCESS) throw Win32Error("GetSecurityInfo", rc);
  return take_dacl_sddl(sd);
}

std::string read_path_dacl_sddl(const std::wstring& path) {
  PSECURITY_DESCRIPTOR sd = nullptr;
  const DWORD rc = GetNamedSecurityInfoW(path.c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr, nullptr,
                                         nullptr, nullptr, &sd);
  if (rc != ERROR_SUCCESS) throw Win32Error("GetNamedSecurityInfo " + narrow(path), rc);
  return take_dacl_sddl(sd);
}

std::string canonical_dacl_sddl(const std::string& sddl) {
  SecurityDescriptor sd(sddl);
  return descriptor_to_dacl_sddl(sd.attributes()->lpSecurityDescriptor);
}

}  // namespace rasbroker::winhost
