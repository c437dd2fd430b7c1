#include "host/windows/pipe_listener.hpp"

#include <chrono>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/windows/overlapped_ptr.hpp>

#include "host/windows/group_sids.hpp"
#include "host/windows/pipe_identity.hpp"
#include "host/windows/win32_util.hpp"

namespace rasbroker::winhost {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

constexpr DWORD kBufferBytes = 64 * 1024;

// Overlapped ConnectNamedPipe as an Asio operation. The handle is already bound to the
// io_context's completion port (stream_handle), so a pending connect completes there.
template <class Token>
auto async_connect_pipe(asio::windows::stream_handle& pipe, Token&& token) {
  return asio::async_initiate<Token, void(error_code, std::size_t)>(
      [&pipe](auto handler) {
        asio::windows::overlapped_ptr op(pipe.get_executor(), std::move(handler));
        const BOOL ok = ConnectNamedPipe(pipe.native_handle(), op.get());
        const DWORD err = ok ? ERROR_SUCCESS : GetLastError();
        if (ok || err == ERROR_IO_PENDING) {
          op.release();  // the completion packet will come through the port
        } else if (err == ERROR_PIPE_CONNECTED || err == ERROR_NO_DATA) {
          // The client came before we asked, so no packet is queued. ERROR_NO_DATA: it also
          // wrote and closed its end already, as a script that sends one request and exits
          // does when it wins the race with this call. What it wrote is still in the pipe
          // and its identity is still known (pipe_test.cpp checks both): it is served like
          // any client, and its session ends at the end of what it sent.
          op.complete(error_code(), 0);
        } else {
          op.complete(error_code(static_cast<int>(err), asio::error::get_system_category()), 0);
        }
      },
      token);
}

}  // namespace

std::string pipe_path(const std::string& pipe_name) { return R"(\\.\pipe\)" + pipe_name; }

PipeListenError PipeListener::squatted_error(DWORD code) const {
  return PipeListenError(path_ + " already exists, created by another process (or another rasbrokerd): "
                                 "refusing to share the name with it. Stop the other process, or set another "
                                 "pipe_name in the configuration",
                         code);
}

PipeListener::PipeListener(asio::io_context& io, PipeListenerOptions options, std::shared_ptr<spdlog::logger> log)
    : io_(io),
      options_(std::move(options)),
      path_(pipe_path(options_.pipe_name)),
      wide_path_(widen(path_)),
      log_(std::move(log)),
      security_(options_.sddl) {
  waiting_.emplace(create_instance(true));
  log_->info("listening on {}", path_);
  log_->debug("pipe security: {}", options_.sddl);
}

PipeListener::~PipeListener() { close(); }

namespace {

// Does any process have an instance of this pipe name? WaitNamedPipe answers without
// connecting: ERROR_FILE_NOT_FOUND means no instance exists; anything else (available,
// or every instance busy) means the name is taken.
bool pipe_name_taken(const std::wstring& path) {
  if (WaitNamedPipeW(path.c_str(), 1)) return true;
  const DWORD err = GetLastError();
  return err != ERROR_FILE_NOT_FOUND && err != ERROR_BAD_PATHNAME && err != ERROR_INVALID_NAME;
}

}  // namespace

PipeListener::Pipe PipeListener::create_instance(bool first) {
  // FILE_FLAG_FIRST_PIPE_INSTANCE is the atomic guarantee on Windows. Wine 8 ignores the
  // flag, so the name is also probed first: that catches a squatter already in place on
  // both (the case at service start); only the flag closes the race in between.
  if (first && pipe_name_taken(wide_path_)) throw squatted_error(ERROR_ACCESS_DENIED);
  DWORD open_mode = PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED;
  if (first) open_mode |= FILE_FLAG_FIRST_PIPE_INSTANCE;
  const DWORD pipe_mode = PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS;
  UniqueHandle h(CreateNamedPipeW(wide_path_.c_str(), open_mode, pipe_mode, PIPE_UNLIMITED_INSTANCES, kBufferBytes,
                                  kBufferBytes, 0, security_.attributes()));
  if (!h) {
    const DWORD err = GetLastError();
    if (first && err == ERROR_ACCESS_DENIED) throw squatted_error(err);
    throw PipeListenError("cannot create " + path_ + ": " + win32_error_text(err), err);
  }
  Pipe pipe(io_);
  error_code ec;
  pipe.assign(h.get(), ec);  // binds the handle to the completion port
  if (ec) {
    throw PipeListenError("cannot use " + path_ + " with the I/O completion port: " + ec.message(),
                          static_cast<DWORD>(ec.value()));
  }
  h.release();  // the stream handle owns it now
  return pipe;
}

HANDLE PipeListener::waiting_instance() {
  return waiting_ && waiting_->is_open() ? waiting_->native_handle() : INVALID_HANDLE_VALUE;
}

void PipeListener::close() {
  if (closed_) return;
  closed_ = true;
  if (waiting_) {
    error_code ignored;
    waiting_->close(ignored);  // aborts the pending ConnectNamedPipe
  }
  log_->info("stopped listening on {}", path_);
}

asio::awaitable<void> PipeListener::replace_waiting_instance() {
  // Without a waiting instance clients get ERROR_FILE_NOT_FOUND; retry, never spin.
  asio::steady_timer retry(io_);
  while (!closed_) {
    try {
      waiting_.emplace(create_instance(false));
      co_return;
    } catch (const PipeListenError& e) {
      log_->error("{}; retrying in 1 s", e.what());
    }
    retry.expires_after(std::chrono::seconds(1));
    co_await retry.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<void> PipeListener::accept_loop(app::Admission& admission) {
  while (!closed_ && waiting_) {
    auto [ec, ignored_bytes] = co_await async_connect_pipe(*waiting_, asio::as_tuple(asio::use_awaitable));
    if (closed_) co_return;
    Pipe connected = std::move(*waiting_);
    waiting_.reset();
    co_await replace_waiting_instance();  // before serving: one instance is always waiting
    if (ec) {
      log_->debug("ConnectNamedPipe: {}", ec.message());
      continue;
    }
    serve(std::move(connected), admission);
  }
}

void PipeListener::serve(Pipe pipe, app::Admission& admission) {
  const HANDLE h = pipe.native_handle();
  authz::Caller who;
  who.owner.pid = pipe_client_pid(h);
  // The user is known only after the first read (impersonation rule); the session
  // calls this hook then, before dispatching that first request.
  auto identify = [h, log = log_, group_sids = group_sids_](authz::Caller& caller) {
    std::string why;
    auto token = pipe_client_identity(h, why);
    if (!token) {
      log->warn("client pid {}: cannot identify the user, refusing it: {}", caller.owner.pid, why);
      return std::optional(ipc::unidentified_client_error());
    }
    log->debug("client pid {}: user '{}'{}, {} enabled groups", caller.owner.pid, token->user,
               token->admin ? " (administrator)" : "", token->enabled_groups.size());
    caller.owner.user = std::move(token->user);
    caller.admin = token->admin;
    caller.member_of = member_of_groups(std::move(token->enabled_groups), group_sids);
    return std::optional<protocol::RpcError>();
  };
  admission.admit(std::move(pipe), std::move(who), std::move(identify));
}

}  // namespace rasbroker::winhost
