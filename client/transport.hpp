#pragma once
// A byte stream to the service: a Unix socket (transport_posix.cpp) or a named pipe
// (transport_win32.cpp). Errors are ClientError: unreachable/busy from connect,
// disconnected from write_all; read_some reports the end of the stream as eof.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace rasbroker::client {

struct ReadResult {
  enum class Status { data, eof, timeout };
  Status status = Status::eof;
  std::string bytes;  // with Status::data: at least one byte
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Connects to the endpoint (socket path / pipe name); waits at most connect_timeout
  // for a busy pipe. Throws ClientError (unreachable, busy).
  virtual void connect(const std::string& endpoint, std::chrono::milliseconds connect_timeout) = 0;
  // Writes every byte. Throws ClientError (disconnected) when the peer went away.
  virtual void write_all(std::string_view bytes) = 0;
  // Waits for some bytes; no timeout = wait as long as it takes.
  virtual ReadResult read_some(std::optional<std::chrono::milliseconds> timeout) = 0;
  virtual void close() noexcept = 0;
};

using TransportFactory = std::function<std::unique_ptr<Transport>()>;

// The transport of this platform, not yet connected.
std::unique_ptr<Transport> make_platform_transport();

#ifndef _WIN32
// A transport over an already connected stream socket (takes ownership): tests use
// it with socketpair().
std::unique_ptr<Transport> adopt_socket(int fd);
#endif

}  // namespace rasbroker::client
