#include "host/linux/unix_listener.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "host/linux/peer_identity.hpp"

namespace rasbroker::host {

namespace asio = boost::asio;
using local = asio::local::stream_protocol;

namespace {

// Is somebody answering on this socket path?
bool socket_is_live(asio::io_context& io, const std::string& path) {
  local::socket probe(io);
  boost::system::error_code ec;
  probe.connect(local::endpoint(path), ec);
  return !ec;
}

}  // namespace

UnixListener::UnixListener(asio::io_context& io, std::string path, std::shared_ptr<spdlog::logger> log,
                           std::optional<gid_t> group)
    : path_(std::move(path)), log_(std::move(log)), acceptor_(io) {
  struct stat st {};
  if (::lstat(path_.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) throw std::runtime_error(path_ + " exists and is not a socket; refusing to replace it");
    if (socket_is_live(io, path_))
      throw std::runtime_error("another rasbrokerd is already listening on " + path_);
    log_->warn("removing stale socket {}", path_);
    ::unlink(path_.c_str());
  }
  // Owner-only from the first instant: no window in which others could connect. With a
  // group, the file gets it and 0660 before listen(): until then every connect() is
  // refused, so nobody outside the group ever connects either.
  const mode_t old = ::umask(0177);
  boost::system::error_code ec;
  acceptor_.open(local(), ec);
  if (!ec) acceptor_.bind(local::endpoint(path_), ec);
  ::umask(old);
  if (!ec && group && ::chown(path_.c_str(), static_cast<uid_t>(-1), *group) != 0)
    ec.assign(errno, boost::system::system_category());
  if (!ec && ::chmod(path_.c_str(), group ? 0660 : 0600) != 0) ec.assign(errno, boost::system::system_category());
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    boost::system::error_code ignored;
    if (acceptor_.is_open()) {
      acceptor_.close(ignored);
      ::unlink(path_.c_str());
    }
    throw std::runtime_error("cannot listen on " + path_ + ": " + ec.message());
  }
  if (group) log_->info("listening on {} (mode 0660, group {})", path_, *group);
  else log_->info("listening on {}", path_);
}

UnixListener::~UnixListener() { close(); }

void UnixListener::close() {
  if (!acceptor_.is_open()) return;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  ::unlink(path_.c_str());
}

asio::awaitable<void> UnixListener::accept_loop(app::Admission& admission) {
  for (;;) {
    auto [ec, socket] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
    if (ec) {
      log_->warn("accept failed: {}", ec.message());
      continue;
    }
    authz::Caller who = peer_identity(socket.native_handle(), ::geteuid());
    admission.admit(std::move(socket), std::move(who));
  }
}

}  // namespace rasbroker::host
