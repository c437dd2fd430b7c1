// The named pipe listener under Wine: security descriptor read back, squatting refusal,
// real clients (ping, concurrency, abrupt disconnects, the client limit) and identity.
#include <gtest/gtest.h>

#include <future>
#include <vector>

#include "config/service_config.hpp"
#include "security/pipe_sddl.hpp"
#include "host/windows/pipe_security.hpp"
#include "host/windows/win32_util.hpp"
#include "test_support.hpp"

using namespace rasbroker;
using namespace rasbroker::winhost;
using namespace rasbroker::winhost::test;
using rasbroker::app::test::LineClient;
using nlohmann::json;

namespace {

PipeListenerOptions options(const std::string& tag) {
  PipeListenerOptions o;
  o.pipe_name = unique_pipe_name(tag);
  o.sddl = security::pipe_sddl({});
  return o;
}

}  // namespace

TEST(PipeSecurity, LiveDaclMatchesThePolicy) {
  auto o = options("dacl");
  o.sddl = security::pipe_sddl({"S-1-5-32-545"});
  PipeServer server(o);
  std::string live;
  server.on_io_thread([&] { live = read_dacl_sddl(server.listener().waiting_instance()); });
  EXPECT_EQ(live, canonical_dacl_sddl(o.sddl));
  // The policy's parts, in the form Windows writes them back.
  EXPECT_EQ(live.rfind("D:P(D;;FA;;;NU)", 0), 0u) << live;
  EXPECT_NE(live.find("(A;;FA;;;SY)"), std::string::npos) << live;
  EXPECT_NE(live.find("(A;;FA;;;BA)"), std::string::npos) << live;
  EXPECT_NE(live.find("(A;;0x12019b;;;NO)"), std::string::npos) << live;
  EXPECT_NE(live.find("(A;;0x12019b;;;BU)"), std::string::npos) << live;  // S-1-5-32-545 = BUILTIN\Users
  EXPECT_EQ(live.find("WD"), std::string::npos) << live;
}

TEST(PipeSecurity, ResolvesGroupNamesToSids) {
  EXPECT_EQ(resolve_group_sids({"S-1-5-32-545"}), std::vector<std::string>{"S-1-5-32-545"});
  const auto sids = resolve_group_sids({"Users"});
  ASSERT_EQ(sids.size(), 1u);
  EXPECT_EQ(sids[0], "S-1-5-32-545");
}

TEST(PipeSecurity, UnknownGroupIsAConfigErrorNamingIt) {
  try {
    resolve_group_sids({"No Such Group 7d1e"});
    FAIL() << "expected a ConfigError";
  } catch (const config::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("No Such Group 7d1e"), std::string::npos) << e.what();
  }
}

TEST(PipeListener, RefusesANameAnotherProcessOwns) {
  auto o = options("squat");
  // The squatter: an instance of the name created before the service.
  UniqueHandle squatter(CreateNamedPipeW(widen(pipe_path(o.pipe_name)).c_str(), PIPE_ACCESS_DUPLEX,
                                         PIPE_TYPE_BYTE, PIPE_UNLIMITED_INSTANCES, 4096, 4096, 0, nullptr));
  ASSERT_TRUE(squatter);
  boost::asio::io_context io;
  try {
    PipeListener listener(io, o, test_logger());
    FAIL() << "the listener joined a squatted pipe name";
  } catch (const PipeListenError& e) {
    EXPECT_EQ(e.code(), static_cast<DWORD>(ERROR_ACCESS_DENIED));
    EXPECT_NE(std::string(e.what()).find("another process"), std::string::npos) << e.what();
  }
}

TEST(PipeListener, PingThroughTheRealPipe) {
  auto o = options("ping");
  PipeServer server(o);
  LineClient client(o.pipe_name);
  const auto answer = client.call("ping");
  EXPECT_EQ(answer["result"], json({{"pong", true}})) << answer.dump();
  // Several requests on one connection, answered in order.
  EXPECT_EQ(client.call("ping")["id"], 2);
  EXPECT_EQ(client.call("status")["result"]["backend"], "sim");
}

