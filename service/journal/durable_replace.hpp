#pragma once
// How the journal's file store replaces its file: durable_replace (durable_replace.cpp),
// built on three platform steps, one file per platform (durable_replace_posix.cpp,
// durable_replace_win32.cpp; CMake picks one).
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace rasbroker::journal {

// `target` with ".tmp" appended: where a save writes before it replaces.
inline std::filesystem::path temporary_path(const std::filesystem::path& target) {
  std::filesystem::path tmp = target;
  tmp += ".tmp";
  return tmp;
}

// Writes `content` to temporary_path(target), flushes it to disk, calls `before_replace`
// (when set: tests kill the process there), then replaces `target` with it atomically and
// durably — POSIX: fsync the file, rename, fsync the folder; Win32: FlushFileBuffers,
// MoveFileExW(MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH). A crash at any instant
// leaves `target` as it was or as `content`, whole. Returns "" or what failed; a failed
// attempt leaves `target` untouched and removes the temporary file.
std::string durable_replace(const std::filesystem::path& target, std::string_view content,
                            const std::function<void()>& before_replace);

namespace platform {
// Creates or truncates `file`, writes `content`, flushes it to disk and closes it.
std::string write_flushed(const std::filesystem::path& file, std::string_view content);
// Replaces `target` with `from` atomically; returns once the replace itself is on disk.
std::string replace_flushed(const std::filesystem::path& from, const std::filesystem::path& target);
void remove_quietly(const std::filesystem::path& file) noexcept;
}  // namespace platform

}  // namespace rasbroker::journal
