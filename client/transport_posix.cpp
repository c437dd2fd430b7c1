// Unix socket transport (Linux dev host and any POSIX system).
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "client_error.hpp"
#include "transport.hpp"

namespace rasbroker::client {

namespace {

std::string errno_text(int err) { return std::strerror(err); }  // NOLINT(concurrency-mt-unsafe)

class SocketTransport final : public Transport {
 public:
  SocketTransport() = default;
  explicit SocketTransport(int fd) : fd_(fd) {}
  SocketTransport(const SocketTransport&) = delete;
  SocketTransport& operator=(const SocketTransport&) = delete;
  ~SocketTransport() override { close(); }

  void connect(const std::string& endpoint, std::chrono::milliseconds /*connect_timeout*/) override {
    close();
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (endpoint.empty() || endpoint.size() >= sizeof(addr.sun_path)) {
      throw ClientError(ClientError::Kind::unreachable,
                        "cannot connect to " + endpoint + ": not a usable socket path (empty or longer than " +
                            std::to_string(sizeof(addr.sun_path) - 1) + " bytes)");
    }
    std::memcpy(addr.sun_path, endpoint.data(), endpoint.size());
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      throw ClientError(ClientError::Kind::local, "cannot create a socket: " + errno_text(errno));
    }
    int rc = 0;
    do {
      rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr));
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
      const int err = errno;
      ::close(fd);
      std::string why;
      switch (err) {
        case ENOENT: why = "the socket does not exist"; break;
        case ECONNREFUSED: why = "nothing is listening on the socket"; break;
        case EACCES: why = "permission denied"; break;
        case EAGAIN: why = "the service is not accepting connections"; break;
        default: why = errno_text(err); break;
      }
      throw ClientError(err == EAGAIN ? ClientError::Kind::busy : ClientError::Kind::unreachable,
                        "cannot connect to " + endpoint + ": " + why);
    }
    fd_ = fd;
  }

  void write_all(std::string_view bytes) override {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) continue;
        throw ClientError(ClientError::Kind::disconnected,
                          "the service closed the connection (" + errno_text(errno) + ")");
      }
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  ReadResult read_some(std::optional<std::chrono::milliseconds> timeout) override {
    using Clock = std::chrono::steady_clock;
    const auto deadline = timeout ? Clock::now() + *timeout : Clock::time_point::max();
    for (;;) {
      int wait_ms = -1;
      if (timeout) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
        wait_ms = left < 0 ? 0 : static_cast<int>(std::min<long long>(left, 1'000'000'000));
      }
      pollfd pfd{fd_, POLLIN, 0};
      const int ready = ::poll(&pfd, 1, wait_ms);
      if (ready < 0) {
        if (errno == EINTR) continue;
        throw ClientError(ClientError::Kind::local, "poll failed: " + errno_text(errno));
      }
      if (ready == 0) return {ReadResult::Status::timeout, {}};
      char buffer[16 * 1024];
      const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
      if (n < 0) {
        if (errno == EINTR || errno == EAGAIN) continue;
        if (errno == ECONNRESET) return {ReadResult::Status::eof, {}};
        throw ClientError(ClientError::Kind::disconnected, "reading from the service failed: " + errno_text(errno));
      }
      if (n == 0) return {ReadResult::Status::eof, {}};
      return {ReadResult::Status::data, std::string(buffer, static_cast<std::size_t>(n))};
    }
  }

  void close() noexcept override {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }

 private:
  int fd_ = -1;
};

}  // namespace

std::unique_ptr<Transport> make_platform_transport() { return std::make_unique<SocketTransport>(); }

std::unique_ptr<Transport> adopt_socket(int fd) { return std::make_unique<SocketTransport>(fd); }

}  // namespace rasbroker::client
