#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "config/service_config.hpp"

namespace rasbroker::config {
namespace {

using nlohmann::json;

// Each (config text, expected words): refused with a ConfigError that starts with the
// file's name and contains the words.
using RefusedCases = std::vector<std::pair<const char*, const char*>>;
void expect_refused(const RefusedCases& cases) {
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

TEST(ServiceConfig, EmptyObjectGivesDocumentedDefaults) {
  auto c = parse_service_config(json::object(), "config.json");
  EXPECT_EQ(c.pipe_name, "rasbroker");
  EXPECT_EQ(c.max_clients, 64u);
  EXPECT_EQ(c.broker.teardown_timeout, std::chrono::seconds(60));
  EXPECT_EQ(c.broker.on_stop, broker::OnStop::hangup);
  EXPECT_EQ(c.log.level, "info");
  EXPECT_TRUE(c.broker.authorization.entries.empty());
  EXPECT_EQ(c.data_dir, "");
}

TEST(ServiceConfig, EveryKeyIsRead) {
  auto c = parse_service_config(json::parse(R"({
    "pipe_name": "rb-test", "allowed_groups": ["VPN Users"], "max_clients": 8,
    "phonebooks": ["C:\\pbk\\a.pbk"], "allowed_entries": ["Office VPN"],
    "teardown_timeout_ms": 30000, "link_poll_ms": 2000, "stop_timeout_ms": 10000, "on_stop": "leave",
    "reaper": {"initial_ms": 20, "max_ms": 1000, "stuck_poll_ms": 5000},
    "redial": {"Office VPN": {"attempts": 3, "backoff_ms": 2000}},
    "log": {"level": "debug", "dir": "D:\\logs", "max_size_mb": 5, "max_files": 3},
    "data_dir": "/var/lib/rasbroker"})"),
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
  EXPECT_EQ(c.broker.redial.at("Office VPN").backoff_ms, 2000u);
  EXPECT_TRUE(c.broker.authorization.entries.contains("Office VPN"));
  EXPECT_EQ(c.broker.phonebooks, std::vector<std::string>{"C:\\pbk\\a.pbk"});
  EXPECT_EQ(c.broker.teardown_timeout.count(), 30000);
  EXPECT_EQ(c.broker.stop_timeout.count(), 10000);
  EXPECT_EQ(c.log.level, "debug");
  EXPECT_EQ(c.log.dir, "D:\\logs");
  EXPECT_EQ(c.log.max_size_mb, 5u);
  EXPECT_EQ(c.log.max_files, 3u);
  EXPECT_EQ(c.data_dir, "/var/lib/rasbroker");
}

TEST(ServiceConfig, ErrorsNameTheFileTheKeyAndTheProblem) {
  const RefusedCases cases = {
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
      {R"({"stop_timeout_ms": 600001})", "\"stop_timeout_ms\" must be an integer from 0 to 600000"},
      {R"({"link_poll_ms": 99})", "\"link_poll_ms\" must be an integer from 100"},
      {R"({"reaper": {"stuck_poll_ms": 99}})", "\"reaper.stuck_poll_ms\" must be an integer from 100"},
      {R"({"redial": {"Office VPN": {"backoff_ms": 99}}})", "\"redial.Office VPN.backoff_ms\" must be an integer from 100"},
      {R"({"phonebooks": ["C:\\a.pbk", 2]})", "\"phonebooks[1]\" must be a string"},
      {R"({"log": {"max_size_mb": 1025}})", "\"log.max_size_mb\" must be an integer from 1 to 1024"},
      {R"({"log": {"dir": "logs"}})", "\"log.dir\" must be an absolute path"},
      {R"({"data_dir": "state"})", "\"data_dir\" must be an absolute path (/...)"},
      {R"({"data_dir": ""})", "\"data_dir\" must not be empty"},
      {R"({"log": {"dir": "D:\\Protokolle\\B\u00fcro"}})", "\"log.dir\" must be ASCII only"},
  };
  expect_refused(cases);
}

// Phonebook entries are looked up without regard to case (protocol/entry_name.hpp): so are
// the allow-list and the per-entry redial policies.
TEST(ServiceConfig, EntryNamesCompareAsRasComparesThem) {
  auto c = parse_service_config(json::parse(R"({
    "allowed_entries": ["Office VPN", "B\u00fcro VPN"],
    "redial": {"Office VPN": {"attempts": 3}}})"),
                                "config.json");
  EXPECT_TRUE(c.broker.authorization.entries.contains("office vpn"));
  EXPECT_TRUE(c.broker.authorization.entries.contains("B\u00dcRO VPN"));
  EXPECT_FALSE(c.broker.authorization.entries.contains("Office VPN 2"));
  ASSERT_TRUE(c.broker.redial.contains("OFFICE VPN"));
  EXPECT_EQ(c.broker.redial.at("OFFICE VPN").attempts, 3u);
  // The same entry listed twice in the allow-list is harmless: it is admitted once.
  c = parse_service_config(json::parse(R"({"allowed_entries": ["Office VPN", "office vpn"]})"), "config.json");
  EXPECT_EQ(c.broker.authorization.entries.size(), 1u);
}

// The authorisation policy's settings (authz/rules.hpp): defaults, then every key.
TEST(ServiceConfig, AuthorizationDefaultsAndKeys) {
  const auto defaults = parse_service_config(json::object(), "config.json").broker.authorization;
  EXPECT_EQ(defaults.list, authz::ListScope::all);
  EXPECT_TRUE(defaults.show_other_owners);
  EXPECT_EQ(defaults.hangup_others, authz::HangupRight::admins);
  EXPECT_EQ(defaults.hangup_adopted, authz::HangupRight::admins);
  const auto set = parse_service_config(json::parse(R"({"authorization": {"list": "own", "show_other_owners": false,
    "hangup_others": "anyone", "hangup_adopted": "anyone"}})"),
                                        "config.json")
                       .broker.authorization;
  EXPECT_EQ(set.list, authz::ListScope::own);
  EXPECT_FALSE(set.show_other_owners);
  EXPECT_EQ(set.hangup_others, authz::HangupRight::anyone);
  EXPECT_EQ(set.hangup_adopted, authz::HangupRight::anyone);
  EXPECT_TRUE(set.entries.empty()) << "no allow-list: every entry";
}

