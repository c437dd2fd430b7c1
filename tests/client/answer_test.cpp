// What the client takes from the service over the real transport (Unix socket / named
// pipe): answer lines up to protocol::kMaxResponseBytes, far beyond the request limit,
// and the service's refusal even when it came before the request could be written.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <sstream>

#include <nlohmann/json.hpp>
#include <rasbroker/protocol/errors.hpp>
#include <rasbroker/protocol/framing.hpp>
#include <rasbroker/protocol/jsonrpc.hpp>
#include <rasbroker/protocol/limits.hpp>

#include "client_error.hpp"
#include "exit_codes.hpp"
#include "fake_server.hpp"
#include "rpc_client.hpp"
#include "test_support.hpp"
#include "transport.hpp"

namespace rasbroker::client::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// A client of the fake server over the platform's transport.
RpcClient connected_to(const std::string& endpoint) {
  std::unique_ptr<Transport> transport = make_platform_transport();
  transport->connect(endpoint, 2s);
  return RpcClient(std::move(transport), endpoint);
}

#ifndef _WIN32
// The answer to `request` whose line ('\n' excluded) is exactly `bytes` long (the
// tests using it run natively only: see below).
std::string answer_of_size(const json& request, std::size_t bytes) {
  const std::size_t frame = protocol::encode_line(protocol::make_result(request.at("id"), {{"pad", ""}})).size() - 1;
  return protocol::encode_line(protocol::make_result(request.at("id"), {{"pad", std::string(bytes - frame, 'x')}}));
}
#endif

TEST(ClientAnswers, ListLongerThanARequestLineMayBeIsShown) {
  constexpr int kConnections = 2000;
  FakeServer server([](ServerSide& s) {
    const json request = json::parse(s.read_line());
    json connections = json::array();
    for (int i = 0; i < kConnections; ++i)
      connections.push_back(make_connection("c" + std::to_string(i), "Entry " + std::to_string(i)));
    const std::string line = protocol::encode_line(protocol::make_result(request.at("id"), {{"connections", connections}}));
    EXPECT_GT(line.size(), 4 * protocol::kDefaultMaxLineBytes);
    s.write(line);
    s.read_line();
  });
  std::vector<std::string> args{"rasbroker", "--endpoint", server.endpoint(), "list"};
  ParseResult parsed = parse_command_line(args);
  ASSERT_EQ(parsed.action, ParseResult::Action::run);
  std::ostringstream out, err;
  Io io{out, err, false, nullptr, nullptr};
  EXPECT_EQ(run_command(parsed.command, *parsed.command.endpoint, io, [] { return make_platform_transport(); }), 0)
      << err.str();
  EXPECT_NE(out.str().find("Entry 0"), std::string::npos);
  EXPECT_NE(out.str().find("Entry " + std::to_string(kConnections - 1)), std::string::npos);
}

// At the limit and one byte over: natively only. 16 MiB through Wine's pipe takes half a
// minute, and the pipe's read path is the one the 600 KB `list` answer above takes.
#ifndef _WIN32
TEST(ClientAnswers, AnAnswerOfTheLargestSizeIsRead) {
  FakeServer server([](ServerSide& s) {
    s.write(answer_of_size(json::parse(s.read_line()), protocol::kMaxResponseBytes));
    s.read_line();
  });
  const json result = connected_to(server.endpoint()).call("ping", json::object(), 60s);
  EXPECT_EQ(result.at("pad").get_ref<const std::string&>().find_first_not_of('x'), std::string::npos);
  EXPECT_GT(result.at("pad").get_ref<const std::string&>().size(), protocol::kMaxResponseBytes - 64);
}

TEST(ClientAnswers, AnAnswerOneByteLongerIsAProtocolError) {
  FakeServer server([](ServerSide& s) {
    s.write(answer_of_size(json::parse(s.read_line()), protocol::kMaxResponseBytes + 1));
    s.read_line();
  });
  try {
    connected_to(server.endpoint()).call("ping", json::object(), 60s);
    FAIL() << "no exception";
  } catch (const ClientError& e) {
    EXPECT_EQ(e.kind(), ClientError::Kind::protocol);
    EXPECT_NE(std::string(e.what()).find("longer than " + std::to_string(protocol::kMaxResponseBytes)),
              std::string::npos)
        << e.what();
  }
}

#endif

// A full service writes its `busy` line and closes at once. A client whose request could
// not be written any more reads that line: exit 8 (unavailable), not 3 (unreachable).
TEST(ClientAnswers, BusyIsReadEvenWhenTheRequestCannotBeWritten) {
  std::promise<void> refused;
  FakeServer server([&](ServerSide& s) {
    s.write(protocol::encode_line(protocol::make_error(
        nullptr, protocol::RpcError(protocol::ErrorCode::busy, "too many clients (1); try again later"))));
    s.abandon();
    refused.set_value();
  });
  RpcClient client = connected_to(server.endpoint());
  refused.get_future().wait();  // the service has gone: the write below fails
  try {
    client.call("status", json::object(), 5s);
    FAIL() << "no exception";
  } catch (const protocol::RpcError& e) {
    EXPECT_EQ(e.code(), protocol::ErrorCode::busy);
    EXPECT_EQ(exit_code_for_rpc_code(static_cast<int>(e.code())), exit_code::unavailable);
  } catch (const ClientError& e) {
    FAIL() << "the busy line was not read: " << e.what();
  }
}

// Nothing to read after a failed write: still "closed the connection" (exit 3), at once.
TEST(ClientAnswers, AServiceGoneWithoutAWordIsDisconnected) {
  std::promise<void> gone;
  FakeServer server([&](ServerSide& s) {
    s.abandon();
    gone.set_value();
  });
  RpcClient client = connected_to(server.endpoint());
  gone.get_future().wait();
  try {
    client.call("status", json::object());
    FAIL() << "no exception";
  } catch (const ClientError& e) {
    EXPECT_EQ(e.kind(), ClientError::Kind::disconnected) << e.what();
    EXPECT_EQ(exit_code_for(e), exit_code::unreachable);
  }
}

}  // namespace
}  // namespace rasbroker::client::test
