// RpcClient over the real transport of the platform (Unix socket / named pipe)
// against a fake server thread that answers canned lines.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>
#include <rasbroker/protocol/errors.hpp>
#include <rasbroker/protocol/jsonrpc.hpp>

#include "client_error.hpp"
#include "exit_codes.hpp"
#include "fake_server.hpp"
#include "rpc_client.hpp"
#include "test_support.hpp"
#include "transport.hpp"

#ifndef _WIN32
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace rasbroker::client {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using test::FakeServer;
using test::ServerSide;

std::unique_ptr<RpcClient> connect_to(const std::string& endpoint) {
  auto transport = make_platform_transport();
  transport->connect(endpoint, 2s);
  return std::make_unique<RpcClient>(std::move(transport), endpoint);
}

std::string response_line(const json& request, json result) {
  return protocol::encode_line(protocol::make_result(request.at("id"), std::move(result)));
}

TEST(RpcClient, CallReturnsTheResultAndDeliversNotificationsFirst) {
  json seen_request;
  FakeServer server([&](ServerSide& s) {
    seen_request = json::parse(s.read_line());
    s.write(protocol::encode_line(protocol::make_notification("connection.changed", {{"n", 1}})));
    s.write(response_line(seen_request, {{"pong", true}}));
    EXPECT_EQ(s.read_line(), "");  // then the client closes
  });
  std::vector<std::pair<std::string, json>> notes;
  {
    auto client = connect_to(server.endpoint());
    client->on_notification([&](std::string_view m, const json& p) { notes.emplace_back(std::string(m), p); });
    EXPECT_EQ(client->call("ping", json::object(), 5s), (json{{"pong", true}}));
  }
  EXPECT_EQ(seen_request["jsonrpc"], "2.0");
  EXPECT_EQ(seen_request["method"], "ping");
  EXPECT_EQ(seen_request["id"], 1);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].first, "connection.changed");
  EXPECT_EQ(notes[0].second, (json{{"n", 1}}));
}

TEST(RpcClient, ResponseSplitOverSeveralWrites) {
  FakeServer server([](ServerSide& s) {
    for (int i = 0; i < 2; ++i) {
      const json request = json::parse(s.read_line());
      const std::string line = response_line(request, {{"value", "x" + std::to_string(i)}});
      // Several writes, with pauses, one of them inside the trailing "\r\n".
      const std::string crlf = line.substr(0, line.size() - 1) + "\r\n";
      const std::size_t third = crlf.size() / 3;
      s.write(crlf.substr(0, third));
      std::this_thread::sleep_for(20ms);
      s.write(crlf.substr(third, third));
      std::this_thread::sleep_for(20ms);
      s.write(crlf.substr(2 * third, crlf.size() - 2 * third - 1));
      std::this_thread::sleep_for(20ms);
      s.write("\n");
    }
    s.read_line();
  });
  auto client = connect_to(server.endpoint());
  EXPECT_EQ(client->call("a", json::object(), 5s), (json{{"value", "x0"}}));
  EXPECT_EQ(client->call("b", json::object(), 5s), (json{{"value", "x1"}}));
}

TEST(RpcClient, ManyMessagesInOneWrite) {
  FakeServer server([](ServerSide& s) {
    const json request = json::parse(s.read_line());
    std::string all;
    for (int i = 0; i < 3; ++i) all += protocol::encode_line(protocol::make_notification("n", {{"i", i}}));
    all += protocol::encode_line(protocol::make_result(999, "stale"));  // not ours: skipped
    all += response_line(request, "done");
    s.write(all);
    s.read_line();
  });
  auto client = connect_to(server.endpoint());
  int count = 0;
  client->on_notification([&](std::string_view, const json& p) { EXPECT_EQ(p["i"], count++); });
  EXPECT_EQ(client->call("x", nullptr, 5s), "done");
  EXPECT_EQ(count, 3);
}

