#include "host/linux/sim_state_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "simulator/state_document.hpp"

namespace rasbroker::host {
namespace {

std::string errno_text(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

}  // namespace

std::string replace_file_atomically(const std::string& path, const std::string& contents) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return errno_text("cannot create", tmp);
  std::size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      auto why = errno_text("cannot write", tmp);
      ::close(fd);
      return why;
    }
    written += static_cast<std::size_t>(n);
  }
  // No fsync: the simulator's state must survive its process (SIGKILL), not the machine;
  // the page cache outlives the process, and rename() is atomic for every reader.
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return errno_text("cannot replace", path);
  return "";
}

SimStateFile::SimStateFile(std::string path, std::shared_ptr<spdlog::logger> log)
    : path_(std::move(path)), log_(std::move(log)) {}

void SimStateFile::attach(sim::Simulator& sim) {
  if (std::ifstream in(path_, std::ios::binary); in) {
    std::ostringstream text;
    text << in.rdbuf();
    if (auto why = sim::restore_state_document(sim, text.str()); !why.empty()) {
      restore_error_ = path_ + ": not restored: " + why;
      log_->warn("simulator: {}; starting from the scenario", restore_error_);
    } else {
      log_->info("simulator: state restored from {}", path_);
    }
  }
  // The hook runs only while the engine exists, and this object outlives it (dev_host.cpp).
  sim.set_change_hook([this, &sim] { write(sim); });
  write(sim);
}

void SimStateFile::write(const sim::Simulator& sim) {
  std::lock_guard lock(write_mu_);
  // The snapshot is taken inside the lock: the last write always holds the latest state.
  const auto doc = sim::state_document(sim, restore_error_);
  if (auto why = replace_file_atomically(path_, doc.dump(2) + "\n"); !why.empty()) {
    log_->warn("simulator: {}", why);
  }
}

}  // namespace rasbroker::host
