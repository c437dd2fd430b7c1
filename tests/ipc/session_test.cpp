// One client connection (service/ipc/session.hpp) over a real socket pair, in the broker
// harness's virtual time: what a hostile or broken client gets, and that it never
// disturbs another client.
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
namespace {

namespace asio = boost::asio;
using nlohmann::json;
using Socket = asio::local::stream_protocol::socket;

const json kScenario = {{"entries", {{{"name", "Office VPN"}, {"connect_ms", 100}, {"teardown_ms", 100}}}}};

class SessionTest : public BrokerHarness {
 protected:
  void SetUp() override {
    BrokerHarness::SetUp();
    make(kScenario);
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
    Received r;
    std::string text;
    char buf[4096];
    for (;;) {
      boost::system::error_code ec;
      const std::size_t n = s.read_some(asio::buffer(buf), ec);
      if (ec == asio::error::would_block) break;
      if (ec) {
        r.closed = true;
        break;
      }
      text.append(buf, n);
    }
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

TEST_F(SessionTest, AnUnidentifiableClientGetsOneErrorAndNothingIsDispatched) {
  Socket& c = connect({}, [](authz::Caller&) { return false; });
  send(c, R"({"jsonrpc":"2.0","id":1,"method":"dial","params":{"entry":"Office VPN","password":"s3cret"}})" "\n");
  const auto r = receive(c);
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_EQ(r.lines[0]["error"]["code"], static_cast<int>(protocol::ErrorCode::unauthorized));
  EXPECT_TRUE(r.lines[0]["id"].is_null());
  EXPECT_TRUE(r.closed);
  EXPECT_EQ(ended_, 1);
  EXPECT_EQ(sim_->stats().dial_calls, 0u);
  EXPECT_EQ(log_count("request dial"), 0u);
  EXPECT_EQ(log_text_.str().find("s3cret"), std::string::npos);
}

TEST_F(SessionTest, TheIdentityTheHookFoundIsTheOwner) {
  Socket& c = connect({}, [](authz::Caller& o) {
    o.owner.user = "CONTOSO\\alice";
    return true;
  });
  send(c, R"({"jsonrpc":"2.0","id":1,"method":"dial","params":{"entry":"Office VPN"}})" "\n");
  const auto r = receive(c);
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_EQ(r.lines[0]["result"]["owner"]["user"], "CONTOSO\\alice") << r.lines[0].dump();
  EXPECT_EQ(log_count("request dial from pid 4242 user 'CONTOSO\\alice'"), 1u) << log_text_.str();
}

TEST_F(SessionTest, GarbageIsAnsweredAndLoggedOnceWithoutItsText) {
  Socket& c = connect();
  send(c, "{\"password\": \"hunter2\" oops\n");
  send(c, R"({"jsonrpc":"2.0","id":7,"method":"ping","extra":1})" "\n");
  const auto r = receive(c);
  ASSERT_EQ(r.lines.size(), 2u);
  EXPECT_EQ(r.lines[0]["error"]["code"], static_cast<int>(protocol::ErrorCode::parse_error));
  EXPECT_EQ(r.lines[1]["error"]["code"], static_cast<int>(protocol::ErrorCode::invalid_request));
  EXPECT_EQ(r.lines[1]["id"], 7);
  EXPECT_FALSE(r.closed) << "a bad line does not end the connection";
  EXPECT_EQ(log_count("request refused from pid 4242 user 'alice'"), 2u) << log_text_.str();
  EXPECT_EQ(log_text_.str().find("hunter2"), std::string::npos);
}

TEST_F(SessionTest, EveryAnsweredRequestIsLoggedOnceWithItsOutcome) {
  Socket& c = connect();
  send(c, R"({"jsonrpc":"2.0","id":1,"method":"dial","params":{"entry":"Nowhere","password":"pw-XYZ"}})" "\n");
  send(c, ping(2));
  const auto r = receive(c);
  ASSERT_EQ(r.lines.size(), 2u);
  EXPECT_EQ(log_count("request dial from pid 4242 user 'alice'"), 1u);
  EXPECT_EQ(log_count("\"password\":\"***\""), 1u) << log_text_.str();
  EXPECT_EQ(log_count("-> error 1:"), 1u) << log_text_.str();  // not_found
  EXPECT_EQ(log_count("request ping from pid 4242 user 'alice': null -> ok"), 1u) << log_text_.str();
  EXPECT_EQ(log_text_.str().find("pw-XYZ"), std::string::npos);
}

// A client that sends but never reads fills only its own outbox, is disconnected at the
// limit, and another client is served all along.
TEST_F(SessionTest, AClientThatStopsReadingIsDisconnectedAndOthersAreServed) {
  ipc::SessionLimits limits;
  limits.max_outbox_bytes = 4096;
  Socket& hog = connect(limits, {}, /*service_send_buffer=*/4096);
  Socket& polite = connect();
  std::string burst;
  for (int i = 0; i < 100; ++i) burst += ping(i);
  for (int round = 0; round < 200 && ended_ == 0; ++round) {
    boost::system::error_code ec;
    hog.write_some(asio::buffer(burst), ec);  // never reads; may stop being accepted
    settle();
    send(polite, ping(round));
    const auto r = receive(polite);
    ASSERT_EQ(r.lines.size(), 1u) << "round " << round;
    EXPECT_EQ(r.lines[0]["id"], round);
  }
  EXPECT_EQ(ended_, 1) << "the client that does not read was never disconnected";
  EXPECT_EQ(log_count("is not reading"), 1u) << log_text_.str();
  send(polite, ping(9999));
  const auto r = receive(polite);
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_FALSE(r.closed);
}

// An idle connection must not keep one of the max_clients places.
TEST_F(SessionTest, AClientThatSendsNothingIsDisconnectedAfterTheFirstRequestTimeout) {
  Socket& silent = connect();
  run_for(9s);
  EXPECT_EQ(ended_, 0);
  run_for(2s);
  EXPECT_EQ(ended_, 1);
  EXPECT_TRUE(receive(silent).closed);
  EXPECT_EQ(log_count("client pid 4242 sent no request within 10000 ms: disconnecting it"), 1u) << log_text_.str();
}

TEST_F(SessionTest, AfterItsFirstRequestAClientMayWaitAsLongAsItLikes) {
  Socket& watcher = connect();
  send(watcher, R"({"jsonrpc":"2.0","id":1,"method":"subscribe"})" "\n");
  ASSERT_EQ(receive(watcher).lines.size(), 1u);
  run_for(120s);
  EXPECT_EQ(ended_, 0);
  dial("Office VPN");  // a change: the watcher hears of it
  const auto r = receive(watcher);
  EXPECT_FALSE(r.closed);
  ASSERT_FALSE(r.lines.empty());
  EXPECT_EQ(r.lines[0]["method"], "connection.changed");
}

}  // namespace
}  // namespace rasbroker::testing