TEST(RpcClient, ErrorResponseThrowsRpcError) {
  FakeServer server([](ServerSide& s) {
    const json request = json::parse(s.read_line());
    s.write(protocol::encode_line(
        protocol::make_error(request["id"], protocol::RpcError::ras(691, "Access was denied.", "dial failed"))));
    s.read_line();
  });
  auto client = connect_to(server.endpoint());
  try {
    client->call("dial", {{"entry", "VPN"}}, 5s);
    FAIL() << "no exception";
  } catch (const protocol::RpcError& e) {
    EXPECT_EQ(e.code(), protocol::ErrorCode::ras_failure);
    EXPECT_EQ(e.data()["ras_error"], 691);
  }
}

TEST(RpcClient, ServerClosesBeforeAnswering) {
  FakeServer server([](ServerSide& s) {
    s.read_line();
    s.close();
  });
  auto client = connect_to(server.endpoint());
  try {
    client->call("status", json::object(), 5s);
    FAIL() << "no exception";
  } catch (const ClientError& e) {
    EXPECT_EQ(e.kind(), ClientError::Kind::disconnected);
    EXPECT_EQ(exit_code_for(e), exit_code::unreachable);
    EXPECT_NE(std::string(e.what()).find("closed the connection before answering"), std::string::npos);
  }
}

TEST(RpcClient, ServerClosesInTheMiddleOfAResponse) {
  FakeServer server([](ServerSide& s) {
    s.read_line();
    s.write(R"({"jsonrpc":"2.0","id":1,"res)");
    s.close();
  });
  auto client = connect_to(server.endpoint());
  try {
    client->call("status", json::object(), 5s);
    FAIL() << "no exception";
  } catch (const ClientError& e) {
    EXPECT_EQ(e.kind(), ClientError::Kind::disconnected);
    EXPECT_NE(std::string(e.what()).find("cut off"), std::string::npos) << e.what();
  }
}

TEST(RpcClient, InvalidJsonIsAProtocolError) {
  for (const std::string bad : {"this is not json\n", "[1,2]\n", "{\"jsonrpc\":\"2.0\",\"id\":1}\n",
                                "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":5}\n", "{\"x\":1}\n"}) {
    FakeServer server([&](ServerSide& s) {
      s.read_line();
      s.write(bad);
      s.read_line();
    });
    auto client = connect_to(server.endpoint());
    try {
      client->call("status", json::object(), 5s);
      ADD_FAILURE() << "no exception for " << bad;
    } catch (const ClientError& e) {
      EXPECT_EQ(e.kind(), ClientError::Kind::protocol) << bad;
      EXPECT_EQ(exit_code_for(e), exit_code::protocol);
    }
  }
}

TEST(RpcClient, NoAnswerInTimeIsATimeout) {
  FakeServer server([](ServerSide& s) {
    s.read_line();
    s.read_line();  // until the client gives up and closes
  });
  auto client = connect_to(server.endpoint());
  const auto start = std::chrono::steady_clock::now();
  try {
    client->call("status", json::object(), 200ms);
    FAIL() << "no exception";
  } catch (const ClientError& e) {
    EXPECT_EQ(e.kind(), ClientError::Kind::timeout);
    EXPECT_EQ(exit_code_for(e), exit_code::timeout);
  }
  EXPECT_GE(std::chrono::steady_clock::now() - start, 150ms);
  client.reset();
}

TEST(RpcClient, PumpNotificationsUntilTheServiceCloses) {
  FakeServer server([](ServerSide& s) {
    const json request = json::parse(s.read_line());
    s.write(response_line(request, {{"subscribed", true}}));
    for (int i = 0; i < 5; ++i) s.write(protocol::encode_line(protocol::make_notification("n", {{"i", i}})));
    s.close();
  });
  auto client = connect_to(server.endpoint());
  EXPECT_EQ(client->call("subscribe", json::object(), 5s), (json{{"subscribed", true}}));
  int count = 0;
  client->on_notification([&](std::string_view, const json&) { ++count; });
  client->pump_notifications();
  EXPECT_EQ(count, 5);
}

