#include <gtest/gtest.h>

#include "endpoint.hpp"

namespace rasbroker::client {
namespace {

TEST(Endpoint, OptionBeatsEnvironmentBeatsDefault) {
  EXPECT_EQ(resolve_endpoint(std::string("opt"), std::string("env"), std::string("/run/user/1")), "opt");
  EXPECT_EQ(resolve_endpoint(std::nullopt, std::string("env"), std::string("/run/user/1")), "env");
  EXPECT_EQ(resolve_endpoint(std::string(""), std::string("env"), std::nullopt), "env");
}

TEST(Endpoint, PlatformDefault) {
#ifdef _WIN32
  EXPECT_EQ(resolve_endpoint(std::nullopt, std::nullopt, std::nullopt), R"(\\.\pipe\rasbroker)");
  EXPECT_EQ(resolve_endpoint(std::nullopt, std::string(""), std::string("/x")), R"(\\.\pipe\rasbroker)");
#else
  EXPECT_EQ(resolve_endpoint(std::nullopt, std::nullopt, std::string("/run/user/1000")), "/run/user/1000/rasbroker.sock");
  EXPECT_EQ(resolve_endpoint(std::nullopt, std::nullopt, std::string("/run/user/1000/")), "/run/user/1000/rasbroker.sock");
  EXPECT_EQ(resolve_endpoint(std::nullopt, std::string(""), std::nullopt), "/tmp/rasbroker.sock");
  EXPECT_EQ(resolve_endpoint(std::nullopt, std::nullopt, std::string("")), "/tmp/rasbroker.sock");
#endif
}

TEST(Endpoint, PipePath) {
  EXPECT_EQ(pipe_path("rasbroker"), R"(\\.\pipe\rasbroker)");
  EXPECT_EQ(pipe_path(R"(\\.\pipe\other)"), R"(\\.\pipe\other)");
  EXPECT_EQ(pipe_path(R"(\\server\pipe\rasbroker)"), R"(\\server\pipe\rasbroker)");
  EXPECT_EQ(pipe_path("//./pipe/x"), "//./pipe/x");
}

// UAC leaves Administrators deny-only in an unelevated administrator's token, so the pipe
// refuses such a user: the message must name elevation and the allowed_groups way in.
TEST(Endpoint, AccessDeniedMessageNamesElevationAndAllowedGroups) {
  const std::string message = pipe_access_denied_message(R"(\\.\pipe\rasbroker)");
  EXPECT_EQ(message.rfind(R"(cannot connect to \\.\pipe\rasbroker: access denied)", 0), 0u) << message;
  EXPECT_NE(message.find("elevated administrators"), std::string::npos) << message;
  EXPECT_NE(message.find("run from an elevated prompt"), std::string::npos) << message;
  EXPECT_NE(message.find("Network Configuration Operators"), std::string::npos) << message;
  EXPECT_NE(message.find("add your group to allowed_groups"), std::string::npos) << message;
}

TEST(Endpoint, StartHintNamesTheWayToStartTheService) {
#ifdef _WIN32
  EXPECT_NE(start_service_hint().find("sc start RasBroker"), std::string::npos);
  EXPECT_NE(start_service_hint().find("net start RasBroker"), std::string::npos);
#else
  EXPECT_NE(start_service_hint().find("rasbrokerd --simulate SCENARIO.json"), std::string::npos);
#endif
}

}  // namespace
}  // namespace rasbroker::client
