#pragma once
// The RAS structure sizes the simulated rasapi32.dll accepts (the dwSize check). Its fixed
// WCHAR fields are written and read with the Win32 toolkit (win32/wide_field.hpp).
#include <windows.h>
#include <ras.h>

namespace rasbroker::sim::dll {

// The current sizes with _WIN32_WINNT 0x0A00 (../shared/notes/windows-on-linux.md). Real
// RAS also accepts older layouts; callers built against current headers never send them.
static_assert(sizeof(RASCONNW) == 1372);
static_assert(sizeof(RASCONNSTATUSW) == 564);
static_assert(sizeof(RASDIALPARAMSW) == 2112);
static_assert(sizeof(RASENTRYNAMEW) == 1048);
static_assert(sizeof(RASDIALEXTENSIONS) == 44);
static_assert(sizeof(RASCREDENTIALSW) == 1068);

}  // namespace rasbroker::sim::dll
