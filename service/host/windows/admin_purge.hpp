#pragma once
// rasbrokerd.exe purge-data: what "uninstall and forget" removes beyond the program files
// (the MSI's PURGE=1, or an administrator after a hand uninstall): the data folder
// %ProgramData%\RasBroker, with config.json and logs\. An uninstall without it keeps them,
// so that a reinstall finds the administrator's configuration.
#include <string>

namespace rasbroker::winhost {

// Deletes `folder` and everything in it. Links inside it (junctions, symbolic links) are
// removed as links, never followed. Only a folder named RasBroker (any case), given as an
// absolute path, that is itself a real folder (not a link somewhere else), is touched:
// anything else is refused with std::invalid_argument before anything is deleted. True
// when it was removed, false when there was none. Throws Win32Error naming the file that
// could not be deleted (what was deleted before it stays deleted: a purge has no undo).
bool purge_data_folder(const std::wstring& folder);

}  // namespace rasbroker::winhost
