#include "test_support.hpp"

#include <chrono>

#include <rasbroker/protocol/framing.hpp>
#include <rasbroker/protocol/jsonrpc.hpp>

#include "client_error.hpp"
#include "endpoint.hpp"

namespace rasbroker::client::test {

using nlohmann::json;

namespace {

class FakeTransport final : public Transport {
 public:
  explicit FakeTransport(FakeService& service) : service_(service) {}

  void connect(const std::string& endpoint, std::chrono::milliseconds) override {
    if (service_.deny_access)
      throw ClientError(ClientError::Kind::unreachable, pipe_access_denied_message(endpoint), /*says_what_to_do=*/true);
    if (service_.refuse_connect) {
      throw ClientError(ClientError::Kind::unreachable, "cannot connect to " + endpoint + ": the pipe does not exist");
    }
    service_.connected_to = endpoint;
  }

  void write_all(std::string_view bytes) override {
    if (service_.closed) throw ClientError(ClientError::Kind::disconnected, "the service closed the connection");
    service_.received.append(bytes);
    framer_.feed(bytes);
    while (auto frame = framer_.next()) {
      json request = json::parse(frame->text);
      service_.requests.push_back(request);
      if (service_.handler) service_.handler(request, service_);
    }
  }

  ReadResult read_some(std::optional<std::chrono::milliseconds> timeout) override {
    if (!service_.chunks.empty()) {
      std::string bytes = std::move(service_.chunks.front());
      service_.chunks.pop_front();
      return {ReadResult::Status::data, std::move(bytes)};
    }
    if (service_.closed || !timeout) return {ReadResult::Status::eof, {}};
    return {ReadResult::Status::timeout, {}};
  }

  void close() noexcept override {}

 private:
  FakeService& service_;
  protocol::LineFramer framer_;
};

}  // namespace

void FakeService::send_json(const json& message) { send(protocol::encode_line(message)); }

void FakeService::respond(const json& request, json result) {
  send_json(protocol::make_result(request.at("id"), std::move(result)));
}

void FakeService::respond_error(const json& request, const protocol::RpcError& error) {
  send_json(protocol::make_error(request.at("id"), error));
}

void FakeService::notify_changed(const protocol::Connection& c) { send_json(protocol::make_connection_changed(c)); }

TransportFactory FakeService::factory() {
  return [this] { return std::make_unique<FakeTransport>(*this); };
}

protocol::TimePoint at(int seconds_after_base) {
  return *protocol::parse_rfc3339("2026-11-25T13:00:00.000Z") + std::chrono::seconds(seconds_after_base);
}

protocol::Connection make_connection(std::string id, std::string entry, protocol::ConnectionState state,
                                     std::string ras_state) {
  protocol::Connection c;
  c.id = std::move(id);
  c.entry = std::move(entry);
  c.state = state;
  c.ras_state = std::move(ras_state);
  c.owner = protocol::Owner{4242, "CORP\\alice"};
  c.dialed_at = at(0);
  if (state != protocol::ConnectionState::dialing) c.connected_at = at(5);
  if (state == protocol::ConnectionState::hanging_up || state == protocol::ConnectionState::gone) {
    c.hangup_at = at(60);
    c.reason = protocol::Reason::requested;
  }
  return c;
}

RunOutput run_cli(const std::vector<std::string>& args, FakeService& service, RunOptions* options) {
  std::vector<std::string> argv{"rasbroker"};
  argv.insert(argv.end(), args.begin(), args.end());
  RunOutput result;
  ParseResult parsed = parse_command_line(argv);
  if (parsed.action == ParseResult::Action::exit) {
    result.exit_code = parsed.exit_code;
    result.out = parsed.out_text;
    result.err = parsed.err_text;
    return result;
  }
  std::ostringstream out, err;
  RunOptions defaults;
  RunOptions& opts = options ? *options : defaults;
  Io io{out, err, opts.terminal,
        [&opts](const std::string& prompt) {
          opts.password_read = true;
          opts.prompt_seen = prompt;
          return protocol::Secret(opts.password);
        },
        [] { return std::string("2026-11-25T13:33:41.123Z"); }};
  result.exit_code = run_command(parsed.command, "test-endpoint", io, service.factory());
  result.out = out.str();
  result.err = err.str();
  return result;
}

}  // namespace rasbroker::client::test
