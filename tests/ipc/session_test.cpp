// One client connection (service/ipc/session.hpp) over a real socket pair, in the broker
// harness's virtual time: what a hostile or broken client gets, and that it never
// disturbs another client.
#include "app/admission.hpp"
#include "session_fixture.hpp"

namespace rasbroker::testing {
namespace {

TEST_F(SessionTest, AnUnidentifiableClientGetsOneErrorAndNothingIsDispatched) {
  Socket& c = connect({}, [](authz::Caller&) { return ipc::unidentified_client_error(); });
  send(c, R"({"jsonrpc":"2.0","id":1,"method":"dial","params":{"entry":"Office VPN","password":"s3cret"}})" "\n");
  const auto r = receive(c);
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_EQ(r.lines[0]["error"]["code"], static_cast<int>(protocol::ErrorCode::unauthorized));
  EXPECT_TRUE(r.lines[0]["id"].is_null());
  EXPECT_TRUE(r.closed);
  EXPECT_EQ(ended_, 1);
  EXPECT_EQ(sim_->stats().dial_calls, 0u);
  EXPECT_EQ(log_count("request \"dial\""), 0u);
  EXPECT_EQ(log_text_.str().find("s3cret"), std::string::npos);
}

TEST_F(SessionTest, TheIdentityTheHookFoundIsTheOwner) {
  Socket& c = connect({}, [](authz::Caller& o) {
    o.owner.user = "CONTOSO\\alice";
    return std::optional<protocol::RpcError>();
  });
  send(c, R"({"jsonrpc":"2.0","id":1,"method":"dial","params":{"entry":"Office VPN"}})" "\n");
  const auto r = receive(c);
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_EQ(r.lines[0]["result"]["owner"]["user"], "CONTOSO\\alice") << r.lines[0].dump();
  EXPECT_EQ(log_count("request \"dial\" from pid 4242 user 'CONTOSO\\alice'"), 1u) << log_text_.str();
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
  EXPECT_EQ(log_count("refused from pid 4242 user 'alice': error "), 2u) << log_text_.str();
  EXPECT_EQ(log_text_.str().find("hunter2"), std::string::npos);
}

TEST_F(SessionTest, EveryAnsweredRequestIsLoggedOnceWithItsOutcome) {
  Socket& c = connect();
  send(c, R"({"jsonrpc":"2.0","id":1,"method":"dial","params":{"entry":"Nowhere","password":"pw-XYZ"}})" "\n");
  send(c, ping(2));
  const auto r = receive(c);
  ASSERT_EQ(r.lines.size(), 2u);
  EXPECT_EQ(log_count("request \"dial\" from pid 4242 user 'alice'"), 1u);
  EXPECT_EQ(log_count("\"password\":\"***\""), 1u) << log_text_.str();
  EXPECT_EQ(log_count("-> error 1:"), 1u) << log_text_.str();  // not_found
  EXPECT_EQ(log_count("request \"ping\" from pid 4242 user 'alice': null -> ok"), 1u) << log_text_.str();
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
    run_for(200ms);  // "not reading": nothing taken for write_stall_timeout
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

// A client that waits between requests (a `watch`, a tool keeping its connection) costs
// the service no wakeup: nothing in its session runs until it sends or is sent something.
TEST_F(SessionTest, AnIdleClientCostsTheServiceNoWakeup) {
  Socket& idle = connect();
  send(idle, ping(1));
  ASSERT_EQ(receive(idle).lines.size(), 1u);
  settle();
  Clock::advance(1h);
  EXPECT_EQ(io_->poll(), 0u) << "a handler ran for a client that did nothing";
  send(idle, ping(2));
  EXPECT_EQ(receive(idle).lines.size(), 1u);
  EXPECT_EQ(ended_, 0);
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

// The per-user client limit (app::Admission) where the transport learns the user only
// after the first read, as the Windows pipe does: the refusal comes at identification, is
// `busy` (never `unauthorized`), nothing the refused client sent is dispatched, and a
// user's places are given back when its sessions end — also one refused at identification.
class AdmissionIdentifyTest : public SessionTest {
 protected:
  void SetUp() override {
    SessionTest::SetUp();
    admission_ = std::make_unique<app::Admission>(*dispatcher_, 4, 2, ipc::SessionLimits{}, log_);
  }
  void TearDown() override {
    SessionTest::TearDown();
    admission_.reset();
  }

  // A client of `user`, who is known to the service only after its first read.
  Socket& connect_as(const std::string& user) {
    auto client = std::make_unique<Socket>(*io_);
    Socket server(*io_);
    asio::local::connect_pair(*client, server);
    client->non_blocking(true);
    admission_->admit(std::move(server), authz::Caller{.owner = {4242, ""}, .admin = false, .member_of = {}},
                      [user](authz::Caller& who) {
                        who.owner.user = user;
                        return std::optional<protocol::RpcError>();
                      });
    clients_.push_back(std::move(client));
    settle();
    return *clients_.back();
  }
  // Sends a ping; returns the first line answered and whether the service closed.
  std::pair<json, bool> ping(Socket& s) {
    send(s, SessionTest::ping(1));
    return first_line(s);
  }
  std::pair<json, bool> first_line(Socket& s) {
    const auto r = receive(s);
    return {r.lines.empty() ? json() : r.lines[0], r.closed};
  }

  std::unique_ptr<app::Admission> admission_;
};

TEST_F(AdmissionIdentifyTest, BeyondItsShareAUserIsRefusedBusyAtIdentification) {
  Socket& a1 = connect_as("CORP\\alice");
  Socket& a2 = connect_as("CORP\\alice");
  EXPECT_EQ(ping(a1).first["result"]["pong"], true);
  EXPECT_EQ(ping(a2).first["result"]["pong"], true);
  EXPECT_EQ(admission_->held_by("CORP\\alice"), 2u);

  Socket& a3 = connect_as("CORP\\alice");
  EXPECT_EQ(admission_->connected(), 3u) << "a place is taken at accept, before the user is known";
  const std::size_t logged_before = log_text_.str().size();
  const auto [refusal, closed] = ping(a3);
  EXPECT_EQ(refusal["error"]["code"], static_cast<int>(protocol::ErrorCode::busy)) << refusal.dump();
  EXPECT_EQ(refusal["error"]["message"],
            "user CORP\\alice already has 2 connections to the service (max_clients_per_user)");
  EXPECT_TRUE(refusal["id"].is_null());
  EXPECT_TRUE(closed) << "the refused client is disconnected";
  EXPECT_EQ(log_text_.str().find("request ping", logged_before), std::string::npos)
      << "nothing it sent was dispatched: " << log_text_.str();
  EXPECT_NE(log_text_.str().find("refusing client pid 4242 user 'CORP\\alice': the user already has 2 connections"),
            std::string::npos)
      << log_text_.str();
  EXPECT_EQ(admission_->connected(), 2u) << "the refused client's place is given back";
  EXPECT_EQ(admission_->held_by("CORP\\alice"), 2u);

  // Another user is not held back by alice.
  Socket& b = connect_as("CORP\\bob");
  EXPECT_EQ(ping(b).first["result"]["pong"], true);
  EXPECT_EQ(admission_->held_by("CORP\\bob"), 1u);
}

TEST_F(AdmissionIdentifyTest, AUsersPlacesAreGivenBackWhenItsSessionsEnd) {
  Socket& a1 = connect_as("CORP\\alice");
  Socket& a2 = connect_as("CORP\\alice");
  EXPECT_EQ(ping(a1).first["result"]["pong"], true);
  EXPECT_EQ(ping(a2).first["result"]["pong"], true);
  a1.close();
  settle();
  EXPECT_EQ(admission_->held_by("CORP\\alice"), 1u);
  EXPECT_EQ(admission_->connected(), 1u);
  Socket& a3 = connect_as("CORP\\alice");
  EXPECT_EQ(ping(a3).first["result"]["pong"], true) << "alice's freed place can be taken again";
  a2.close();
  a3.close();
  settle();
  EXPECT_EQ(admission_->held_by("CORP\\alice"), 0u);
  EXPECT_EQ(admission_->connected(), 0u);
}

// A client that never sends anything is never identified: it holds a place in the total
// (until the first-request timeout) but none of any user's share.
TEST_F(AdmissionIdentifyTest, AClientNotYetIdentifiedCountsInTheTotalOnly) {
  connect_as("CORP\\alice");
  EXPECT_EQ(admission_->connected(), 1u);
  EXPECT_EQ(admission_->held_by("CORP\\alice"), 0u);
}

// The total is checked at accept, before any read: at max_clients the next client gets
// the busy line at once whoever it is.
TEST_F(AdmissionIdentifyTest, AtMaxClientsTheTotalStillRefusesAtAccept) {
  for (const char* user : {"CORP\\a", "CORP\\b", "CORP\\c", "CORP\\d"}) EXPECT_EQ(ping(connect_as(user)).first["result"]["pong"], true);
  Socket& fifth = connect_as("CORP\\e");
  const auto [refusal, closed] = first_line(fifth);  // refused before it could send anything
  EXPECT_EQ(refusal, json::parse(app::busy_line(4)));
  EXPECT_TRUE(closed);
}

}  // namespace
}  // namespace rasbroker::testing
