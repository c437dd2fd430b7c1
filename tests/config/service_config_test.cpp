#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "config/service_config.hpp"

namespace rasbroker::config {
namespace {

using nlohmann::json;

TEST(ServiceConfig, EmptyObjectGivesDocumentedDefaults) {
  auto c = parse_service_config(json::object(), "config.json");
  EXPECT_EQ(c.pipe_name, "rasbroker");
  EXPECT_EQ(c.max_clients, 64u);
  EXPECT_EQ(c.broker.teardown_timeout, std::chrono::seconds(60));
  EXPECT_EQ(c.broker.on_stop, broker::OnStop::hangup);
  EXPECT_EQ(c.log.level, "info");
  EXPECT_TRUE(c.broker.allowed_entries.empty());
}

TEST(ServiceConfig, EveryKeyIsRead) {
  auto c = parse_service_config(json::parse(R"({
    "pipe_name": "rb-test", "allowed_groups": ["VPN Users"], "max_clients": 8,
    "phonebooks": ["C:\\pbk\\a.pbk"], "allowed_entries": ["Office VPN"],
    "teardown_timeout_ms": 30000, "link_poll_ms": 2000, "stop_timeout_ms": 10000, "on_stop": "leave",
    "reaper": {"initial_ms": 20, "max_ms": 1000, "stuck_poll_ms": 5000},
    "redial": {"Office VPN": {"attempts": 3, "backoff_ms": 2000}},
    "log": {"level": "debug", "dir": "D:\\logs", "max_size_mb": 5, "max_files": 3}})"),
                                "config.json");
  EXPECT_EQ(c.pipe_name, "rb-test");
  EXPECT_EQ(c.allowed_groups, std::vector<std::string>{"VPN Users"});
  EXPECT_EQ(c.max_clients, 8u);
  EXPECT_EQ(c.broker.on_stop, broker::OnStop::leave);
  EXPECT_EQ(c.broker.reaper_initial.count(), 20);
  EXPECT_EQ(c.broker.reaper_max.count(), 1000);
  EXPECT_EQ(c.broker.stuck_poll.count(), 5000);
  EXPECT_EQ(c.broker.link_poll.count(), 2000);
  EXPECT_EQ(c.broker.redial.at("Office VPN").attempts, 3u);
  EXPECT_TRUE(c.broker.allowed_entries.contains("Office VPN"));
  EXPECT_EQ(c.log.level, "debug");
  EXPECT_EQ(c.log.max_files, 3u);
}

TEST(ServiceConfig, ErrorsNameTheFileTheKeyAndTheProblem) {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {R"([])", "config.json: must be an object"},
      {R"({"pipe_nam": "x"})", "config.json: \"pipe_nam\" is not a known key"},
      {R"({"pipe_name": ""})", "\"pipe_name\" must not be empty"},
      {R"({"pipe_name": "a\\b"})", "\"pipe_name\" must be a plain pipe name"},
      {R"({"max_clients": 0})", "\"max_clients\" must be an integer from 1 to 1000"},
      {R"({"max_clients": "8"})", "\"max_clients\" must be an integer"},
      {R"({"on_stop": "drop"})", "\"on_stop\" must be \"hangup\" or \"leave\""},
      {R"({"reaper": {"initial_ms": 0}})", "\"reaper.initial_ms\" must be an integer from 1"},
      {R"({"reaper": {"initial_ms": 500, "max_ms": 100}})", "\"reaper.max_ms\" must not be smaller than initial_ms"},
      {R"({"reaper": {"speed": 1}})", "\"reaper.speed\" is not a known key"},
      {R"({"redial": {"Office VPN": {"attempts": 101}}})", "\"redial.Office VPN.attempts\" must be an integer from 0 to 100"},
      {R"({"redial": {"Office VPN": {"tries": 1}}})", "\"redial.Office VPN.tries\" is not a known key"},
      {R"({"redial": []})", "\"redial\" must be an object"},
      {R"({"allowed_entries": "Office VPN"})", "\"allowed_entries\" must be an array of strings"},
      {R"({"allowed_groups": [1]})", "\"allowed_groups[0]\" must be a string"},
      {R"({"log": {"level": "loud"}})", "\"log.level\" must be one of"},
      {R"({"log": {"max_files": 0}})", "\"log.max_files\" must be an integer from 1 to 100"},
      {R"({"teardown_timeout_ms": 10})", "\"teardown_timeout_ms\" must be an integer from 1000"},
  };
  for (auto& [text, expected] : cases) {
    SCOPED_TRACE(text);
    try {
      parse_service_config(json::parse(text), "config.json");
      ADD_FAILURE() << "accepted";
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).rfind("config.json: ", 0), 0u) << e.what();
    }
  }
}

TEST(ServiceConfig, MissingFileIsAnErrorUnlessAllowed) {
  EXPECT_THROW(load_service_config("/nonexistent/rasbroker.json", false), ConfigError);
  EXPECT_EQ(load_service_config("/nonexistent/rasbroker.json", true).pipe_name, "rasbroker");
}

}  // namespace
}  // namespace rasbroker::config
