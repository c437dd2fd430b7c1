#include "host/linux/unix_listener.hpp"

#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdexcept>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

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

// The service's own account stands where SYSTEM does on Windows: it may do everything, as root may.
authz::Caller peer_identity(local::socket& s) {
  authz::Caller who;
  ucred cred{};
  socklen_t len = sizeof cred;
  if (getsockopt(s.native_handle(), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return who;
  who.owner.pid = cred.pid;
  who.admin = cred.uid == 0 || cred.uid == geteuid();
  passwd pw{};
  passwd* found = nullptr;
  char buf[1024];
  if (getpwuid_r(cred.uid, &pw, buf, sizeof buf, &found) == 0 && found) who.owner.user = found->pw_name;
  else who.owner.user = std::to_string(cred.uid);
  return who;
}

}  // namespace

UnixListener::UnixListener(asio::io_context& io, std::string path, std::shared_ptr<spdlog::logger> log)
    : path_(std::move(path)), log_(std::move(log)), acceptor_(io) {
  struct stat st {};
  if (::lstat(path_.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) throw std::runtime_error(path_ + " exists and is not a socket; refusing to replace it");
    if (socket_is_live(io, path_))
      throw std::runtime_error("another rasbrokerd is already listening on " + path_);
    log_->warn("removing stale socket {}", path_);
    ::unlink(path_.c_str());
  }
  // Owner-only from the first instant: no window in which others could connect.
  const mode_t old = ::umask(0177);
  boost::system::error_code ec;
  acceptor_.open(local(), ec);
  if (!ec) acceptor_.bind(local::endpoint(path_), ec);
  ::umask(old);
  if (!ec) ::chmod(path_.c_str(), 0600);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("cannot listen on " + path_ + ": " + ec.message());
  log_->info("listening on {}", path_);
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
    authz::Caller who = peer_identity(socket);
    admission.admit(std::move(socket), std::move(who));
  }
}

}  // namespace rasbroker::host
