// durable_replace's steps on POSIX: write, fsync, rename, fsync the folder (rename(2) is atomic;
// the folder's fsync makes the new directory entry itself survive a power loss).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

#include "journal/durable_replace.hpp"

namespace rasbroker::journal {
namespace {

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) noexcept : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() { close(); }
  int get() const noexcept { return fd_; }
  bool valid() const noexcept { return fd_ >= 0; }
  // Closing a written file is where a late write error shows.
  bool close() noexcept {
    if (fd_ < 0) return true;
    const bool ok = ::close(fd_) == 0;
    fd_ = -1;
    return ok;
  }

 private:
  int fd_;
};

std::string failed(std::string_view what, const std::filesystem::path& path) {
  const int error = errno;
  return std::string(what) + " " + path.string() + ": " + std::generic_category().message(error);
}

bool write_all(int fd, std::string_view content) {
  // In pieces of at most 1 MiB: a large journal grows on disk as it is written.
  constexpr std::size_t kPiece = 1 << 20;
  while (!content.empty()) {
    const ssize_t n = ::write(fd, content.data(), std::min(content.size(), kPiece));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    content.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

namespace platform {

std::string write_flushed(const std::filesystem::path& file_path, std::string_view content) {
  // 0600: the journal names users and entries; it is the service's own file.
  FileDescriptor file(::open(file_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!file.valid()) return failed("cannot create", file_path);
  if (!write_all(file.get(), content)) return failed("cannot write", file_path);
  if (::fsync(file.get()) != 0) return failed("cannot flush", file_path);
  if (!file.close()) return failed("cannot close", file_path);
  return {};
}

std::string replace_flushed(const std::filesystem::path& from, const std::filesystem::path& target) {
  if (::rename(from.c_str(), target.c_str()) != 0) return failed("cannot replace", target);
  // The new journal is in place; if the folder's flush fails, a power loss could still
  // bring back the old one, which is what the caller is told.
  std::filesystem::path folder = target.parent_path();
  if (folder.empty()) folder = ".";
  FileDescriptor dir(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid()) return failed("cannot open the folder", folder);
  if (::fsync(dir.get()) != 0) return failed("cannot flush the folder", folder);
  return {};
}

void remove_quietly(const std::filesystem::path& file) noexcept { ::unlink(file.c_str()); }

}  // namespace platform
}  // namespace rasbroker::journal