// The per-entry form of the allow-list: groups whose members may dial an entry, or
// "anyone"; the plain list is every admitted user for each entry.
TEST(ServiceConfig, AllowedEntriesMayNameGroupsPerEntry) {
  const auto rules = parse_service_config(json::parse(R"({"allowed_entries": {
    "Office VPN": ["CORP\\vpn-users", "CORP\\it"], "Branch VPN": "anyone"}})"),
                                          "config.json")
                         .broker.authorization;
  ASSERT_EQ(rules.entries.size(), 2u);
  EXPECT_EQ(rules.entries.at("office vpn"), (std::vector<std::string>{"CORP\\vpn-users", "CORP\\it"}));
  EXPECT_TRUE(rules.entries.at("BRANCH VPN").empty()) << "anyone";
  const auto plain = parse_service_config(json::parse(R"({"allowed_entries": ["Office VPN"]})"), "config.json");
  EXPECT_TRUE(plain.broker.authorization.entries.at("Office VPN").empty()) << "the plain list: anyone";
}

TEST(ServiceConfig, AuthorizationErrorsNameTheKey) {
  const RefusedCases cases = {
      {R"({"authorization": []})", "\"authorization\" must be an object"},
      {R"({"authorization": {"lists": "own"}})", "\"authorization.lists\" is not a known key"},
      {R"({"authorization": {"list": "mine"}})", "\"authorization.list\" must be \"all\" or \"own\""},
      {R"({"authorization": {"show_other_owners": "no"}})", "\"authorization.show_other_owners\" must be true or false"},
      {R"({"authorization": {"hangup_others": "admin"}})",
       "\"authorization.hangup_others\" must be \"admins\" or \"anyone\""},
      {R"({"authorization": {"hangup_adopted": true}})", "\"authorization.hangup_adopted\" must be a string"},
      {R"({"allowed_entries": 3})", "\"allowed_entries\" must be an array of strings (entry names), or an object"},
      {R"({"allowed_entries": {"Office VPN": []}})",
       "\"allowed_entries.Office VPN\" must name at least one group; write \"anyone\""},
      {R"({"allowed_entries": {"Office VPN": "CORP\\vpn-users"}})",
       "\"allowed_entries.Office VPN\" must be \"anyone\" or an array of group names"},
      {R"({"allowed_entries": {"Office VPN": [""]}})", "\"allowed_entries.Office VPN[0]\" must not be empty"},
      {R"({"allowed_entries": {"Office VPN": [7]}})", "\"allowed_entries.Office VPN[0]\" must be a string"},
      {R"({"allowed_entries": {"Office VPN": "anyone", "office vpn": ["CORP\\\\it"]}})",
       "\"allowed_entries.office vpn\" names the same entry as \"Office VPN\""},
      {R"({"allowed_entries": {"Office/VPN": "anyone"}})", "\"allowed_entries.Office/VPN\" may not contain any of"},
  };
  expect_refused(cases);
}

