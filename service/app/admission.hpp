#pragma once
// The admission policy both listeners apply to every client they accept: at most
// max_clients connected at once, and at most max_clients_per_user of them for one user
// (one user cannot hold every place); one more gets a single JSON-RPC `busy` error line
// and is disconnected. Transports differ only in how they accept and who the client is;
// what happens to an accepted stream is decided here, once.
//
// When the transport knows the user at accept (the Unix socket), both limits are checked
// then. When it learns the user only after the first read (the pipe), the total is
// checked at accept and the user's share at identification — still `busy`, never
// `unauthorized`: being over the limit is not a lack of rights. Either way a client's
// place (and its user's share, once counted) is freed when its session ends.
#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/logger.h>

#include "authz/caller.hpp"
#include "ipc/dispatcher.hpp"
#include "ipc/session.hpp"
#include "rasbroker/protocol/errors.hpp"

namespace rasbroker::app {

// The line a refused client gets: {"jsonrpc":"2.0","id":null,"error":{"code":busy,
// "message":"too many clients (N); try again later"}} and '\n'.
std::string busy_line(std::size_t max_clients);
// The error a client gets when its user already holds max_clients_per_user places:
// busy, "user CORP\\alice already has N connections to the service (max_clients_per_user)".
protocol::RpcError user_busy_error(const std::string& user, std::size_t held);

// Places taken, in all and per user. Shared by the Admission and the places it gave out,
// whose sessions may end after the Admission is gone.
struct PlaceCounts {
  std::size_t connected = 0;
  std::map<std::string, std::size_t> by_user;
  std::size_t held_by(const std::string& user) const;
};

// One admitted client's place: counted in the total from the start, in its user's share
// once the user is known; both given back when the Place is destroyed (its session ended).
class Place {
 public:
  explicit Place(std::shared_ptr<PlaceCounts> counts) : counts_(std::move(counts)) { ++counts_->connected; }
  ~Place();
  Place(const Place&) = delete;
  Place& operator=(const Place&) = delete;
  // Counts the place in `user`'s share, unless the user already holds `max_per_user`:
  // then false, and nothing is counted.
  bool take_user_share(const std::string& user, std::size_t max_per_user);
  std::size_t held_by(const std::string& user) const { return counts_->held_by(user); }

 private:
  std::shared_ptr<PlaceCounts> counts_;
  std::optional<std::string> user_;  // whose share this place counts in
};

// On the io_context's thread, like the listeners and sessions it serves.
class Admission {
 public:
  Admission(ipc::Dispatcher& dispatcher, std::size_t max_clients, std::size_t max_clients_per_user,
            ipc::SessionLimits limits, std::shared_ptr<spdlog::logger> log);

  // One accepted client: a session if a place is free (the place is freed when the
  // session ends), else the busy line and the stream is closed. `identify`: see
  // ipc::Session (the pipe learns the client's user only after a read); the user's
  // share is checked right after it.
  template <class Stream>
  void admit(Stream stream, authz::Caller who, typename ipc::Session<Stream>::IdentifyFn identify = {}) {
    if (counts_->connected >= max_clients_) {
      log_->warn("refusing client pid {}: {} clients already connected", who.owner.pid, counts_->connected);
      refuse(std::move(stream), busy_line(max_clients_));
      return;
    }
    auto place = std::make_shared<Place>(counts_);
    if (!identify) {
      if (auto refused = take_user_share(*place, who, max_clients_per_user_, *log_)) {
        refuse(std::move(stream), protocol::encode_line(protocol::make_error(nullptr, *refused)));
        return;  // `place` goes: its count is given back
      }
    } else {
      // Owns what it uses: a session may outlive the Admission.
      identify = [transport = std::move(identify), place, max = max_clients_per_user_, log = log_](
                     authz::Caller& caller) {
        if (auto refused = transport(caller)) return refused;
        return take_user_share(*place, caller, max, *log);
      };
    }
    std::erase_if(sessions_, [](const auto& s) { return s.expired(); });
    sessions_.push_back(ipc::start_session(std::move(stream), dispatcher_, std::move(who), limits_, log_,
                                           [place]() mutable { place.reset(); }, std::move(identify)));
  }

  // The service stops (after the broker did): every session sends the answers it has
  // decided and closes (ipc::Session::finish, within its stop_drain_timeout). Completes
  // when every admitted client is gone, or after `limit`.
  boost::asio::awaitable<void> finish_sessions(std::chrono::milliseconds limit);

  std::size_t connected() const { return counts_->connected; }
  std::size_t max_clients() const { return max_clients_; }
  std::size_t max_clients_per_user() const { return max_clients_per_user_; }
  std::size_t held_by(const std::string& user) const { return counts_->held_by(user); }

 private:
  // Counts the client in its user's share, or logs its refusal and returns the error.
  static std::optional<protocol::RpcError> take_user_share(Place& place, const authz::Caller& who,
                                                           std::size_t max_per_user, spdlog::logger& log);

  // The line is far smaller than any transport's buffer (socket, pipe), so the write
  // completes without the client reading; then the stream closes.
  template <class Stream>
  static void refuse(Stream stream, std::string line) {
    auto ex = stream.get_executor();
    boost::asio::co_spawn(ex, write_and_close(std::move(stream), std::move(line)), boost::asio::detached);
  }
  template <class Stream>
  static boost::asio::awaitable<void> write_and_close(Stream stream, std::string line) {
    co_await boost::asio::async_write(stream, boost::asio::buffer(line),
                                      boost::asio::as_tuple(boost::asio::use_awaitable));
    boost::system::error_code ignored;
    stream.close(ignored);
  }

  ipc::Dispatcher& dispatcher_;
  std::size_t max_clients_;
  std::size_t max_clients_per_user_;
  ipc::SessionLimits limits_;
  std::shared_ptr<spdlog::logger> log_;
  std::shared_ptr<PlaceCounts> counts_ = std::make_shared<PlaceCounts>();
  std::vector<std::weak_ptr<ipc::SessionControl>> sessions_;  // admitted, maybe ended
};

}  // namespace rasbroker::app
