#pragma once
// One client connection: read bytes, frame lines, decode, dispatch, write — in
// straight-line co_await code. Works on any Asio byte stream (Unix socket on Linux,
// a named pipe instance on Windows).
//
// Requests of one client are handled in order; responses and subscription
// notifications share one bounded outbox drained by a writer coroutine, so a client
// that stops reading can only fill its own outbox — then it is disconnected — and
// never stalls the broker or other clients.
#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "core/notifier.hpp"
#include "ipc/dispatcher.hpp"
#include "rasbroker/protocol/errors.hpp"
#include "rasbroker/protocol/framing.hpp"
#include "rasbroker/protocol/jsonrpc.hpp"
#include "rasbroker/protocol/secret.hpp"

namespace rasbroker::ipc {

// What a client that the transport cannot identify gets (IdentifyFn).
inline protocol::RpcError unidentified_client_error() {
  return protocol::RpcError(protocol::ErrorCode::unauthorized,
                            "the service cannot tell which user this client runs as; "
                            "connect with at least the identification impersonation level");
}

struct SessionLimits {
  std::size_t max_line_bytes = protocol::kDefaultMaxLineBytes;
  std::size_t max_outbox_bytes = 4 * 1024 * 1024;  // unread output before we give up on a client
  // A client that has sent no complete line by then is disconnected: a connection that
  // only sits there must not keep one of the max_clients places.
  std::chrono::milliseconds first_request_timeout{10'000};
};

template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  // Identification hook: some transports learn who the client is only once it has
  // sent something (a Windows pipe server may impersonate its client only after a
  // read). If set, it runs once, after the first successful read and before that
  // data is dispatched, and completes the caller. An error instead: the client gets
  // that one error line (`unauthorized` when it cannot be told apart from anyone else:
  // unidentified_client_error(); `busy` when its user already holds all the places it
  // may) and is disconnected; nothing it sent is dispatched.
  using IdentifyFn = std::function<std::optional<protocol::RpcError>(authz::Caller&)>;

  Session(Stream stream, Dispatcher& dispatcher, authz::Caller caller, SessionLimits limits,
          std::shared_ptr<spdlog::logger> log, IdentifyFn identify_after_first_read = {})
      : stream_(std::move(stream)),
        dispatcher_(dispatcher),
        limits_(limits),
        log_(std::move(log)),
        identify_after_first_read_(std::move(identify_after_first_read)),
        outbox_ready_(stream_.get_executor()),
        outbox_drained_(stream_.get_executor()),
        framer_(limits.max_line_bytes) {
    client_.caller = std::move(caller);
    client_.refusals = dispatcher_.new_refusal_log();
  }

  // Runs until the client disconnects or misbehaves beyond repair.
  boost::asio::awaitable<void> run() {
    using namespace boost::asio::experimental::awaitable_operators;
    auto self = this->shared_from_this();
    std::weak_ptr<Session> weak = self;
    client_.send_notification = [weak](nlohmann::json message) {
      if (auto s = weak.lock()) s->enqueue(protocol::encode_line(message));
    };
    log_->debug("client pid {} user '{}' connected", client_.caller.owner.pid, client_.caller.owner.user);
    co_await (read_then_drain() || write_loop() || first_request_deadline());
    client_.subscription.reset();
    boost::system::error_code ignored;
    stream_.close(ignored);
    log_->debug("client pid {} disconnected", client_.caller.owner.pid);
  }

 private:
  // Completes — ending the session — only when no complete line came in time; otherwise
  // it waits until the session ends for another reason (and is cancelled then).
  boost::asio::awaitable<void> first_request_deadline() {
    Timer timer(stream_.get_executor(), Clock::now() + limits_.first_request_timeout);
    boost::system::error_code ec;
    co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    if (ec) co_return;  // cancelled: the session is ending anyway
    if (lines_seen_ > 0) {
      timer.expires_at(Clock::time_point::max());
      co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
      co_return;
    }
    log_->warn("client pid {} sent no request within {} ms: disconnecting it", client_.caller.owner.pid,
               limits_.first_request_timeout.count());
    closing_ = true;
    boost::system::error_code ignored;
    stream_.close(ignored);  // ends the pending read and write, whatever the transport
    outbox_ready_.notify_all();
  }