// Names RAS itself would refuse (RasValidateEntryName) can never be dialled: in the
// configuration they are a mistake, reported with the key. Two redial policies for one
// entry would leave it to chance which applies.
TEST(ServiceConfig, EntryNamesRasWouldRefuseAreErrors) {
  const RefusedCases cases = {
      {R"({"allowed_entries": ["Office VPN", "Office/VPN"]})", "\"allowed_entries[1]\" may not contain any of"},
      {R"({"allowed_entries": [".hidden"]})", "\"allowed_entries[0]\" may not start with '.'"},
      {R"({"allowed_entries": ["--"]})", "\"allowed_entries[0]\" needs at least one letter or digit"},
      {R"({"allowed_entries": [""]})", "\"allowed_entries[0]\" must not be empty"},
      {R"({"redial": {"a:b": {"attempts": 1}}})", "\"redial.a:b\" may not contain any of"},
      {R"({"redial": {"": {"attempts": 1}}})", "\"redial.\" is empty"},
      {R"({"redial": {"Office VPN": {"attempts": 1}, "office vpn": {"attempts": 2}}})",
       "\"redial.office vpn\" names the same entry as \"Office VPN\""},
  };
  expect_refused(cases);
}

TEST(ServiceConfig, MissingFileIsAnErrorUnlessAllowed) {
  EXPECT_THROW(load_service_config("/nonexistent/rasbroker.json", false), ConfigError);
  EXPECT_EQ(load_service_config("/nonexistent/rasbroker.json", true).pipe_name, "rasbroker");
}

// Only a missing file means defaults: anything else that is wrong with it is an error.
class ConfigFile : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() / (std::string("rasbroker-config-") + info->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  // The path as the service gets it: UTF-8.
  static std::string utf8(const std::filesystem::path& p) {
    const auto u8 = p.u8string();
    return std::string(u8.begin(), u8.end());
  }
  std::string write(const std::filesystem::path& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return utf8(dir_ / name);
  }
  std::filesystem::path dir_;
};

TEST_F(ConfigFile, AFolderIsAnErrorEvenWhenMissingIsAllowed) {
  try {
    load_service_config(utf8(dir_), true);
    ADD_FAILURE() << "a folder gave defaults";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("is a folder"), std::string::npos) << e.what();
  }
}

TEST_F(ConfigFile, InvalidJsonNamesTheFile) {
  const std::string path = write("config.json", "{\"pipe_name\": ");
  try {
    load_service_config(path, true);
    ADD_FAILURE() << "accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(path + ": is not valid JSON", 0), 0u) << e.what();
  }
}

// Found by fuzzing: a number beyond a double's range is out_of_range to the JSON parser,
// not a syntax error, and escaped as a JSON exception instead of a ConfigError.
TEST(ServiceConfig, ANumberBeyondADoubleIsInvalidJson) {
  try {
    (void)parse_service_config_text(R"({"max_clients": 1e999})", "config.json");
    ADD_FAILURE() << "accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("config.json: is not valid JSON", 0), 0u) << e.what();
  }
}

TEST_F(ConfigFile, NonAsciiPathIsRead) {
  const std::string path = write(std::filesystem::path(u8"B\u00fcro-config.json"), R"({"pipe_name": "office"})");
  EXPECT_EQ(load_service_config(path, false).pipe_name, "office");
}

}  // namespace
}  // namespace rasbroker::config

