#include "host/windows/data_folder.hpp"

#include <windows.h>
#include <aclapi.h>

#include "host/windows/pipe_security.hpp"
#include "host/windows/win32_util.hpp"

namespace rasbroker::winhost {

std::string secure_data_folder(const std::wstring& path) {
  try {
    SecurityDescriptor sd(kDataFolderSddl);
    if (CreateDirectoryW(path.c_str(), sd.attributes())) return {};
    const DWORD err = GetLastError();
    if (err != ERROR_ALREADY_EXISTS) return "cannot create " + narrow(path) + ": " + win32_error_text(err);
    BOOL present = FALSE;
    BOOL defaulted = FALSE;
    PACL dacl = nullptr;
    if (!GetSecurityDescriptorDacl(sd.attributes()->lpSecurityDescriptor, &present, &dacl, &defaulted))
      return "GetSecurityDescriptorDacl: " + win32_error_text(GetLastError());
    // PROTECTED: nothing inherited from ProgramData (whose ACL lets users create files).
    std::wstring name = path;
    const DWORD rc = SetNamedSecurityInfoW(name.data(), SE_FILE_OBJECT,
                                           DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION, nullptr,
                                           nullptr, dacl, nullptr);
    if (rc != ERROR_SUCCESS) return "cannot restrict " + narrow(path) + ": " + win32_error_text(rc);
    return {};
  } catch (const std::exception& e) {
    return e.what();
  }
}

}  // namespace rasbroker::winhost
