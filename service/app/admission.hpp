#pragma once
// The admission policy both listeners apply to every client they accept: at most
// max_clients connected at once; one more gets a single JSON-RPC `busy` error line and
// is disconnected. Transports differ only in how they accept and who the client is;
// what happens to an accepted stream is decided here, once.
#include <cstddef>
#include <memory>
#include <string>
#include <utility>

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

namespace rasbroker::app {

// The line a refused client gets: {"jsonrpc":"2.0","id":null,"error":{"code":busy,
// "message":"too many clients (N); try again later"}} and '\n'.
std::string busy_line(std::size_t max_clients);

// On the io_context's thread, like the listeners and sessions it serves.
class Admission {
 public:
  Admission(ipc::Dispatcher& dispatcher, std::size_t max_clients, ipc::SessionLimits limits,
            std::shared_ptr<spdlog::logger> log);

  // One accepted client: a session if a place is free (the place is freed when the
  // session ends), else the busy line and the stream is closed. `identify`: see
  // ipc::Session (the pipe learns the client's user only after a read).
  template <class Stream>
  void admit(Stream stream, authz::Caller who, typename ipc::Session<Stream>::IdentifyFn identify = {}) {
    if (!take_place(who)) {
      boost::asio::co_spawn(stream.get_executor(), refuse(std::move(stream), busy_line(max_clients_)),
                            boost::asio::detached);
      return;
    }
    ipc::start_session(std::move(stream), dispatcher_, std::move(who), limits_, log_,
                       [connected = connected_] { --*connected; }, std::move(identify));
  }

  std::size_t connected() const { return *connected_; }
  std::size_t max_clients() const { return max_clients_; }

 private:
  // Counts the client in, or logs its refusal and returns false.
  bool take_place(const authz::Caller& who);

  // The line is far smaller than any transport's buffer (socket, pipe), so the write
  // completes without the client reading; then the stream closes.
  template <class Stream>
  static boost::asio::awaitable<void> refuse(Stream stream, std::string line) {
    co_await boost::asio::async_write(stream, boost::asio::buffer(line),
                                      boost::asio::as_tuple(boost::asio::use_awaitable));
    boost::system::error_code ignored;
    stream.close(ignored);
  }

  ipc::Dispatcher& dispatcher_;
  std::size_t max_clients_;
  ipc::SessionLimits limits_;
  std::shared_ptr<spdlog::logger> log_;
  // Shared with the sessions' end callbacks, which may run after the Admission is gone.
  std::shared_ptr<std::size_t> connected_ = std::make_shared<std::size_t>(0);
};

}  // namespace rasbroker::app
