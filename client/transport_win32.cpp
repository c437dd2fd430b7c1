// Named pipe transport (Windows): \\.\pipe\NAME, byte read mode, overlapped I/O so
// that reads can time out.
#include <windows.h>

#include <algorithm>
#include <string>

#include "client_error.hpp"
#include "endpoint.hpp"
#include "transport.hpp"
#include "win32/handles.hpp"
#include "win32/utf16.hpp"
#include "win32/win32_message.hpp"

namespace rasbroker::client {

namespace {

class PipeTransport final : public Transport {
 public:
  PipeTransport() = default;
  PipeTransport(const PipeTransport&) = delete;
  PipeTransport& operator=(const PipeTransport&) = delete;
  ~PipeTransport() override { close(); }

  void connect(const std::string& endpoint, std::chrono::milliseconds connect_timeout) override {
    close();
    const std::string path = pipe_path(endpoint);
    const std::wstring wide = widen(path);
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + connect_timeout;
    for (;;) {
      // SECURITY_IDENTIFICATION: the server may learn who we are, but can never act as us.
      pipe_.reset(CreateFileW(wide.c_str(), GENERIC_READ | GENERIC_WRITE, 0, nullptr, OPEN_EXISTING,
                              FILE_FLAG_OVERLAPPED | SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION, nullptr));
      if (pipe_) break;
      const DWORD err = GetLastError();
      if (err == ERROR_PIPE_BUSY) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0 || !WaitNamedPipeW(wide.c_str(), static_cast<DWORD>(left))) {
          if (left > 0 && GetLastError() == ERROR_FILE_NOT_FOUND) continue;  // gone meanwhile: report below
          throw ClientError(ClientError::Kind::busy,
                            "cannot connect to " + path + ": every instance of the pipe is busy");
        }
        continue;
      }
      if (err == ERROR_ACCESS_DENIED) throw ClientError(ClientError::Kind::unreachable, pipe_access_denied_message(path), /*says_what_to_do=*/true);
      std::string why;
      switch (err) {
        case ERROR_FILE_NOT_FOUND: why = "the pipe does not exist"; break;
        case ERROR_BAD_PATHNAME:
        case ERROR_INVALID_NAME: why = "not a valid pipe name"; break;
        default: why = win32_error_text(err); break;
      }
      throw ClientError(ClientError::Kind::unreachable, "cannot connect to " + path + ": " + why);
    }
    event_.reset(CreateEventW(nullptr, TRUE, FALSE, nullptr));
    if (!event_) {
      const DWORD err = GetLastError();
      close();
      throw ClientError(ClientError::Kind::local, "CreateEvent failed: " + win32_error_text(err));
    }
  }

  void write_all(std::string_view bytes) override {
    while (!bytes.empty()) {
      OVERLAPPED ov{};
      ov.hEvent = event_.get();
      ResetEvent(event_.get());
      const DWORD chunk = static_cast<DWORD>(std::min<std::size_t>(bytes.size(), 1u << 20));
      DWORD written = 0;
      BOOL ok = WriteFile(pipe_.get(), bytes.data(), chunk, &written, &ov);
      if (!ok && GetLastError() == ERROR_IO_PENDING) ok = GetOverlappedResult(pipe_.get(), &ov, &written, TRUE);
      if (!ok) {
        const DWORD err = GetLastError();
        throw ClientError(ClientError::Kind::disconnected,
                          "the service closed the connection (" + win32_error_text(err) + ")");
      }
      bytes.remove_prefix(written);
    }
  }

  ReadResult read_some(std::optional<std::chrono::milliseconds> timeout) override {
    for (;;) {
      OVERLAPPED ov{};
      ov.hEvent = event_.get();
      ResetEvent(event_.get());
      DWORD got = 0;
      BOOL ok = ReadFile(pipe_.get(), buffer_, sizeof(buffer_), &got, &ov);
      DWORD err = ok ? ERROR_SUCCESS : GetLastError();
      if (!ok && err == ERROR_IO_PENDING) {
        const DWORD wait_ms = timeout ? static_cast<DWORD>(std::max<long long>(0, timeout->count())) : INFINITE;
        if (WaitForSingleObject(event_.get(), wait_ms) == WAIT_TIMEOUT) {
          CancelIoEx(pipe_.get(), &ov);
          ok = GetOverlappedResult(pipe_.get(), &ov, &got, TRUE);  // the read may have completed meanwhile
          if (ok && got > 0) return {ReadResult::Status::data, std::string(buffer_, got)};
          return {ReadResult::Status::timeout, {}};
        }
        ok = GetOverlappedResult(pipe_.get(), &ov, &got, FALSE);
        err = ok ? ERROR_SUCCESS : GetLastError();
      }
      if (ok || err == ERROR_MORE_DATA) {  // ERROR_MORE_DATA: a message-mode pipe, the rest follows
        if (got == 0) continue;            // a zero-length message
        return {ReadResult::Status::data, std::string(buffer_, got)};
      }
      if (err == ERROR_BROKEN_PIPE || err == ERROR_PIPE_NOT_CONNECTED || err == ERROR_NO_DATA) {
        return {ReadResult::Status::eof, {}};
      }
      throw ClientError(ClientError::Kind::disconnected, "reading from the service failed: " + win32_error_text(err));
    }
  }

  void close() noexcept override {
    pipe_.reset();
    event_.reset();
  }

 private:
  UniqueHandle pipe_;
  UniqueHandle event_;
  char buffer_[16 * 1024];
};

}  // namespace

std::unique_ptr<Transport> make_platform_transport() { return std::make_unique<PipeTransport>(); }

}  // namespace rasbroker::client
