#pragma once
// A failed Win32 call as an exception that keeps its error code, so a caller can still
// tell the failures apart (and map them to exit codes). Windows only.
#ifdef _WIN32
#include <windows.h>

#include <stdexcept>
#include <string>

#include "win32/win32_message.hpp"

namespace rasbroker {

// what(): "<what>: <the system's text> (error <code>)".
class Win32Error : public std::runtime_error {
 public:
  Win32Error(const std::string& what, DWORD code)
      : std::runtime_error(what + ": " + win32_error_text(code)), code_(code) {}
  DWORD code() const noexcept { return code_; }

 private:
  DWORD code_;
};

}  // namespace rasbroker
#endif