TEST(PipeListener, ServesConcurrentClients) {
  auto o = options("many");
  PipeServer server(o);
  constexpr int kClients = 8;
  std::vector<std::unique_ptr<LineClient>> clients;
  for (int i = 0; i < kClients; ++i) clients.push_back(std::make_unique<LineClient>(o.pipe_name));
  // All connected at once; each is answered, from its own thread.
  std::vector<std::future<json>> answers;
  for (auto& c : clients) answers.push_back(std::async(std::launch::async, [&c] { return c->call("ping"); }));
  for (auto& a : answers) EXPECT_EQ(a.get()["result"]["pong"], true);
  EXPECT_EQ(server.connected(), static_cast<std::size_t>(kClients));
}

TEST(PipeListener, AbruptDisconnectDoesNotDisturbOthers) {
  auto o = options("abrupt");
  PipeServer server(o);
  LineClient steady(o.pipe_name);
  EXPECT_EQ(steady.call("ping")["result"]["pong"], true);
  {
    LineClient rude(o.pipe_name);
    rude.send(R"({"jsonrpc":"2.0","id":1,"method":"pi)");  // half a request, then gone
  }
  {
    LineClient dialer(o.pipe_name);
    dialer.send(R"({"jsonrpc":"2.0","id":1,"method":"dial","params":{"entry":"Quick VPN","wait":"connected"}})"
                "\n");
  }  // gone before the answer: the connection still belongs to the broker
  EXPECT_EQ(steady.call("ping")["result"]["pong"], true);
  LineClient late(o.pipe_name);
  EXPECT_EQ(late.call("ping")["result"]["pong"], true);
  // The abandoned dial went on in the service and is hung up by its stop: no leak.
  const auto list = steady.call("hangup", {{"all", true}, {"wait", "gone"}, {"timeout_ms", 10000}});
  EXPECT_FALSE(list.contains("error")) << list.dump();
}

