#include "host/linux/stderr_log.hpp"

#include <unistd.h>

#include <cerrno>
#include <mutex>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

namespace rasbroker::host {

namespace {

constexpr const char* kPattern = "%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ %v";

// Formatted lines gather in memory and go out in one write() at a flush (or once 32 KiB
// wait): spdlog's stderr sinks write and flush every line.
class BufferedFdSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit BufferedFdSink(int fd) : fd_(fd) {}
  ~BufferedFdSink() override {
    std::lock_guard lock(mutex_);
    write_out();
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    formatter_->format(msg, buffer_);
    if (buffer_.size() >= kMaxBuffered) write_out();
  }
  void flush_() override { write_out(); }

 private:
  static constexpr std::size_t kMaxBuffered = 32 * 1024;

  void write_out() {
    std::size_t at = 0;
    while (at < buffer_.size()) {
      const ssize_t n = ::write(fd_, buffer_.data() + at, buffer_.size() - at);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // stderr closed or full: the lines are lost, the service runs on
      at += static_cast<std::size_t>(n);
    }
    buffer_.clear();
  }

  int fd_;
  spdlog::memory_buf_t buffer_;
};

}  // namespace

std::shared_ptr<spdlog::logger> make_stderr_logger(const std::string& name) {
  std::shared_ptr<spdlog::logger> log;
  if (::isatty(STDERR_FILENO)) {
    log = spdlog::stderr_color_mt(name);
  } else {
    log = std::make_shared<spdlog::logger>(name, std::make_shared<BufferedFdSink>(STDERR_FILENO));
    log->flush_on(spdlog::level::trace);
  }
  log->set_pattern(kPattern);
  return log;
}

}  // namespace rasbroker::host
