// line_echo ENDPOINT — the raw echo that figure 1 of scripts/bench.sh measures the broker
// against: it serves the broker's transport (a Unix stream socket natively, a byte-mode
// named pipe on Windows) and writes back every byte it reads, so one request line comes
// back as one answer line. One thread per client, like the simplest server could be: the
// baseline is what the transport itself costs, with no framing, parsing or broker work.
// Runs until killed.
#include <cstdio>
#include <string>
#include <thread>

#ifdef _WIN32
#include <windows.h>
#else
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#endif

namespace {

#ifdef _WIN32
void echo_pipe(HANDLE pipe) {
  char buffer[65536];
  DWORD got = 0;
  while (ReadFile(pipe, buffer, sizeof buffer, &got, nullptr) && got > 0) {
    DWORD off = 0;
    while (off < got) {
      DWORD put = 0;
      if (!WriteFile(pipe, buffer + off, got - off, &put, nullptr)) break;
      off += put;
    }
    if (off < got) break;
  }
  DisconnectNamedPipe(pipe);
  CloseHandle(pipe);
}

int serve(const std::string& endpoint) {
  const std::string path = endpoint.rfind("\\\\", 0) == 0 ? endpoint : "\\\\.\\pipe\\" + endpoint;
  for (;;) {
    HANDLE pipe = CreateNamedPipeA(path.c_str(), PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT,
                                   PIPE_UNLIMITED_INSTANCES, 65536, 65536, 0, nullptr);
    if (pipe == INVALID_HANDLE_VALUE) {
      std::fprintf(stderr, "line_echo: CreateNamedPipe %s failed: %lu\n", path.c_str(), GetLastError());
      return 1;
    }
    if (!ConnectNamedPipe(pipe, nullptr) && GetLastError() != ERROR_PIPE_CONNECTED) {
      CloseHandle(pipe);
      continue;
    }
    std::thread(echo_pipe, pipe).detach();
  }
}
#else
void echo_socket(int fd) {
  char buffer[65536];
  for (;;) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got <= 0) break;
    ssize_t off = 0;
    while (off < got) {
      const ssize_t put = ::write(fd, buffer + off, static_cast<size_t>(got - off));
      if (put <= 0) break;
      off += put;
    }
    if (off < got) break;
  }
  ::close(fd);
}

int serve(const std::string& endpoint) {
  std::signal(SIGPIPE, SIG_IGN);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (endpoint.size() >= sizeof addr.sun_path) {
    std::fprintf(stderr, "line_echo: socket path too long\n");
    return 1;
  }
  std::memcpy(addr.sun_path, endpoint.c_str(), endpoint.size() + 1);
  ::unlink(endpoint.c_str());
  const int listener = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener < 0 || ::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listener, 128) != 0) {
    std::perror("line_echo");
    return 1;
  }
  for (;;) {
    const int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd >= 0) std::thread(echo_socket, fd).detach();
  }
}
#endif

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: line_echo ENDPOINT (a Unix socket path; on Windows a pipe name)\n");
    return 1;
  }
  return serve(argv[1]);
}
