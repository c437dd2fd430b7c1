#pragma once
// One client connection: read bytes, frame lines, decode, dispatch, write — in
// straight-line co_await code. Works on any Asio byte stream (Unix socket on Linux,
// a named pipe instance on Windows).
//
// Requests of one client are handled in order; responses and subscription
// notifications share one bounded outbox drained by a writer coroutine, so a client
// that stops reading can only fill its own outbox — then it is disconnected — and
// never stalls the broker or other clients.
//
// The outbox rule (docs/security.md): the limit is for clients that stop reading, not
// for what one answer weighs. An answer line is at most max_response_bytes (a longer one
// is replaced by `response_too_large`, answer_line.hpp) and always goes into the outbox.
// While the outbox holds more than max_outbox_bytes the session takes no further request
// (backpressure: a client that pipelines requests for large answers waits for them, it
// is not cut off). A client is "not reading" — and disconnected — when the outbox is over
// max_outbox_bytes and not one byte of it was written for write_stall_timeout, or when
// notifications would push it past max_outbox_bytes + max_response_bytes (the hard
// bound on what one client can make the service hold).
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
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
#include <boost/asio/this_coro.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "core/notifier.hpp"
#include "ipc/answer_line.hpp"
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
  std::size_t max_response_bytes = protocol::kMaxResponseBytes;  // one answer line, '\n' excluded
  // Over max_outbox_bytes, a client is given this long to take at least one byte.
  std::chrono::milliseconds write_stall_timeout{10'000};
  // When the service stops (finish()): how long the answers already decided — a hang-up
  // whose teardown ended, a dial cut by the stop — may take to go out before the close.
  std::chrono::milliseconds stop_drain_timeout{2'000};
  // A client that has sent no complete line by then is disconnected: a connection that
  // only sits there must not keep one of the max_clients places.
  std::chrono::milliseconds first_request_timeout{10'000};
};

// What the service holds of a session to end it when it stops.
class SessionControl {
 public:
  virtual ~SessionControl() = default;
  // Sends what the session is answering and has queued (for at most
  // stop_drain_timeout), then closes the connection.
  virtual void finish() = 0;
};

template <class Stream>
class Session : public SessionControl, public std::enable_shared_from_this<Session<Stream>> {
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
        outbox_progress_(stream_.get_executor()),
        outbox_over_(stream_.get_executor()),
        finish_requested_(stream_.get_executor()),
        first_request_timer_(stream_.get_executor()),
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
      if (auto s = weak.lock()) s->enqueue(protocol::encode_line(message), Source::notification);
    };
    log_->debug("client pid {} user '{}' connected", client_.caller.owner.pid, client_.caller.owner.user);
    co_await (read_then_drain() || write_loop() || first_request_deadline() || stall_watch() || finish_when_asked());
    client_.subscription.reset();
    boost::system::error_code ignored;
    stream_.close(ignored);
    log_->debug("client pid {} disconnected", client_.caller.owner.pid);
  }

  void finish() override {
    finishing_ = true;
    finish_requested_.notify_all();
  }

 private:
  // Completes — ending the session — once finish() was called and the answers in flight
  // went out (or stop_drain_timeout passed). Requests that arrive meanwhile are still
  // served if there is time: the broker refuses new dials while it stops.
  boost::asio::awaitable<void> finish_when_asked() {
    while (!finishing_) {
      co_await finish_requested_.wait();
      auto state = co_await boost::asio::this_coro::cancellation_state;
      if (!finishing_ && state.cancelled() != boost::asio::cancellation_type::none) co_return;
    }
    Timer limit(stream_.get_executor(), Clock::now() + limits_.stop_drain_timeout);
    boost::system::error_code ec;
    using namespace boost::asio::experimental::awaitable_operators;
    while ((handling_ || outbox_bytes_ > 0) && !closing_ && Clock::now() < limit.expiry())
      co_await (outbox_progress_.wait() || limit.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec)));
    if (handling_ || outbox_bytes_ > 0)
      log_->warn("client pid {}: the service is stopping; closing with {} bytes unsent{}", client_.caller.owner.pid,
                 outbox_bytes_, handling_ ? " and a request still being answered" : "");
    closing_ = true;
    boost::system::error_code ignored;
    stream_.close(ignored);
    outbox_ready_.notify_all();
  }

  // Completes — ending the session — only when no complete line came in time; otherwise
  // it waits until the session ends for another reason (and is cancelled then).
  boost::asio::awaitable<void> first_request_deadline() {
    Timer& timer = first_request_timer_;
    timer.expires_after(limits_.first_request_timeout);
    boost::system::error_code ec;
    co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    if (ec || lines_seen_ > 0) {
      auto state = co_await boost::asio::this_coro::cancellation_state;
      if (state.cancelled() != boost::asio::cancellation_type::none) co_return;  // the session is ending
      // The first line came (read_loop() cancelled the timer): wait for the end of the
      // session without a deadline.
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
        if (++lines_seen_ == 1) first_request_timer_.cancel();
        co_await wait_for_outbox_room();
        if (closing_) co_return;
        if (frame->kind == protocol::Frame::Kind::too_long) {
          const auto refused = protocol::make_error(
              nullptr, protocol::RpcError(protocol::ErrorCode::invalid_request,
                                          "line longer than " + std::to_string(limits_.max_line_bytes) +
                                              " bytes; skipped up to the next newline"));
          client_.refusals->refuse_answer(client_.caller, refused);
          enqueue(protocol::encode_line(refused));
          continue;
        }
        handling_ = true;
        co_await handle_line(frame->text);
        handling_ = false;
        outbox_progress_.notify_all();  // finish_when_asked() waits for the answer
        protocol::wipe(frame->text);  // the raw line may hold a password
        if (closing_) co_return;
      }
      co_await let_the_writer_go_first();
    }
  }

  // Reading right after answering finds nothing: the client has not even got the answer
  // yet, so Asio's speculative read fails (EAGAIN) and costs a system call per request.
  // Yielding once lets write_loop() send the answer first (it was woken by enqueue()); by
  // the time the read is tried again the client has often sent its next request, as with
  // a plain echo server that writes before it reads.
  boost::asio::awaitable<void> let_the_writer_go_first() {
    if (outbox_.empty()) co_return;
    co_await boost::asio::post(stream_.get_executor(), boost::asio::use_awaitable);
  }

  boost::asio::awaitable<void> handle_line(const std::string& line) {
    protocol::Incoming in = protocol::parse_incoming(line);
    client_.refusals->begin_line();  // one refusal line for the whole line, however many calls it refuses
    AnswerLine answer(in.batch, limits_.max_response_bytes);
    for (auto& entry : in.entries) {
      std::optional<Response> response;
      if (auto* call = std::get_if<protocol::Call>(&entry)) {
        response = co_await dispatcher_.handle(std::move(*call), client_);
      } else {
        // Refused before dispatch (not JSON, not JSON-RPC): a refusal too. The message is
        // ours; what it quotes of the client's text is escaped and cut.
        auto& refusal = std::get<nlohmann::json>(entry);
        client_.refusals->refuse_answer(client_.caller, refusal);
        response = std::move(refusal);
      }
      if (!response) continue;
      answer.add(*response);
      if (!in.batch) send_answer(answer);
    }
    client_.refusals->end_line(in.entries.size(), in.batch);
    if (in.batch) send_answer(answer);
  }

  void send_answer(AnswerLine& answer) {
    if (answer.empty()) return;
    if (answer.replaced())
      log_->warn("client pid {}: the answer would be {} bytes, over the {}-byte limit: sent response_too_large",
                 client_.caller.owner.pid, answer.full_bytes(), limits_.max_response_bytes);
    enqueue(answer.take());
  }

  // Backpressure: the next request waits until the answers before it have mostly gone
  // out. stall_watch() ends the wait for a client that takes nothing at all.
  boost::asio::awaitable<void> wait_for_outbox_room() {
    while (outbox_bytes_ > limits_.max_outbox_bytes && !closing_) co_await outbox_progress_.wait();
  }

  // Completes — ending the session — only for a client that is not reading: over
  // max_outbox_bytes, and nothing written during a whole write_stall_timeout. Within the
  // bound it waits for the outbox to grow, with no timer: an idle client (a `watch`)
  // costs the service no wakeup.
  boost::asio::awaitable<void> stall_watch() {
    Timer timer(stream_.get_executor());
    for (;;) {
      while (outbox_bytes_ <= limits_.max_outbox_bytes) {
        if (closing_) co_return;
        co_await outbox_over_.wait();
      }
      const std::uint64_t written_before = bytes_written_;
      timer.expires_after(limits_.write_stall_timeout);
      boost::system::error_code ec;
      co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
      if (ec || closing_) co_return;
      if (outbox_bytes_ > limits_.max_outbox_bytes && bytes_written_ == written_before) {
        disconnect_not_reading();
        co_return;
      }
    }
  }

  void disconnect_not_reading() {
    log_->warn("client pid {} is not reading ({} bytes pending): disconnecting it", client_.caller.owner.pid,
               outbox_bytes_);
    closing_ = true;
    boost::system::error_code ignored;
    stream_.close(ignored);  // ends both loops
    outbox_ready_.notify_all();
    outbox_progress_.notify_all();
  }

  enum class Source { answer, notification };

  // Answers always go in: their size is bounded (answer_line.hpp) and backpressure keeps
  // at most one beyond max_outbox_bytes. Notifications come whenever the broker has news:
  // past the hard bound, the client is not keeping up and is disconnected.
  void enqueue(std::string line, Source source = Source::answer) {
    if (closing_) return;
    if (source == Source::notification &&
        outbox_bytes_ + line.size() > limits_.max_outbox_bytes + limits_.max_response_bytes) {
      outbox_bytes_ += line.size();
      disconnect_not_reading();
      return;
    }
    outbox_bytes_ += line.size();
    outbox_.push_back(std::move(line));
    outbox_ready_.notify_all();
    if (outbox_bytes_ > limits_.max_outbox_bytes) outbox_over_.notify_all();  // not per answer: stall_watch() only
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
      // In pieces, so that a large answer shows progress to stall_watch() as it goes out.
      for (std::size_t at = 0; at < line.size();) {
        const std::size_t piece = std::min<std::size_t>(line.size() - at, 64 * 1024);
        auto [ec, n] = co_await boost::asio::async_write(stream_, boost::asio::buffer(line.data() + at, piece),
                                                         boost::asio::as_tuple(boost::asio::use_awaitable));
        if (ec) co_return;
        at += n;
        bytes_written_ += n;
        outbox_bytes_ -= n;
        outbox_progress_.notify_all();
      }
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
  Notifier outbox_progress_;  // some bytes were written, a request was answered, or closing
  Notifier outbox_over_;      // the outbox went over max_outbox_bytes
  Notifier finish_requested_;
  Timer first_request_timer_;  // cancelled by the first line: it must not fire for nothing
  protocol::LineFramer framer_;
  std::deque<std::string> outbox_;
  std::size_t outbox_bytes_ = 0;  // queued and not yet written
  std::uint64_t bytes_written_ = 0;
  std::size_t lines_seen_ = 0;
  bool closing_ = false;
  bool handling_ = false;   // a request line is being answered
  bool finishing_ = false;  // finish(): the service is stopping
};

// Starts a session for an accepted stream; it lives as long as the client does.
// `on_end` runs when the client is gone (the listener counts clients with it);
// `identify_after_first_read`: see Session. The result lets a stop finish() it.
template <class Stream>
std::weak_ptr<SessionControl> start_session(Stream stream, Dispatcher& dispatcher, authz::Caller caller,
                                            SessionLimits limits, std::shared_ptr<spdlog::logger> log,
                                            std::function<void()> on_end,
                                            typename Session<Stream>::IdentifyFn identify_after_first_read = {}) {
  auto ex = stream.get_executor();
  auto session = std::make_shared<Session<Stream>>(std::move(stream), dispatcher, std::move(caller), limits,
                                                   std::move(log), std::move(identify_after_first_read));
  boost::asio::co_spawn(ex, [session] { return session->run(); },
                        [on_end = std::move(on_end)](std::exception_ptr) {
                          if (on_end) on_end();
                        });
  return session;
}

}  // namespace rasbroker::ipc