  // After the client stops sending (it may half-close after its last request), the
  // answers still pending go out, for a bounded time.
  boost::asio::awaitable<void> read_then_drain() {
    using namespace boost::asio::experimental::awaitable_operators;
    co_await read_loop();
    Timer limit(stream_.get_executor(), Clock::now() + std::chrono::seconds(5));
    boost::system::error_code ec;
    while (!outbox_.empty() && !closing_ && Clock::now() < limit.expiry())
      co_await (outbox_drained_.wait() || limit.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec)));
  }

  boost::asio::awaitable<void> read_loop() {
    std::string chunk(16 * 1024, '\0');
    for (;;) {
      auto [ec, n] = co_await stream_.async_read_some(boost::asio::buffer(chunk),
                                                      boost::asio::as_tuple(boost::asio::use_awaitable));
      if (ec) co_return;  // eof, ERROR_BROKEN_PIPE, reset: a normal disconnect
      if (identify_after_first_read_) {
        if (auto refused = std::exchange(identify_after_first_read_, {})(client_.caller)) {
          protocol::wipe(chunk);  // may hold a password
          enqueue(protocol::encode_line(protocol::make_error(nullptr, *refused)));
          co_return;
        }
        log_->debug("client pid {} identified as '{}'", client_.caller.owner.pid, client_.caller.owner.user);
      }
      framer_.feed(std::string_view(chunk.data(), n));
      while (auto frame = framer_.next()) {
        ++lines_seen_;
        if (frame->kind == protocol::Frame::Kind::too_long) {
          const auto refused = protocol::make_error(
              nullptr, protocol::RpcError(protocol::ErrorCode::invalid_request,
                                          "line longer than " + std::to_string(limits_.max_line_bytes) +
                                              " bytes; skipped up to the next newline"));
          client_.refusals->refuse_answer(client_.caller, refused);
          enqueue(protocol::encode_line(refused));
          continue;
        }
        co_await handle_line(frame->text);
        protocol::wipe(frame->text);  // the raw line may hold a password
        if (closing_) co_return;
      }
    }
  }

  boost::asio::awaitable<void> handle_line(const std::string& line) {
    protocol::Incoming in = protocol::parse_incoming(line);
    client_.refusals->begin_line();  // one refusal line for the whole line, however many calls it refuses
    nlohmann::json batch = nlohmann::json::array();
    for (auto& entry : in.entries) {
      std::optional<nlohmann::json> response;
      if (auto* call = std::get_if<protocol::Call>(&entry)) {
        response = co_await dispatcher_.handle(std::move(*call), client_);
      } else {
        // Refused before dispatch (not JSON, not JSON-RPC): a refusal too. The message is
        // ours; what it quotes of the client's text is escaped and cut.
        response = std::move(std::get<nlohmann::json>(entry));
        client_.refusals->refuse_answer(client_.caller, *response);
      }
      if (!response) continue;
      if (in.batch) batch.push_back(std::move(*response));
      else enqueue(protocol::encode_line(*response));
    }
    client_.refusals->end_line(in.entries.size(), in.batch);
    if (in.batch && !batch.empty()) enqueue(protocol::encode_line(batch));
  }

  void enqueue(std::string line) {
    if (closing_) return;
    outbox_bytes_ += line.size();
    if (outbox_bytes_ > limits_.max_outbox_bytes) {
      log_->warn("client pid {} is not reading ({} bytes pending): disconnecting it", client_.caller.owner.pid,
                 outbox_bytes_);
      closing_ = true;
      boost::system::error_code ignored;
      stream_.close(ignored);  // ends both loops
      outbox_ready_.notify_all();
      return;
    }
    outbox_.push_back(std::move(line));
    outbox_ready_.notify_all();
  }

  boost::asio::awaitable<void> write_loop() {
    for (;;) {
      if (outbox_.empty()) {
        if (closing_) co_return;
        co_await outbox_ready_.wait();
        continue;
      }
      std::string line = std::move(outbox_.front());
      outbox_.pop_front();
      auto [ec, n] = co_await boost::asio::async_write(stream_, boost::asio::buffer(line),
                                                       boost::asio::as_tuple(boost::asio::use_awaitable));
      outbox_bytes_ -= line.size();
      if (ec) co_return;
      if (outbox_.empty()) outbox_drained_.notify_all();
    }
  }

  Stream stream_;
  Dispatcher& dispatcher_;
  SessionLimits limits_;
  std::shared_ptr<spdlog::logger> log_;
  IdentifyFn identify_after_first_read_;
  ClientContext client_;
  Notifier outbox_ready_;
  Notifier outbox_drained_;
  protocol::LineFramer framer_;
  std::deque<std::string> outbox_;
  std::size_t outbox_bytes_ = 0;
  std::size_t lines_seen_ = 0;
  bool closing_ = false;
};

// Starts a session for an accepted stream; it lives as long as the client does.
// `on_end` runs when the client is gone (the listener counts clients with it);
// `identify_after_first_read`: see Session.
template <class Stream>
void start_session(Stream stream, Dispatcher& dispatcher, authz::Caller caller, SessionLimits limits,
                   std::shared_ptr<spdlog::logger> log, std::function<void()> on_end,
                   typename Session<Stream>::IdentifyFn identify_after_first_read = {}) {
  auto ex = stream.get_executor();
  auto session = std::make_shared<Session<Stream>>(std::move(stream), dispatcher, std::move(caller), limits,
                                                   std::move(log), std::move(identify_after_first_read));
  boost::asio::co_spawn(ex, [session] { return session->run(); },
                        [on_end = std::move(on_end)](std::exception_ptr) {
                          if (on_end) on_end();
                        });
}

}  // namespace rasbroker::ipc
