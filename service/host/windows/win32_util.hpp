#pragma once
// Small Win32 helpers shared by the service host: Win32 errors as exceptions, owning
// handles, and the well-known paths under %ProgramData%. Text conversion and error texts
// come from core/ (one place for the whole project).
#include <windows.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "core/utf16.hpp"
#include "core/win32_message.hpp"

namespace rasbroker::winhost {

// A Win32 failure with its error code, so callers can map it to an exit code.
class Win32Error : public std::runtime_error {
 public:
  Win32Error(const std::string& what, DWORD code)
      : std::runtime_error(what + ": " + win32_error_text(code)), code_(code) {}
  DWORD code() const noexcept { return code_; }

 private:
  DWORD code_;
};

// Closes a kernel handle on scope exit (INVALID_HANDLE_VALUE and null mean "none").
class UniqueHandle {
 public:
  UniqueHandle() = default;
  explicit UniqueHandle(HANDLE h) : h_(h) {}
  UniqueHandle(UniqueHandle&& o) noexcept : h_(o.release()) {}
  UniqueHandle& operator=(UniqueHandle&& o) noexcept {
    if (this != &o) reset(o.release());
    return *this;
  }
  UniqueHandle(const UniqueHandle&) = delete;
  UniqueHandle& operator=(const UniqueHandle&) = delete;
  ~UniqueHandle() { reset(); }

  HANDLE get() const noexcept { return h_; }
  explicit operator bool() const noexcept { return h_ != nullptr && h_ != INVALID_HANDLE_VALUE; }
  HANDLE release() noexcept { return std::exchange(h_, INVALID_HANDLE_VALUE); }
  void reset(HANDLE h = INVALID_HANDLE_VALUE) noexcept {
    if (*this) CloseHandle(h_);
    h_ = h;
  }

 private:
  HANDLE h_ = INVALID_HANDLE_VALUE;
};

// %ProgramData% (SHGetKnownFolderPath(FOLDERID_ProgramData)), e.g. C:\ProgramData.
std::wstring program_data_dir();
// %ProgramData%\RasBroker: configuration and logs (data_folder.hpp keeps it protected)
std::wstring default_data_dir();
// %ProgramData%\RasBroker\config.json
std::wstring default_config_path();
// %ProgramData%\RasBroker\logs
std::wstring default_log_dir();

}  // namespace rasbroker::winhost
