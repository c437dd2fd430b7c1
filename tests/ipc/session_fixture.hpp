#pragma once
// The session fixture (service/ipc/session.hpp) over a real socket pair, in the broker
// harness's virtual time: clients connected to sessions as the service runs them.
#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/sinks/ostream_sink.h>

#include "../broker/broker_harness.hpp"
#include "ipc/dispatcher.hpp"
#include "ipc/session.hpp"

namespace rasbroker::testing {

namespace asio = boost::asio;
using nlohmann::json;
using Socket = asio::local::stream_protocol::socket;

inline const json kSessionScenario = {{"entries", {{{"name", "Office VPN"}, {"connect_ms", 100}, {"teardown_ms", 100}}}}};

class SessionTest : public BrokerHarness {
 protected:
  virtual json scenario() const { return kSessionScenario; }
  void SetUp() override {
    BrokerHarness::SetUp();
    make(scenario());
    log_ = std::make_shared<spdlog::logger>("session", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_text_));
    log_->set_level(spdlog::level::debug);
    dispatcher_ = std::make_unique<ipc::Dispatcher>(broker_, log_);
  }
  void TearDown() override {
    for (auto& c : clients_) c->close();
    settle();
    BrokerHarness::TearDown();
  }

  // A connected client; the other end runs a Session as the service would.
  Socket& connect(ipc::SessionLimits limits = {}, ipc::Session<Socket>::IdentifyFn identify = {},
                  int service_send_buffer = 0) {
    auto client = std::make_unique<Socket>(*io_);
    Socket server(*io_);
    asio::local::connect_pair(*client, server);
    client->non_blocking(true);
    if (service_send_buffer) server.set_option(asio::socket_base::send_buffer_size(service_send_buffer));
    ipc::start_session(std::move(server), *dispatcher_, authz::Caller{.owner = {4242, "alice"}, .admin = false, .member_of = {}}, limits, log_,
                       [this] { ++ended_; }, std::move(identify));
    clients_.push_back(std::move(client));
    settle();
    return *clients_.back();
  }
  static void send(Socket& s, const std::string& text) { asio::write(s, asio::buffer(text)); }
  static std::string ping(int id) { return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"method":"ping"})" "\n"; }

  // Runs the service, then reads what it sent: every complete line, and whether it closed.
  struct Received {
    std::vector<json> lines;
    bool closed = false;
  };
  Received receive(Socket& s) {
    settle();
    std::string text;
    const bool open = read_available(s, text);
    return parsed(text, !open);
  }
  // As a client that keeps reading: until `count` complete lines came or the service closed.
  Received receive_lines(Socket& s, std::size_t count) {
    std::string text;
    bool open = true;
    for (int round = 0; open && round < 100000 && std::count(text.begin(), text.end(), '\n') < static_cast<long>(count); ++round) {
      settle();
      open = read_available(s, text);
    }
    return parsed(text, !open);
  }
  // Appends what the service sent so far; false once it closed.
  static bool read_available(Socket& s, std::string& text) {
    std::vector<char> buf(64 * 1024);
    for (;;) {
      boost::system::error_code ec;
      const std::size_t n = s.read_some(asio::buffer(buf), ec);
      if (ec == asio::error::would_block) return true;
      if (ec) return false;
      text.append(buf.data(), n);
    }
  }
  static Received parsed(const std::string& text, bool closed) {
    Received r;
    r.closed = closed;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) r.lines.push_back(json::parse(line));
    return r;
  }
  std::size_t log_count(const std::string& needle) const {
    const std::string text = log_text_.str();
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
  }

  std::ostringstream log_text_;
  std::shared_ptr<spdlog::logger> log_;
  std::unique_ptr<ipc::Dispatcher> dispatcher_;
  std::vector<std::unique_ptr<Socket>> clients_;
  int ended_ = 0;
};

}  // namespace rasbroker::testing