// The params of the one request the service received for this call (answered "ok").
json params_received_for(std::string_view method, const json& params) {
  std::string received;
  {
    FakeServer server([&](ServerSide& s) {
      received = s.read_line();
      s.write(response_line(json::parse(received), "ok"));
      s.read_line();
    });
    auto client = connect_to(server.endpoint());
    EXPECT_EQ(client->call(method, params, 5s), "ok");
  }  // client closed, then the server joined
  return json::parse(received)["params"];
}

TEST(RpcClient, PasswordIsSent) {
  EXPECT_EQ(params_received_for("dial", {{"entry", "VPN"}, {"password", "s3cret"}})["password"], "s3cret");
}

// The client wipes every secret member (protocol::wipe_secrets) only after encoding:
// whatever the name or depth, the service receives it intact.
TEST(RpcClient, EverySecretMemberIsSentBeforeItIsWiped) {
  const json params = {{"Password", "s3cret"}, {"auth", {{"pwd", "p2"}, {"list", json::array({"p3"})}}}};
  EXPECT_EQ(params_received_for("custom", params), params);
  EXPECT_EQ(params["Password"], "s3cret") << "the caller's copy is its own";
}

TEST(Transport, NothingListeningIsUnreachable) {
  auto transport = make_platform_transport();
  try {
    transport->connect(test::unused_endpoint(), 1s);
    FAIL() << "connected to nothing";
  } catch (const ClientError& e) {
    EXPECT_EQ(e.kind(), ClientError::Kind::unreachable);
    EXPECT_NE(std::string(e.what()).find(test::unused_endpoint()), std::string::npos) << e.what();
  }
}

TEST(Transport, CommandAgainstARealServer) {
  FakeServer server([](ServerSide& s) {
    const json request = json::parse(s.read_line());
    EXPECT_EQ(request["method"], "list");
    s.write(response_line(request, {{"connections", json::array({json(test::make_connection("c1", "Office VPN"))})}}));
    s.read_line();
  });
  std::vector<std::string> args{"rasbroker", "--endpoint", server.endpoint(), "list"};
  ParseResult parsed = parse_command_line(args);
  ASSERT_EQ(parsed.action, ParseResult::Action::run);
  std::ostringstream out, err;
  Io io{out, err, false, nullptr, nullptr};
  const int code = run_command(parsed.command, *parsed.command.endpoint, io, [] { return make_platform_transport(); });
  EXPECT_EQ(code, 0) << err.str();
  EXPECT_NE(out.str().find("Office VPN"), std::string::npos) << out.str();
}

TEST(Transport, UnreachableCommandSaysHowToStartTheService) {
  std::vector<std::string> args{"rasbroker", "--endpoint", test::unused_endpoint(), "status"};
  ParseResult parsed = parse_command_line(args);
  std::ostringstream out, err;
  Io io{out, err, false, nullptr, nullptr};
  EXPECT_EQ(run_command(parsed.command, *parsed.command.endpoint, io, [] { return make_platform_transport(); }), 3);
  EXPECT_NE(err.str().find(test::unused_endpoint()), std::string::npos) << err.str();
#ifdef _WIN32
  const std::string hint = "sc start RasBroker";
#else
  const std::string hint = "rasbrokerd --simulate";
#endif
  EXPECT_NE(err.str().find(hint), std::string::npos) << err.str();
}

#ifndef _WIN32
TEST(Transport, SocketPair) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  std::thread server([fd = fds[1]] {
    std::string got;
    char c;
    while (::read(fd, &c, 1) == 1 && c != '\n') got += c;
    const json request = json::parse(got);
    const std::string reply = protocol::encode_line(protocol::make_notification("hello", nullptr)) +
                              response_line(request, 42);
    EXPECT_EQ(::write(fd, reply.data(), reply.size()), static_cast<ssize_t>(reply.size()));
    ::close(fd);
  });
  RpcClient client(adopt_socket(fds[0]), "socketpair");
  bool hello = false;
  client.on_notification([&](std::string_view m, const json& p) {
    hello = m == "hello";
    EXPECT_TRUE(p.is_null());
  });
  EXPECT_EQ(client.call("answer", json::object(), 5s), 42);
  EXPECT_TRUE(hello);
  server.join();
}
#endif

}  // namespace
}  // namespace rasbroker::client
