#pragma once
// The transport seam of the hostile-input suite: one client connection to the service,
// over the real client's transport (the Unix socket natively, the named pipe under Wine),
// that tells a line, a close by the service and silence apart — what every case asserts.
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "transport.hpp"

namespace rasbroker::hostile {

class HostileLink {
 public:
  // Connects (throws client::ClientError when the service refuses the connection).
  explicit HostileLink(const std::string& endpoint);

  // Sends every byte; false when the service had already closed the connection.
  bool write(std::string_view bytes);

  enum class Got { line, closed, silent };
  struct Read {
    Got got = Got::silent;
    std::string line;  // with Got::line: without its '\n'
  };
  // The next complete line; `closed` when the service closed the connection first,
  // `silent` when nothing complete came within `deadline`.
  Read read_line(std::chrono::milliseconds deadline = std::chrono::seconds(10));

  // Ends the connection from this side (a client vanishing).
  void close() noexcept { transport_->close(); }

 private:
  std::unique_ptr<client::Transport> transport_;
  std::string buffer_;
};

// This process's resident memory in bytes (the service runs in the test's process).
std::size_t resident_bytes();

}  // namespace rasbroker::hostile
