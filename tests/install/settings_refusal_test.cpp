#include "install/settings_refusal.hpp"

#include <gtest/gtest.h>

#include <set>

#include "config/service_config.hpp"

namespace rasbroker::install {
namespace {

// Stands in for LookupAccountNameW: knows a few groups, refuses the rest with the words
// resolve_group_sids uses.
void known_groups_only(const std::vector<std::string>& names) {
  static const std::set<std::string> known = {"Users", R"(CONTOSO\VPN Users)", "S-1-5-32-545"};
  for (const auto& name : names)
    if (!known.contains(name)) throw config::ConfigError("allowed_groups: unknown group \"" + name + "\"");
}

std::optional<std::string> refusal(const config::InstallSettings& settings, const CurrentConfig& current = {}) {
  return refusal_of(settings, known_groups_only, current);
}

void expect_words(const std::optional<std::string>& text, const std::vector<std::string>& words) {
  ASSERT_TRUE(text.has_value()) << "accepted";
  for (const auto& w : words) EXPECT_NE(text->find(w), std::string::npos) << "no \"" << w << "\" in: " << *text;
}

TEST(SettingsRefusal, NothingGivenIsAccepted) {
  EXPECT_EQ(refusal({}), std::nullopt);
  // msiexec has "" for a property nobody set: "keep the file's value", never a bad value.
  EXPECT_EQ(refusal({.allowed_groups = "", .pipe_name = "", .on_stop = ""}), std::nullopt);
}

TEST(SettingsRefusal, ValuesSetConfigAcceptsAreAccepted) {
  EXPECT_EQ(refusal({.allowed_groups = R"(Users; CONTOSO\VPN Users,S-1-5-32-545)", .pipe_name = "rb-fleet",
                     .on_stop = "leave"}),
            std::nullopt);
  EXPECT_EQ(refusal({.on_stop = "hangup"}), std::nullopt);
  EXPECT_EQ(refusal({.pipe_name = std::string(200, 'p')}), std::nullopt);
}

TEST(SettingsRefusal, ABadValueIsNamedByItsPropertyWithTheServicesReason) {
  expect_words(refusal({.pipe_name = R"(a\b)"}),
               {R"(PIPENAME="a\b": "pipe_name" must be a plain pipe name of at most 200 characters, without \ or /)"});
  expect_words(refusal({.pipe_name = std::string(201, 'p')}), {"PIPENAME=", "at most 200 characters"});
  expect_words(refusal({.on_stop = "sometimes"}), {R"(ONSTOP="sometimes": "on_stop" must be "hangup" or "leave")"});
  // The check is the service's own: case matters there, so it does here.
  expect_words(refusal({.on_stop = "Leave"}), {"ONSTOP=\"Leave\"", "must be \"hangup\" or \"leave\""});
}

TEST(SettingsRefusal, AGroupTheServiceCouldNotResolveIsRefused) {
  expect_words(refusal({.allowed_groups = "Users;No Such Group"}),
               {R"(ALLOWEDGROUPS="Users;No Such Group": allowed_groups: unknown group "No Such Group")"});
}

TEST(SettingsRefusal, GroupsAreLookedUpOnlyWhenGivenAndAsSetConfigSplitsThem) {
  std::vector<std::vector<std::string>> asked;
  const GroupCheck record = [&](const std::vector<std::string>& names) { asked.push_back(names); };
  EXPECT_EQ(refusal_of({.pipe_name = "rb", .on_stop = "leave"}, record), std::nullopt);
  EXPECT_TRUE(asked.empty());
  EXPECT_EQ(refusal_of({.allowed_groups = R"( Users ;CONTOSO\VPN Users;)"}, record), std::nullopt);
  EXPECT_EQ(asked, (std::vector<std::vector<std::string>>{{"Users", R"(CONTOSO\VPN Users)"}}));
}

TEST(SettingsRefusal, EveryRefusedPropertyIsReportedAndTheGoodOnesAreNot) {
  const auto text = refusal({.allowed_groups = "Nobody", .pipe_name = "ok", .on_stop = "never"});
  expect_words(text, {"ALLOWEDGROUPS=\"Nobody\"", "; ", "ONSTOP=\"never\""});
  EXPECT_EQ(text->find("PIPENAME"), std::string::npos) << *text;
}

TEST(SettingsRefusal, ClientTextIsEscapedAndCapped) {
  // Control characters never reach the log raw; a huge value cannot drown the reason.
  expect_words(refusal({.on_stop = "x\ny\x1b"}), {R"(ONSTOP="x\x0Ay\x1B")"});
  const auto text = refusal({.pipe_name = std::string(5000, 'p') + "/"});
  expect_words(text, {"PIPENAME=\"ppp", "...\": \"pipe_name\" must be a plain pipe name"});
  EXPECT_LT(text->size(), 700u);
  // A group name comes back inside the lookup's reason: escaped there too.
  expect_words(refusal({.allowed_groups = "Bad\tGroup"}), {R"(unknown group "Bad\x09Group")"});
}

TEST(SettingsRefusal, TheCurrentFileIsCheckedWithTheValuesAsSetConfigWill) {
  const CurrentConfig good{.text = R"({"max_clients": 8, "pipe_name": "old"})", .where = R"(C:\ProgramData\c.json)"};
  EXPECT_EQ(refusal({.pipe_name = "rb"}, good), std::nullopt);
  EXPECT_EQ(refusal({}, good), std::nullopt);
  EXPECT_EQ(refusal({.on_stop = "leave"}, {}), std::nullopt);  // no file yet

  // An administrator's bad key: set-config would refuse even with nothing given.
  const CurrentConfig bad_key{.text = R"({"max_clients": 0})", .where = R"(C:\ProgramData\c.json)"};
  expect_words(refusal({}, bad_key), {R"(C:\ProgramData\c.json: "max_clients" must be an integer from 1 to 1000)",
                                      "set-config would not update the file"});
  expect_words(refusal({.on_stop = "leave"}, {.text = "{not json", .where = "c.json"}),
               {"c.json: is not valid JSON"});
  // A bad value is reported as such: the file is not judged until the values pass.
  const auto both = refusal({.on_stop = "never"}, bad_key);
  expect_words(both, {"ONSTOP=\"never\""});
  EXPECT_EQ(both->find("max_clients"), std::string::npos) << *both;
}

TEST(SettingsRefusal, GivenPropertiesAreListedForTheLogEscaped) {
  EXPECT_EQ(given_properties({}), "none");
  EXPECT_EQ(given_properties({.allowed_groups = "", .pipe_name = "", .on_stop = ""}), "none");
  EXPECT_EQ(given_properties({.allowed_groups = "Users;Admins", .on_stop = "leave"}),
            R"(ALLOWEDGROUPS="Users;Admins", ONSTOP="leave")");
  EXPECT_EQ(given_properties({.pipe_name = "rb\r"}), R"(PIPENAME="rb\x0D")");
}

TEST(SettingsRefusal, MsiLiteralEscapesWhatMsiFormattingWouldReplace) {
  EXPECT_EQ(msi_literal("plain text"), "plain text");
  EXPECT_EQ(msi_literal("[ProgramFilesFolder]"), R"([\[]ProgramFilesFolder[\]])");
  EXPECT_EQ(msi_literal("{x} [1]"), R"([\{]x[\}] [\[]1[\]])");
  EXPECT_EQ(msi_literal(R"(C:\a\b "q")"), R"(C:\a\b "q")");
  EXPECT_EQ(msi_literal(""), "");
}

}  // namespace
}  // namespace rasbroker::install
