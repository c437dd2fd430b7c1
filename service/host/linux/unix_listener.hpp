#pragma once
// The Linux dev host's transport: a Unix stream socket, mode 0600, client identity
// from SO_PEERCRED. Plays the role the named pipe plays on Windows.
#include <cstddef>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <spdlog/logger.h>

#include "ipc/dispatcher.hpp"
#include "ipc/session.hpp"

namespace rasbroker::host {

// ${XDG_RUNTIME_DIR:-/tmp}/rasbroker.sock
std::string default_socket_path();

class UnixListener {
 public:
  // Binds and listens. A stale socket file (nobody answering) is replaced; a live one
  // (another rasbrokerd) is refused with std::runtime_error saying so.
  UnixListener(boost::asio::io_context& io, std::string path, std::shared_ptr<spdlog::logger> log);
  ~UnixListener();

  // Accepts clients until close(); at most max_clients at once (others get a `busy` error).
  boost::asio::awaitable<void> accept_loop(ipc::Dispatcher& dispatcher, ipc::SessionLimits limits,
                                           std::size_t max_clients);
  void close();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::shared_ptr<spdlog::logger> log_;
  boost::asio::local::stream_protocol::acceptor acceptor_;
  std::shared_ptr<std::size_t> clients_ = std::make_shared<std::size_t>(0);
};

}  // namespace rasbroker::host
