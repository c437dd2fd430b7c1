#pragma once
// The Linux dev host's transport: a Unix stream socket, mode 0600 (or 0660 with a group:
// --socket-group / socket_group), client identity from SO_PEERCRED and SO_PEERGROUPS
// (peer_identity.hpp). Plays the role the named pipe plays on Windows; what happens to an
// accepted client (the max_clients rule, the session) is the core's (app::Admission).
#include <sys/types.h>

#include <memory>
#include <optional>
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
  // `group`: the socket file gets this group and mode 0660 (else mode 0600), set before
  // it accepts anyone; std::runtime_error when it cannot be.
  UnixListener(boost::asio::io_context& io, std::string path, std::shared_ptr<spdlog::logger> log,
               std::optional<gid_t> group = std::nullopt);
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
