#pragma once
// %ProgramData%\RasBroker holds the configuration and the logs of a LocalSystem service:
// whoever can write there can reconfigure it (allowed_groups, log.dir, ...). ProgramData's
// own ACL lets every user create files in new subfolders, so the service keeps this one
// to SYSTEM and Administrators (Users may read): it creates the folder so, or repairs the
// DACL of an existing one (inheritable: files and logs\ below follow).
#include <string>

namespace rasbroker::winhost {

// Protected DACL: SYSTEM and Administrators full control, Users read and execute.
inline constexpr const char* kDataFolderSddl = "D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1200a9;;;BU)";

// Creates `path` with kDataFolderSddl, or applies it to the existing folder. Returns ""
// or why it could not (the service runs on; the caller logs it).
std::string secure_data_folder(const std::wstring& path);

}  // namespace rasbroker::winhost
