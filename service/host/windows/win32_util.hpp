#pragma once
// The well-known paths of the service host under %ProgramData%. The Win32 toolkit
// (service/win32: text conversion, error texts, Win32Error, scoped handles) comes in with
// this header, as every file of the host uses it.
#include <windows.h>

#include <string>

#include "win32/handles.hpp"
#include "win32/utf16.hpp"
#include "win32/win32_error.hpp"
#include "win32/win32_message.hpp"

namespace rasbroker::winhost {

// %ProgramData% (SHGetKnownFolderPath(FOLDERID_ProgramData)), e.g. C:\ProgramData.
std::wstring program_data_dir();
// %ProgramData%\RasBroker: configuration and logs (data_folder.hpp keeps it protected)
std::wstring default_data_dir();
// %ProgramData%\RasBroker\config.json
std::wstring default_config_path();
// %ProgramData%\RasBroker\logs
std::wstring default_log_dir();
// The full path of the running executable (GetModuleFileNameW, however long it is).
std::wstring this_executable_path();

}  // namespace rasbroker::winhost
