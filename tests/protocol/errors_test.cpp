#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rasbroker/protocol/errors.hpp"
#include "rasbroker/protocol/jsonrpc.hpp"
#include "rasbroker/protocol/methods.hpp"

namespace rp = rasbroker::protocol;
using rp::ErrorCode;

namespace {

struct CodeCase {
  ErrorCode code;
  int value;
  const char* name;
};

const std::vector<CodeCase> kCodes = {
    {ErrorCode::parse_error, -32700, "parse_error"},
    {ErrorCode::invalid_request, -32600, "invalid_request"},
    {ErrorCode::method_not_found, -32601, "method_not_found"},
    {ErrorCode::invalid_params, -32602, "invalid_params"},
    {ErrorCode::internal_error, -32603, "internal_error"},
    {ErrorCode::not_found, 1, "not_found"},
    {ErrorCode::ras_failure, 2, "ras_failure"},
    {ErrorCode::timeout, 3, "timeout"},
    {ErrorCode::unauthorized, 4, "unauthorized"},
    {ErrorCode::shutting_down, 5, "shutting_down"},
    {ErrorCode::busy, 6, "busy"},
    {ErrorCode::response_too_large, 7, "response_too_large"},
};

}  // namespace

TEST(Errors, EveryCodeHasItsStableValueAndName) {
  for (const auto& c : kCodes) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(static_cast<int>(c.code), c.value);
    EXPECT_EQ(rp::error_code_name(c.code), c.name);
  }
  EXPECT_EQ(rp::error_code_name(static_cast<ErrorCode>(42)), "unknown");
}

TEST(Errors, EveryCodeRoundTripsThroughJson) {
  for (const auto& c : kCodes) {
    SCOPED_TRACE(c.name);
    const rp::RpcError error(c.code, std::string("something about ") + c.name, {{"detail", c.value}});
    const auto j = error.to_json();
    EXPECT_EQ(j, (nlohmann::json{{"code", c.value},
                                 {"message", std::string("something about ") + c.name},
                                 {"data", {{"detail", c.value}}}}));
    const auto back = rp::RpcError::from_json(j);
    EXPECT_EQ(back.code(), c.code);
    EXPECT_STREQ(back.what(), error.what());
    EXPECT_EQ(back.data(), error.data());
  }
}

TEST(Errors, NullDataIsOmitted) {
  const rp::RpcError error(ErrorCode::not_found, "no connection \"c9\"");
  EXPECT_EQ(error.to_json(), (nlohmann::json{{"code", 1}, {"message", "no connection \"c9\""}}));
  EXPECT_TRUE(error.data().is_null());
}

TEST(Errors, FromJsonIsTolerant) {
  struct Case {
    const char* name;
    nlohmann::json input;
    int code;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"missing message", {{"code", 3}}, 3, ""},
      {"unknown code kept", {{"code", 4242}, {"message", "new in v2"}}, 4242, "new in v2"},
      {"negative unknown code kept", {{"code", -32000}, {"message", "server error"}}, -32000, "server error"},
      {"message not a string", {{"code", 1}, {"message", 17}}, 1, ""},
      {"missing code", {{"message", "what"}}, -32603, "what"},
      {"code not a number", {{"code", "1"}, {"message", "m"}}, -32603, "m"},
      {"fractional code", {{"code", 1.5}, {"message", "m"}}, -32603, "m"},
      {"code out of int range", {{"code", 1LL << 40}, {"message", "m"}}, -32603, "m"},
      {"not an object", "boom", -32603, "malformed error object"},
      {"null", nullptr, -32603, "malformed error object"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto e = rp::RpcError::from_json(c.input);
    EXPECT_EQ(static_cast<int>(e.code()), c.code);
    EXPECT_STREQ(e.what(), c.message);
  }
}

TEST(Errors, RasFailureCarriesTheRasErrorAndMessage) {
  const auto e = rp::RpcError::ras(691, "The remote connection was denied because the user name and password "
                                        "combination you provided is not recognized",
                                   "dial \"Office VPN\" failed");
  EXPECT_EQ(e.code(), ErrorCode::ras_failure);
  EXPECT_STREQ(e.what(),
               "dial \"Office VPN\" failed: The remote connection was denied because the user name and password "
               "combination you provided is not recognized (RAS error 691)");
  EXPECT_EQ(e.data()["ras_error"], 691);
  EXPECT_EQ(e.data()["ras_message"],
            "The remote connection was denied because the user name and password combination you provided is not "
            "recognized");
  const auto back = rp::RpcError::from_json(e.to_json());
  EXPECT_EQ(back.code(), ErrorCode::ras_failure);
  EXPECT_EQ(back.data(), e.data());
}

TEST(Errors, RasFailureNamesTheExtendedErrorWhenRasGaveOne) {
  const auto e = rp::RpcError::ras(650, "The remote access server is not responding.", "dial \"Old\" failed", 5);
  EXPECT_STREQ(e.what(), "dial \"Old\" failed: The remote access server is not responding. (RAS error 650, extended "
                         "error 5)");
  EXPECT_EQ(e.data()["ras_extended_error"], 5);
  EXPECT_EQ(rp::RpcError::from_json(e.to_json()).data(), e.data());
  EXPECT_FALSE(rp::RpcError::ras(691, "x", "y").data().contains("ras_extended_error"));
}

TEST(Errors, RasFailureWithoutTextStillReadable) {
  EXPECT_STREQ(rp::RpcError::ras(800, "", "dial \"Office VPN\" failed").what(),
               "dial \"Office VPN\" failed (RAS error 800)");
  EXPECT_STREQ(rp::RpcError::ras(678, "There was no answer.", "").what(), "There was no answer. (RAS error 678)");
}

// The standard errors as a server builds them: parse error and invalid request come
// from parse_incoming (see jsonrpc_test), method not found from is_known_method,
// invalid params from the parse_*_params functions, internal error from a handler.
TEST(Errors, StandardErrorsAsTheServerBuildsThem) {
  // -32601: the dispatcher asks is_known_method.
  for (const char* name : {"frobnicate", "Dial", "connection.changed", "", "rpc.discover"}) {
    SCOPED_TRACE(name);
    EXPECT_FALSE(rp::is_known_method(name));
  }
  for (auto name : {rp::method::ping, rp::method::status, rp::method::dial, rp::method::hangup, rp::method::list,
                    rp::method::get, rp::method::entries, rp::method::subscribe}) {
    EXPECT_TRUE(rp::is_known_method(name)) << name;
  }
  const auto not_found = rp::make_error(7, rp::RpcError(ErrorCode::method_not_found, "Method not found: \"frobnicate\""));
  EXPECT_EQ(not_found, (nlohmann::json{{"jsonrpc", "2.0"},
                                       {"id", 7},
                                       {"error", {{"code", -32601}, {"message", "Method not found: \"frobnicate\""}}}}));

  // -32602
  try {
    (void)rp::parse_get_params(nlohmann::json::object());
    FAIL() << "expected invalid params";
  } catch (const rp::RpcError& e) {
    EXPECT_EQ(rp::make_error("a", e)["error"]["code"], -32602);
  }

  // -32603
  const auto internal = rp::make_error(nullptr, rp::RpcError(ErrorCode::internal_error, "Internal error: bad_alloc"));
  EXPECT_EQ(internal["error"]["code"], -32603);
  EXPECT_TRUE(internal["id"].is_null());
}

TEST(Errors, RpcErrorIsARuntimeError) {
  try {
    throw rp::RpcError(ErrorCode::busy, "too many clients (64)");
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "too many clients (64)");
  }
}
