#pragma once
// Win32 security descriptors for the pipe (policy: pipe_sddl.hpp) and the data folder:
// group names to SIDs, SDDL to a security descriptor, and reading a DACL back as SDDL.
#include <windows.h>

#include <string>
#include <vector>

#include "win32/handles.hpp"

namespace rasbroker::winhost {

// Resolves configured group names ("Users", "CONTOSO\\VPN Users", or a string SID) with
// LookupAccountNameW. Throws config::ConfigError naming the first group that is unknown
// or is not a group (a user account is refused: the policy grants groups only).
std::vector<std::string> resolve_group_sids(const std::vector<std::string>& names);

// An absolute security descriptor built from SDDL, for SECURITY_ATTRIBUTES.
class SecurityDescriptor {
 public:
  explicit SecurityDescriptor(const std::string& sddl);  // throws Win32Error
  SecurityDescriptor(const SecurityDescriptor&) = delete;
  SecurityDescriptor& operator=(const SecurityDescriptor&) = delete;

  // Non-inheritable handles: the pipe must not leak into processes we start.
  SECURITY_ATTRIBUTES* attributes() { return &attributes_; }

 private:
  LocalPtr<void> sd_;  // attributes_ points into it
  SECURITY_ATTRIBUTES attributes_{};
};

// The DACL of a live kernel object (a pipe instance) as SDDL, e.g. "D:P(D;;FA;;;NU)...".
std::string read_dacl_sddl(HANDLE object);  // throws Win32Error
// The DACL of a file or folder as SDDL.
std::string read_path_dacl_sddl(const std::wstring& path);  // throws Win32Error

// SDDL as Windows itself writes it back (string -> descriptor -> string): the form to
// compare a read-back DACL against.
std::string canonical_dacl_sddl(const std::string& sddl);  // throws Win32Error

}  // namespace rasbroker::winhost