namespace rasbroker::config {
namespace {

// Client identity and its limits: the places one user may hold, the dev host's socket group.
TEST(ServiceConfig, ThePerUserClientLimitIsAQuarterOfMaxClientsByDefault) {
  EXPECT_EQ(clients_per_user_limit(parse_service_config(json::object(), "config.json")), 16u);
  EXPECT_EQ(clients_per_user_limit(parse_service_config(json::parse(R"({"max_clients": 2})"), "c")), 1u)
      << "never 0: every user may connect";
  EXPECT_EQ(clients_per_user_limit(parse_service_config(json::parse(R"({"max_clients_per_user": 3})"), "c")), 3u);
  EXPECT_EQ(clients_per_user_limit(
                parse_service_config(json::parse(R"({"max_clients": 4, "max_clients_per_user": 10})"), "c")),
            4u)
      << "no more than max_clients";
  const auto c = parse_service_config(json::parse(R"({"socket_group": "vpn-users"})"), "c");
  EXPECT_EQ(c.socket_group, "vpn-users");
  EXPECT_TRUE(parse_service_config(json::object(), "c").socket_group.empty()) << "owner only by default";
  expect_refused({
      {R"({"max_clients_per_user": 0})", "\"max_clients_per_user\" must be an integer from 1 to 1000"},
      {R"({"socket_group": ""})", "\"socket_group\" must not be empty"},
      {R"({"socket_group": 5})", "\"socket_group\" must be a string"},
  });
}

}  // namespace
}  // namespace rasbroker::config

namespace rasbroker::config {
namespace {

TEST(ServiceConfig, KeepConnectedIsReadWithItsDefaults) {
  const auto c = parse_service_config(json::parse(R"({"keep_connected": [
      {"entry": "Office VPN"},
      {"entry": "Lab VPN", "phonebook": "D:\\lab\\lab.pbk", "backoff": {"initial_ms": 2000, "max_ms": 60000}}]})"),
                                      "config.json");
  ASSERT_EQ(c.broker.keep_connected.size(), 2u);
  EXPECT_EQ(c.broker.keep_connected[0].entry, "Office VPN");
  EXPECT_EQ(c.broker.keep_connected[0].phonebook, "");
  EXPECT_EQ(c.broker.keep_connected[0].backoff, (protocol::PinBackoff{5'000, 600'000}));
  EXPECT_EQ(c.broker.keep_connected[1].phonebook, "D:\\lab\\lab.pbk");
  EXPECT_EQ(c.broker.keep_connected[1].backoff, (protocol::PinBackoff{2'000, 60'000}));
  EXPECT_TRUE(parse_service_config(json::object(), "config.json").broker.keep_connected.empty());
}

TEST(ServiceConfig, KeepConnectedErrorsNameTheKey) {
  expect_refused({
      {R"({"keep_connected": {"entry": "A"}})", "\"keep_connected\" must be an array"},
      {R"({"keep_connected": [{}]})", "\"keep_connected[0].entry\" is required"},
      {R"({"keep_connected": [{"entry": ""}]})", "\"keep_connected[0].entry\" must not be empty"},
      {R"({"keep_connected": [{"entry": "a|b"}]})", "\"keep_connected[0].entry\""},
      {R"({"keep_connected": [{"entry": "A", "password": "x"}]})", "\"keep_connected[0].password\" is not a known key"},
      {R"({"keep_connected": [{"entry": "A", "phonebook": ""}]})", "\"keep_connected[0].phonebook\" must not be empty"},
      {R"({"keep_connected": [{"entry": "A", "backoff": {"initial_ms": 999}}]})",
       "\"keep_connected[0].backoff.initial_ms\" must be an integer from 1000 to 3600000"},
      {R"({"keep_connected": [{"entry": "A", "backoff": {"max_ms": 86400001}}]})",
       "\"keep_connected[0].backoff.max_ms\" must be an integer from 1000 to 86400000"},
      {R"({"keep_connected": [{"entry": "A", "backoff": {"initial_ms": 9000, "max_ms": 8000}}]})",
       "\"keep_connected[0].backoff.max_ms\" must not be smaller than initial_ms"},
      {R"({"keep_connected": [{"entry": "A"}, {"entry": "a"}]})",
       "\"keep_connected[1].entry\" names the same entry as \"A\""},
  });
}

}  // namespace
}  // namespace rasbroker::config
