#pragma once
// A real server on the platform's transport (Unix socket / named pipe) that accepts
// one client in a thread and runs a script against it: tests of the transports and
// of RpcClient over real I/O.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

namespace rasbroker::client::test {

class ServerSide {
 public:
  virtual ~ServerSide() = default;
  // The next line without '\n'; "" once the client closed the connection.
  virtual std::string read_line() = 0;
  virtual void write(std::string_view bytes) = 0;
  virtual void close() = 0;  // close the connection now
  // Closes its end at once, as the service does after refusing a client: what it wrote
  // and the client has not read stays readable (on Windows: no flush, no
  // DisconnectNamedPipe, which would wait for the client or discard it).
  virtual void abandon() = 0;
};

class FakeServer {
 public:
  using Script = std::function<void(ServerSide&)>;
  explicit FakeServer(Script script);  // listening when it returns
  ~FakeServer();                       // waits for the script to finish
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  const std::string& endpoint() const { return endpoint_; }
  std::string script_error() const { return script_error_; }  // an exception of the script

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string endpoint_;
  std::string script_error_;
  std::thread thread_;
};

// An endpoint where nothing listens.
std::string unused_endpoint();

}  // namespace rasbroker::client::test
