#pragma once
// In-memory fake of the service for command tests: every request line written by
// the client goes to a handler, which queues the bytes the client will read.
#include <deque>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <rasbroker/protocol/errors.hpp>
#include <rasbroker/protocol/methods.hpp>
#include <rasbroker/protocol/types.hpp>

#include "command_line.hpp"
#include "commands.hpp"
#include "transport.hpp"

namespace rasbroker::client::test {

class FakeService {
 public:
  using Handler = std::function<void(const nlohmann::json& request, FakeService& service)>;

  Handler handler;
  bool refuse_connect = false;
  bool deny_access = false;  // connect fails as a pipe whose DACL refuses the user does
  std::string connected_to;
  std::vector<nlohmann::json> requests;  // as received
  std::string received;                  // every byte written by the client
  std::deque<std::string> chunks;        // to be read by the client
  bool closed = false;                   // after the chunks: eof

  void send(std::string bytes) { chunks.push_back(std::move(bytes)); }
  void send_json(const nlohmann::json& message);
  void respond(const nlohmann::json& request, nlohmann::json result);
  void respond_error(const nlohmann::json& request, const protocol::RpcError& error);
  void notify_changed(const protocol::Connection& c);
  void close() { closed = true; }

  TransportFactory factory();
};

protocol::TimePoint at(int seconds_after_base);  // a fixed time + seconds
protocol::Connection make_connection(std::string id, std::string entry,
                                     protocol::ConnectionState state = protocol::ConnectionState::connected,
                                     std::string ras_state = "RASCS_Connected");

struct RunOutput {
  int exit_code = -1;
  std::string out;
  std::string err;
};

struct RunOptions {
  bool terminal = false;
  std::string password;          // what read_password returns
  bool password_read = false;    // set when read_password was called
  std::string prompt_seen;
};

// Parses argv (without the program name) and runs it against the fake service.
RunOutput run_cli(const std::vector<std::string>& args, FakeService& service, RunOptions* options = nullptr);

}  // namespace rasbroker::client::test
