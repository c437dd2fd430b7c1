#pragma once
// The Linux dev host's transport: a Unix stream socket, mode 0600, client identity
// from SO_PEERCRED. Plays the role the named pipe plays on Windows; what happens to an
// accepted client (the max_clients rule, the session) is the core's (app::Admission).
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <spdlog/logger.h>

#include "app/listener.hpp"

namespace rasbroker::host {

class UnixListener final : public app::Listener {
 public:
  // Binds and listens. A stale socket file (nobody answering) is replaced; a live one
  // (another rasbrokerd) is refused with std::runtime_error saying so.
  UnixListener(boost::asio::io_context& io, std::string path, std::shared_ptr<spdlog::logger> log);
  ~UnixListener() override;
  UnixListener(const UnixListener&) = delete;
  UnixListener& operator=(const UnixListener&) = delete;

  boost::asio::awaitable<void> accept_loop(app::Admission& admission) override;
  // Also removes the socket file.
  void close() override;
  const std::string& path() const override { return path_; }

 private:
  std::string path_;
  std::shared_ptr<spdlog::logger> log_;
  boost::asio::local::stream_protocol::acceptor acceptor_;
};

}  // namespace rasbroker::host
