#include "config/install_settings.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "config/service_config.hpp"

namespace rasbroker::config {
namespace {

using nlohmann::json;
using Names = std::vector<std::string>;

std::optional<std::string> update(const std::optional<std::string>& current, const InstallSettings& s) {
  return updated_config_text(current, s, "config.json");
}

// Expects a ConfigError that names the file and contains `words`.
void expect_refused(const std::optional<std::string>& current, const InstallSettings& s, const std::string& words) {
  try {
    update(current, s);
    ADD_FAILURE() << "accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("config.json: ", 0), 0u) << e.what();
    EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
  }
}

TEST(InstallSettings, GroupListsSplitAtSemicolonsOrCommas) {
  EXPECT_EQ(split_group_list(""), Names{});
  EXPECT_EQ(split_group_list("Users"), Names{"Users"});
  EXPECT_EQ(split_group_list(R"(Users; CONTOSO\VPN Users ,S-1-5-32-545;;)"),
            (Names{"Users", R"(CONTOSO\VPN Users)", "S-1-5-32-545"}));
  EXPECT_EQ(split_group_list(" ; "), Names{});
}

TEST(InstallSettings, NoFileAndSettingsGiveAFileWithOnlyThoseKeys) {
  const auto text = update(std::nullopt, {.allowed_groups = "VPN Users;Users", .pipe_name = "rb", .on_stop = "leave"});
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(json::parse(*text), json::parse(R"({"allowed_groups": ["VPN Users", "Users"], "pipe_name": "rb",
                                                "on_stop": "leave"})"));
  const auto cfg = parse_service_config(json::parse(*text), "config.json");
  EXPECT_EQ(cfg.allowed_groups, (Names{"VPN Users", "Users"}));
  EXPECT_EQ(cfg.pipe_name, "rb");
  EXPECT_EQ(cfg.broker.on_stop, broker::OnStop::leave);
}

TEST(InstallSettings, NothingGivenChangesNothing) {
  EXPECT_EQ(update(std::nullopt, {}), std::nullopt);
  // "" is "not given": an installer passes every property, set or not.
  EXPECT_EQ(update(std::nullopt, {.allowed_groups = "", .pipe_name = "", .on_stop = ""}), std::nullopt);
  EXPECT_EQ(update(R"({"pipe_name": "x"})", {.pipe_name = ""}), std::nullopt);
}

TEST(InstallSettings, OnlyTheGivenKeysChangeAndEveryOtherKeyStaysInItsPlace) {
  const std::string admin = R"({"reaper": {"max_ms": 900}, "on_stop": "hangup", "log": {"level": "debug"},
                               "pipe_name": "old", "redial": {"Office VPN": {"attempts": 2}}})";
  const auto text = update(admin, {.on_stop = "leave"});
  ASSERT_TRUE(text.has_value());
  auto expected = json::parse(admin);
  expected["on_stop"] = "leave";
  EXPECT_EQ(json::parse(*text), expected);
  // The administrator's order of keys is kept.
  EXPECT_LT(text->find("\"reaper\""), text->find("\"on_stop\""));
  EXPECT_LT(text->find("\"on_stop\""), text->find("\"log\""));
  EXPECT_LT(text->find("\"log\""), text->find("\"pipe_name\""));
}

TEST(InstallSettings, SecondRunWithTheSameValuesChangesNothing) {
  const InstallSettings s{.allowed_groups = "Users", .pipe_name = "rb", .on_stop = "leave"};
  const auto first = update(R"({"max_clients": 5})", s);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(update(first, s), std::nullopt);
  EXPECT_EQ(update(first, {.pipe_name = "rb"}), std::nullopt);
  EXPECT_NE(update(first, {.pipe_name = "other"}), std::nullopt);
}

TEST(InstallSettings, ABadValueIsRefusedByTheServicesOwnCheck) {
  expect_refused(std::nullopt, {.on_stop = "sometimes"}, R"("on_stop" must be "hangup" or "leave")");
  expect_refused(std::nullopt, {.pipe_name = R"(a\b)"}, R"("pipe_name" must be a plain pipe name)");
  expect_refused(std::nullopt, {.pipe_name = std::string(201, 'p')}, "\"pipe_name\"");
  // One bad value refuses the whole update, good values with it included.
  expect_refused(R"({"max_clients": 5})", {.pipe_name = "rb", .on_stop = "never"}, "\"on_stop\"");
}

TEST(InstallSettings, AFileTheServiceWouldRefuseIsNotRewritten) {
  expect_refused(R"({"max_clients": 0})", {.pipe_name = "rb"}, "\"max_clients\"");
  expect_refused(R"({"unknown": 1})", {.pipe_name = "rb"}, "is not a known key");
  expect_refused("{not json", {.pipe_name = "rb"}, "is not valid JSON");
  expect_refused("[1, 2]", {.pipe_name = "rb"}, "must be a JSON object");
  expect_refused("", {.pipe_name = "rb"}, "is not valid JSON");
}

}  // namespace
}  // namespace rasbroker::config
