// Parsing the command line into a Command, without running anything.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "command_line.hpp"
#include "exit_codes.hpp"

namespace rasbroker::client {
namespace {

ParseResult parse(std::vector<std::string> args) {
  args.insert(args.begin(), "rasbroker");
  return parse_command_line(args);
}

Command parse_ok(std::vector<std::string> args) {
  ParseResult r = parse(std::move(args));
  EXPECT_EQ(r.action, ParseResult::Action::run) << r.err_text << r.out_text;
  return r.command;
}

void expect_usage_error(std::vector<std::string> args) {
  ParseResult r = parse(args);
  EXPECT_EQ(r.action, ParseResult::Action::exit);
  EXPECT_EQ(r.exit_code, exit_code::usage) << "args: " << testing::PrintToString(args);
  EXPECT_NE(r.err_text.find("rasbroker: "), std::string::npos) << r.err_text;
}

TEST(CommandLine, DialMinimal) {
  Command c = parse_ok({"dial", "Office VPN"});
  EXPECT_EQ(c.kind, CommandKind::dial);
  EXPECT_EQ(c.dial.entry, "Office VPN");
  EXPECT_FALSE(c.dial.username);
  EXPECT_FALSE(c.dial.domain);
  EXPECT_FALSE(c.dial.phonebook);
  EXPECT_EQ(c.dial.password_source, PasswordSource::none);
  EXPECT_FALSE(c.dial.wait);
  EXPECT_FALSE(c.dial.timeout_s);
  EXPECT_FALSE(c.json);
  EXPECT_FALSE(c.endpoint);
}

TEST(CommandLine, DialEverything) {
  Command c = parse_ok({"--endpoint", "mypipe", "--json", "dial", "Office VPN", "--user", "alice", "--password-stdin",
                        "--domain", "CORP", "--phonebook", "C:\\pb\\x.pbk", "--wait", "--timeout", "90"});
  EXPECT_EQ(c.kind, CommandKind::dial);
  EXPECT_EQ(c.endpoint, "mypipe");
  EXPECT_TRUE(c.json);
  EXPECT_EQ(c.dial.username, "alice");
  EXPECT_EQ(c.dial.domain, "CORP");
  EXPECT_EQ(c.dial.phonebook, "C:\\pb\\x.pbk");
  EXPECT_EQ(c.dial.password_source, PasswordSource::standard_input);
  EXPECT_TRUE(c.dial.wait);
  EXPECT_EQ(c.dial.timeout_s, 90u);
  EXPECT_FALSE(c.dial.password_arg);
}

TEST(CommandLine, DialShortOptionsAndGlobalsAfterCommand) {
  Command c = parse_ok({"dial", "VPN", "-u", "bob", "-d", "LAB", "-w", "-t", "5", "--json", "--endpoint", "/tmp/s"});
  EXPECT_EQ(c.dial.username, "bob");
  EXPECT_EQ(c.dial.domain, "LAB");
  EXPECT_TRUE(c.dial.wait);
  EXPECT_EQ(c.dial.timeout_s, 5u);
  EXPECT_TRUE(c.json);
  EXPECT_EQ(c.endpoint, "/tmp/s");
}

TEST(CommandLine, DialErrors) {
  expect_usage_error({"dial"});
  expect_usage_error({"dial", ""});
  expect_usage_error({"dial", std::string(257, 'x')});
  expect_usage_error({"dial", "VPN", "--timeout", "0"});
  expect_usage_error({"dial", "VPN", "--timeout", "86401"});
  expect_usage_error({"dial", "VPN", "--timeout", "soon"});
  expect_usage_error({"dial", "VPN", "--user"});
  expect_usage_error({"dial", "VPN", "--bogus"});
  // 256 characters (not bytes) is fine: 256 two-byte characters.
  std::string long_entry;
  for (int i = 0; i < 256; ++i) long_entry += "\xc3\xa9";
  EXPECT_EQ(parse({"dial", long_entry}).action, ParseResult::Action::run);
}

// What RAS would refuse to dial (RasValidateEntryName) is refused here, with the
// service's own rule (protocol::entry_name_problem), as a usage error (exit 2).
TEST(CommandLine, DialRefusesNamesRasWouldRefuse) {
  for (const std::string bad : {"Office|VPN", "VPN>", "a<b", "why?", "VPN*", "a\\b", "a/b", "C:VPN", ".hidden", "---", "  ",
                                "tab\tname"}) {
    ParseResult r = parse({"dial", bad});
    EXPECT_EQ(r.action, ParseResult::Action::exit) << bad;
    EXPECT_EQ(r.exit_code, exit_code::usage) << bad;
    EXPECT_NE(r.err_text.find("rasbroker: the entry name "), std::string::npos) << r.err_text;
    ParseResult rasdial = parse({"rasdial", bad, "alice", "*"});
    EXPECT_EQ(rasdial.exit_code, exit_code::usage) << bad;
  }
  ParseResult r = parse({"dial", "Office|VPN"});
  EXPECT_EQ(r.err_text, "rasbroker: the entry name may not contain any of | > < ? * \\ / : (RAS refuses them)\n"
                        "Run with --help for more information.\n");
  ParseResult j = parse({"--json", "dial", ".hidden"});
  EXPECT_EQ(j.exit_code, exit_code::usage);
  EXPECT_EQ(nlohmann::json::parse(j.out_text)["error"]["name"], "usage_error");

  EXPECT_EQ(parse_ok({"dial", "B\xC3\xBCro-VPN (2)"}).dial.entry, "B\xC3\xBCro-VPN (2)");
  // A name RAS reports for a connection dialled without an entry ("." and the number)
  // still selects it: only dialling is refused.
  EXPECT_EQ(parse_ok({"hangup", ".5551234"}).hangup.target.entry, ".5551234");
  EXPECT_EQ(parse_ok({"get", ".5551234"}).get_target.entry, ".5551234");
  EXPECT_EQ(parse_ok({"rasdial", ".5551234", "/DISCONNECT"}).hangup.target.entry, ".5551234");
}

TEST(CommandLine, PasswordOptionIsRefusedWithoutEcho) {
  for (auto args : std::vector<std::vector<std::string>>{{"dial", "VPN", "--password", "S3cr3t!x"},
                                                         {"dial", "VPN", "--password=S3cr3t!x"},
                                                         {"dial", "VPN", "-p", "S3cr3t!x"},
                                                         {"dial", "VPN", "alice", "S3cr3t!x"},
                                                         {"--json", "dial", "VPN", "alice", "S3cr3t!x"}}) {
    ParseResult r = parse(args);
    EXPECT_EQ(r.exit_code, exit_code::usage);
    EXPECT_EQ(r.out_text.find("S3cr3t!x"), std::string::npos) << r.out_text;
    EXPECT_EQ(r.err_text.find("S3cr3t!x"), std::string::npos) << r.err_text;
  }
  ParseResult r = parse({"dial", "VPN", "--password", "S3cr3t!x"});
  EXPECT_NE(r.err_text.find("--password-stdin"), std::string::npos) << r.err_text;
}

TEST(CommandLine, HangupForms) {
  Command by_entry = parse_ok({"hangup", "Office VPN"});
  EXPECT_EQ(by_entry.kind, CommandKind::hangup);
  EXPECT_EQ(by_entry.hangup.target.entry, "Office VPN");
  EXPECT_FALSE(by_entry.hangup.target.id);
  EXPECT_FALSE(by_entry.hangup.target.all);
  EXPECT_FALSE(by_entry.hangup.wait);

  Command by_id = parse_ok({"hangup", "--id", "c3", "--wait", "--timeout", "20"});
  EXPECT_EQ(by_id.hangup.target.id, "c3");
  EXPECT_FALSE(by_id.hangup.target.entry);
  EXPECT_TRUE(by_id.hangup.wait);
  EXPECT_EQ(by_id.hangup.timeout_s, 20u);

  Command all = parse_ok({"hangup", "--all"});
  EXPECT_TRUE(all.hangup.target.all);
  EXPECT_FALSE(all.hangup.target.entry);
  EXPECT_FALSE(all.hangup.target.id);
}

TEST(CommandLine, HangupNeedsExactlyOneTarget) {
  expect_usage_error({"hangup"});
  expect_usage_error({"hangup", "VPN", "--all"});
  expect_usage_error({"hangup", "--id", "c1", "--all"});
  expect_usage_error({"hangup", "VPN", "--id", "c1"});
  expect_usage_error({"hangup", "--id", ""});
  expect_usage_error({"hangup", "--all", "--timeout", "-1"});
}

TEST(CommandLine, ListGetEntriesWatchStatus) {
  EXPECT_EQ(parse_ok({"list"}).kind, CommandKind::list);
  EXPECT_EQ(parse_ok({"watch"}).kind, CommandKind::watch);
  EXPECT_EQ(parse_ok({"status"}).kind, CommandKind::status);
  EXPECT_TRUE(parse_ok({"list", "--json"}).json);

  Command get_entry = parse_ok({"get", "Office VPN"});
  EXPECT_EQ(get_entry.kind, CommandKind::get);
  EXPECT_EQ(get_entry.get_target.entry, "Office VPN");
  Command get_id = parse_ok({"get", "--id", "c7"});
  EXPECT_EQ(get_id.get_target.id, "c7");
  EXPECT_FALSE(get_id.get_target.entry);
  expect_usage_error({"get"});
  expect_usage_error({"get", "VPN", "--id", "c1"});

  Command entries = parse_ok({"entries"});
  EXPECT_EQ(entries.kind, CommandKind::entries);
  EXPECT_FALSE(entries.phonebook);
  EXPECT_EQ(parse_ok({"entries", "--phonebook", "x.pbk"}).phonebook, "x.pbk");

  expect_usage_error({"list", "extra"});
  expect_usage_error({"status", "--all"});
}

TEST(CommandLine, NoCommandOrUnknownCommandIsUsageError) {
  expect_usage_error({});
  expect_usage_error({"frobnicate"});
  expect_usage_error({"--endpoint"});
  expect_usage_error({"--no-such-option", "list"});
}

TEST(CommandLine, UsageErrorInJsonModeIsAJsonDocument) {
  ParseResult r = parse({"--json", "hangup"});
  EXPECT_EQ(r.exit_code, exit_code::usage);
  EXPECT_TRUE(r.err_text.empty());
  const auto doc = nlohmann::json::parse(r.out_text);
  EXPECT_TRUE(doc.at("error").at("code").is_null());
  EXPECT_EQ(doc["error"]["name"], "usage_error");
  EXPECT_FALSE(doc["error"]["message"].get<std::string>().empty());

  ParseResult cli11 = parse({"--json", "dial", "VPN", "--timeout", "0"});
  EXPECT_EQ(cli11.exit_code, exit_code::usage);
  EXPECT_EQ(nlohmann::json::parse(cli11.out_text)["error"]["name"], "usage_error");
}

TEST(CommandLine, Version) {
  ParseResult r = parse({"--version"});
  EXPECT_EQ(r.action, ParseResult::Action::exit);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out_text, std::string("rasbroker ") + RASBROKER_VERSION + " (protocol 1)\n");

  ParseResult j = parse({"--json", "--version"});
  const auto doc = nlohmann::json::parse(j.out_text);
  EXPECT_EQ(doc["version"], RASBROKER_VERSION);
  EXPECT_EQ(doc["protocol_version"], 1);
}

TEST(CommandLine, Help) {
  ParseResult r = parse({"--help"});
  EXPECT_EQ(r.action, ParseResult::Action::exit);
  EXPECT_EQ(r.exit_code, 0);
  for (const char* word : {"dial", "hangup", "list", "get", "entries", "watch", "status", "rasdial", "--endpoint"}) {
    EXPECT_NE(r.out_text.find(word), std::string::npos) << word;
  }
  ParseResult dial_help = parse({"dial", "--help"});
  EXPECT_EQ(dial_help.exit_code, 0);
  EXPECT_NE(dial_help.out_text.find("--password-stdin"), std::string::npos) << dial_help.out_text;
  EXPECT_EQ(dial_help.out_text.find("--password "), std::string::npos) << "the refused option stays hidden";
}

}  // namespace
}  // namespace rasbroker::client
