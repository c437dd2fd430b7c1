#pragma once
// MSI handles (MsiCreateRecord's records) in the toolkit's ScopedHandle, closed with
// MsiCloseHandle. In its own header, not handles.hpp: only the MSI custom action links
// msi.dll, so only it includes msi.h.
#ifdef _WIN32
#include <windows.h>
#include <msi.h>
#include <msiquery.h>

#include "win32/handles.hpp"

namespace rasbroker {

// Never the install session's own handle: msiexec passes that in and closes it.
struct MsiHandleTraits {
  using pointer = MSIHANDLE;
  static pointer none() noexcept { return 0; }
  static bool valid(pointer h) noexcept { return h != 0; }
  static bool close(pointer h) noexcept { return MsiCloseHandle(h) == ERROR_SUCCESS; }
};

using MsiHandle = ScopedHandle<MsiHandleTraits>;

}  // namespace rasbroker
#endif