// A script that sends one request and exits can close its end before the listener has
// called ConnectNamedPipe on the instance it reached (ERROR_NO_DATA). Its request is still
// in the pipe and is served: here the client is gone before the accept loop starts.
TEST(PipeListener, AClientGoneBeforeItWasAcceptedStillHasItsRequestServed) {
  auto o = options("nodata");
  PipeServer server(o, 64, {}, 0, [&] {
    LineClient gone(o.pipe_name);
    gone.send(R"({"jsonrpc":"2.0","id":1,"method":"dial","params":{"entry":"Quick VPN","wait":"connected"}})"
              "\n");
  });
  LineClient other(o.pipe_name);
  json list;
  for (int attempt = 0; attempt < 200; ++attempt) {
    list = other.call("list")["result"]["connections"];
    if (!list.empty() && list[0]["state"] == "connected") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ASSERT_EQ(list.size(), 1u) << list.dump();
  EXPECT_EQ(list[0]["entry"], "Quick VPN");
  // Identified although it had left: its pid and user are known.
  EXPECT_EQ(list[0]["owner"]["pid"], static_cast<std::int64_t>(GetCurrentProcessId())) << list.dump();
  EXPECT_FALSE(list[0]["owner"]["user"].get<std::string>().empty()) << list.dump();
}

// The core's admission policy (tests/app) over the real pipe: the refusal's write and
// close, and the freed place, are the pipe's own I/O.
TEST(PipeListener, OverTheLimitAClientGetsBusy) {
  auto o = options("busy");
  PipeServer server(o, 2);
  LineClient a(o.pipe_name), b(o.pipe_name);
  EXPECT_EQ(a.call("ping")["result"]["pong"], true);
  EXPECT_EQ(b.call("ping")["result"]["pong"], true);
  LineClient c(o.pipe_name);
  const auto line = c.read_line();
  ASSERT_TRUE(line);
  const auto busy = json::parse(*line);
  EXPECT_EQ(busy["error"]["code"], json(static_cast<int>(protocol::ErrorCode::busy))) << *line;
  EXPECT_TRUE(busy["id"].is_null());
  EXPECT_EQ(*line + "\n", app::busy_line(2));
  EXPECT_FALSE(c.read_line(std::chrono::seconds(5))) << "the refused client is disconnected";
  b.close();
  // A slot is free again once b's session has ended.
  for (int i = 0; i < 100 && server.connected() >= 2; ++i) Sleep(50);
  LineClient d(o.pipe_name);
  EXPECT_EQ(d.call("ping")["result"]["pong"], true);
}

// The per-user share over the real pipe: the user is known only after the first read, so
// the refusal comes then — `busy`, naming the user Wine's token gives this process — and
// the user's place is given back when one of its sessions ends.
TEST(PipeListener, BeyondMaxClientsPerUserTheUsersNextClientGetsBusy) {
  auto o = options("per-user");
  PipeServer server(o, 8, {}, 2);
  LineClient a(o.pipe_name), b(o.pipe_name);
  EXPECT_EQ(a.call("ping")["result"]["pong"], true);
  EXPECT_EQ(b.call("ping")["result"]["pong"], true);
  const std::string user = a.call("dial", {{"entry", "Quick VPN"}})["result"]["owner"]["user"];
  ASSERT_FALSE(user.empty());

  LineClient c(o.pipe_name);
  const auto refusal = c.call("ping");
  EXPECT_EQ(refusal["error"]["code"], json(static_cast<int>(protocol::ErrorCode::busy))) << refusal.dump();
  EXPECT_EQ(refusal["error"]["message"], "user " + user + " already has 2 connections to the service (max_clients_per_user)");
  EXPECT_TRUE(refusal["id"].is_null());
  EXPECT_FALSE(c.read_line(std::chrono::seconds(5))) << "the refused client is disconnected";
  for (int i = 0; i < 100 && server.connected() > 2; ++i) Sleep(50);
  EXPECT_EQ(server.connected(), 2u) << "the refused client's place is given back";

  b.close();
  for (int i = 0; i < 100 && server.connected() >= 2; ++i) Sleep(50);
  LineClient d(o.pipe_name);
  EXPECT_EQ(d.call("ping")["result"]["pong"], true) << "the user's place was not given back when b left";
  a.call("hangup", {{"entry", "Quick VPN"}, {"wait", "gone"}, {"timeout_ms", 10000}});
}

// Over the real pipe too: closing the instance ends the pending overlapped read.
TEST(PipeListener, AClientThatSendsNothingIsDisconnectedAndItsPlaceFreed) {
  auto o = options("silent");
  PipeServer server(o, 1, ipc::SessionLimits{.first_request_timeout = std::chrono::milliseconds(300)});
  LineClient silent(o.pipe_name);
  EXPECT_FALSE(silent.read_line(std::chrono::seconds(10))) << "the service answered a client that said nothing";
  std::size_t n = 1;
  for (int i = 0; i < 100 && n != 0; ++i) {
    n = server.connected();
    if (n != 0) Sleep(50);
  }
  EXPECT_EQ(n, 0u) << "the silent client still holds the only place";
  LineClient next(o.pipe_name);
  EXPECT_EQ(next.call("ping")["result"]["pong"], true);
}

TEST(PipeListener, IdentifiesTheClientProcessAndUser) {
  auto o = options("who");
  PipeServer server(o);
  LineClient client(o.pipe_name);
  const auto answer = client.call("dial", {{"entry", "Quick VPN"}, {"wait", "connected"}});
  ASSERT_TRUE(answer.contains("result")) << answer.dump();
  const auto& owner = answer["result"]["owner"];
  EXPECT_EQ(owner["pid"], static_cast<std::int64_t>(GetCurrentProcessId())) << answer.dump();
  EXPECT_FALSE(owner["user"].get<std::string>().empty()) << answer.dump();
  EXPECT_NE(owner["user"].get<std::string>().find('\\'), std::string::npos) << "DOMAIN\\user: " << answer.dump();
  client.call("hangup", {{"entry", "Quick VPN"}, {"wait", "gone"}, {"timeout_ms", 10000}});
}
