#include "fake_server.hpp"

#include <atomic>
#include <stdexcept>

#ifdef _WIN32
#include <windows.h>

#include "win32/handles.hpp"
#include "win32/utf16.hpp"
#else
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#endif

namespace rasbroker::client::test {

namespace {

// Buffered line reading on top of a raw read function.
class LineReader {
 public:
  template <typename ReadFn>
  std::string read_line(ReadFn&& read_some) {
    for (;;) {
      const auto nl = buffer_.find('\n');
      if (nl != std::string::npos) {
        std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return line;
      }
      char chunk[4096];
      const long n = read_some(chunk, sizeof(chunk));
      if (n <= 0) return {};
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

 private:
  std::string buffer_;
};

std::atomic<int> g_counter{0};

}  // namespace

#ifdef _WIN32

struct FakeServer::Impl : ServerSide {
  UniqueHandle pipe;
  std::wstring name;
  std::atomic<bool> connected{false};
  LineReader reader;

  std::string read_line() override {
    return reader.read_line([this](char* buf, std::size_t size) -> long {
      DWORD got = 0;
      if (!ReadFile(pipe.get(), buf, static_cast<DWORD>(size), &got, nullptr)) return -1;
      return static_cast<long>(got);
    });
  }
  void write(std::string_view bytes) override {
    DWORD written = 0;
    WriteFile(pipe.get(), bytes.data(), static_cast<DWORD>(bytes.size()), &written, nullptr);
  }
  void close() override {
    if (pipe) {
      FlushFileBuffers(pipe.get());
      DisconnectNamedPipe(pipe.get());
      pipe.reset();
    }
  }
  void abandon() override { pipe.reset(); }
};

FakeServer::FakeServer(Script script) : impl_(std::make_unique<Impl>()) {
  endpoint_ = "rasbroker-test-" + std::to_string(GetCurrentProcessId()) + "-" + std::to_string(++g_counter);
  impl_->name = widen("\\\\.\\pipe\\" + endpoint_);
  impl_->pipe.reset(CreateNamedPipeW(impl_->name.c_str(), PIPE_ACCESS_DUPLEX,
                                     PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT, 1, 64 * 1024, 64 * 1024, 0,
                                     nullptr));
  if (!impl_->pipe) throw std::runtime_error("CreateNamedPipeW failed");
  thread_ = std::thread([this, script = std::move(script)] {
    const BOOL ok = ConnectNamedPipe(impl_->pipe.get(), nullptr);
    if (!ok && GetLastError() != ERROR_PIPE_CONNECTED) return;
    impl_->connected = true;
    try {
      script(*impl_);
    } catch (const std::exception& e) {
      script_error_ = e.what();
    }
    impl_->close();
  });
}

FakeServer::~FakeServer() {
  if (!impl_->connected) {
    // Nobody connected: connect once ourselves so that ConnectNamedPipe returns.
    const UniqueHandle connected_once(
        CreateFileW(impl_->name.c_str(), GENERIC_READ | GENERIC_WRITE, 0, nullptr, OPEN_EXISTING, 0, nullptr));
  }
  if (thread_.joinable()) thread_.join();
  impl_->close();
}

std::string unused_endpoint() { return "rasbroker-test-nobody-" + std::to_string(GetCurrentProcessId()); }

#else

struct FakeServer::Impl : ServerSide {
  int listener = -1;
  int fd = -1;
  std::string dir;
  LineReader reader;

  std::string read_line() override {
    return reader.read_line([this](char* buf, std::size_t size) -> long { return ::read(fd, buf, size); });
  }
  void write(std::string_view bytes) override {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
  }
  void close() override {
    if (fd >= 0) {
      ::close(fd);
      fd = -1;
    }
  }
  void abandon() override { close(); }
};

FakeServer::FakeServer(Script script) : impl_(std::make_unique<Impl>()) {
  char tmpl[] = "/tmp/rasbroker-client-test-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  impl_->dir = tmpl;
  endpoint_ = impl_->dir + "/s.sock";
  impl_->listener = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, endpoint_.c_str(), endpoint_.size() + 1);
  if (::bind(impl_->listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(impl_->listener, 4) != 0) {
    throw std::runtime_error("bind/listen failed");
  }
  thread_ = std::thread([this, script = std::move(script)] {
    impl_->fd = ::accept(impl_->listener, nullptr, nullptr);
    if (impl_->fd < 0) return;
    try {
      script(*impl_);
    } catch (const std::exception& e) {
      script_error_ = e.what();
    }
    impl_->close();
  });
}

FakeServer::~FakeServer() {
  ::shutdown(impl_->listener, SHUT_RDWR);  // ends a pending accept()
  if (thread_.joinable()) thread_.join();
  ::close(impl_->listener);
  ::unlink(endpoint_.c_str());
  ::rmdir(impl_->dir.c_str());
}

std::string unused_endpoint() { return "/tmp/rasbroker-client-test-nobody-" + std::to_string(::getpid()) + ".sock"; }

#endif

}  // namespace rasbroker::client::test
