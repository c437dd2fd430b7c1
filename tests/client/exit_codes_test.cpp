#include <gtest/gtest.h>

#include <rasbroker/protocol/errors.hpp>

#include "client_error.hpp"
#include "exit_codes.hpp"

namespace rasbroker::client {
namespace {

using protocol::ErrorCode;

int code_for(ErrorCode c) { return exit_code_for_rpc_code(static_cast<int>(c)); }

TEST(ExitCodes, ApplicationErrors) {
  EXPECT_EQ(code_for(ErrorCode::not_found), 6);
  EXPECT_EQ(code_for(ErrorCode::ras_failure), 5);
  EXPECT_EQ(code_for(ErrorCode::timeout), 4);
  EXPECT_EQ(code_for(ErrorCode::unauthorized), 7);
  EXPECT_EQ(code_for(ErrorCode::shutting_down), 8);
  EXPECT_EQ(code_for(ErrorCode::busy), 8);
}

TEST(ExitCodes, JsonRpcAndUnknownErrorsAreProtocolErrors) {
  for (int code : {-32700, -32600, -32601, -32602, -32603, -32000, -32099, 0, 8, 99, 1000}) {
    EXPECT_EQ(exit_code_for_rpc_code(code), 9) << code;
  }
}

TEST(ExitCodes, AnAnswerTooLargeIsAProtocolError) { EXPECT_EQ(code_for(ErrorCode::response_too_large), 9); }

TEST(ExitCodes, ClientErrors) {
  using K = ClientError::Kind;
  EXPECT_EQ(exit_code_for(ClientError(K::usage, "")), 2);
  EXPECT_EQ(exit_code_for(ClientError(K::unreachable, "")), 3);
  EXPECT_EQ(exit_code_for(ClientError(K::disconnected, "")), 3);
  EXPECT_EQ(exit_code_for(ClientError(K::timeout, "")), 4);
  EXPECT_EQ(exit_code_for(ClientError(K::busy, "")), 8);
  EXPECT_EQ(exit_code_for(ClientError(K::protocol, "")), 9);
  EXPECT_EQ(exit_code_for(ClientError(K::local, "")), 1);
}

TEST(ExitCodes, KindNamesAreStable) {
  using K = ClientError::Kind;
  EXPECT_EQ(kind_name(K::usage), "usage_error");
  EXPECT_EQ(kind_name(K::unreachable), "service_unreachable");
  EXPECT_EQ(kind_name(K::disconnected), "service_disconnected");
  EXPECT_EQ(kind_name(K::timeout), "client_timeout");
  EXPECT_EQ(kind_name(K::busy), "service_busy");
  EXPECT_EQ(kind_name(K::protocol), "protocol_error");
  EXPECT_EQ(kind_name(K::local), "local_error");
}

}  // namespace
}  // namespace rasbroker::client
