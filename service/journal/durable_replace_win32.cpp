// durable_replace's steps on Win32: WriteFile, FlushFileBuffers, then MoveFileExW with
// MOVEFILE_WRITE_THROUGH, which returns only once the move is on disk
// (https://learn.microsoft.com/windows/win32/api/winbase/nf-winbase-movefileexw).
#include <windows.h>

#include <algorithm>

#include "journal/durable_replace.hpp"
#include "win32/handles.hpp"
#include "win32/utf16.hpp"
#include "win32/win32_message.hpp"

namespace rasbroker::journal {
namespace {

std::string failed(std::string_view what, const std::filesystem::path& path) {
  const DWORD error = GetLastError();
  return std::string(what) + " " + narrow(path.native()) + ": " + win32_error_text(error);
}

bool write_all(HANDLE file, std::string_view content) {
  // In pieces of at most 1 MiB (WriteFile counts in a DWORD).
  constexpr std::size_t kPiece = 1 << 20;
  while (!content.empty()) {
    DWORD written = 0;
    const auto piece = static_cast<DWORD>(std::min(content.size(), kPiece));
    if (!WriteFile(file, content.data(), piece, &written, nullptr) || written == 0) return false;
    content.remove_prefix(written);
  }
  return true;
}

}  // namespace

namespace platform {

std::string write_flushed(const std::filesystem::path& path, std::string_view content) {
  // No sharing while it is written; the file inherits the data folder's ACL.
  UniqueHandle file(
      CreateFileW(path.c_str(), GENERIC_WRITE, 0, nullptr, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr));
  if (!file) return failed("cannot create", path);
  if (!write_all(file.get(), content)) return failed("cannot write", path);
  if (!FlushFileBuffers(file.get())) return failed("cannot flush", path);
  if (!file.close()) return failed("cannot close", path);
  return {};
}

std::string replace_flushed(const std::filesystem::path& from, const std::filesystem::path& target) {
  if (!MoveFileExW(from.c_str(), target.c_str(), MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
    return failed("cannot replace", target);
  }
  return {};
}

void remove_quietly(const std::filesystem::path& file) noexcept { DeleteFileW(file.c_str()); }

}  // namespace platform
}  // namespace rasbroker::journal
