#pragma once
// The service's transport: \\.\pipe\<pipe_name>, byte mode, overlapped I/O on Asio's
// IOCP. One instance always waits for the next client; each connected instance becomes
// a stream_handle handed to the core's admission (the max_clients rule, then an
// ipc::Session). See docs/operations.md for the security policy.
#include <windows.h>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/windows/stream_handle.hpp>
#include <spdlog/logger.h>

#include "app/listener.hpp"
#include "host/windows/group_sids.hpp"
#include "host/windows/pipe_security.hpp"

namespace rasbroker::winhost {

struct PipeListenerOptions {
  std::string pipe_name = "rasbroker";  // \\.\pipe\<pipe_name>
  std::string sddl;                     // the DACL (pipe_sddl.hpp)
};

// The pipe name cannot be served: another process owns it (squatting), or the system
// refused to create it. `code` is the Win32 error.
class PipeListenError : public std::runtime_error {
 public:
  PipeListenError(const std::string& what, DWORD code) : std::runtime_error(what), code_(code) {}
  DWORD code() const noexcept { return code_; }

 private:
  DWORD code_;
};

// "\\.\pipe\" + name
std::string pipe_path(const std::string& pipe_name);

class PipeListener final : public app::Listener {
 public:
  // Creates the first instance with FILE_FLAG_FIRST_PIPE_INSTANCE: if any process
  // already has an instance of this name, it could answer our clients (squatting), so
  // the listener refuses with PipeListenError rather than join it. (The name is also
  // probed first with WaitNamedPipe, because Wine does not enforce the flag.)
  PipeListener(boost::asio::io_context& io, PipeListenerOptions options, std::shared_ptr<spdlog::logger> log);
  ~PipeListener() override;
  PipeListener(const PipeListener&) = delete;
  PipeListener& operator=(const PipeListener&) = delete;

  // Serves clients until close(). On the io_context's thread.
  boost::asio::awaitable<void> accept_loop(app::Admission& admission) override;
  // Stops accepting (the waiting instance goes away); connected sessions go on.
  void close() override;
  const std::string& path() const override { return path_; }

  // The instance waiting for a client (tests read its security descriptor back).
  HANDLE waiting_instance();

 private:
  using Pipe = boost::asio::windows::stream_handle;
  Pipe create_instance(bool first);
  PipeListenError squatted_error(DWORD code) const;
  void serve(Pipe pipe, app::Admission& admission);
  boost::asio::awaitable<void> replace_waiting_instance();

  boost::asio::io_context& io_;
  PipeListenerOptions options_;
  std::string path_;
  std::wstring wide_path_;
  std::shared_ptr<spdlog::logger> log_;
  SecurityDescriptor security_;
  // Group names the policy asks about, resolved once for all clients (member_of).
  std::shared_ptr<GroupSidCache> group_sids_ = std::make_shared<GroupSidCache>();
  std::optional<Pipe> waiting_;
  bool closed_ = false;
};

}  // namespace rasbroker::winhost
