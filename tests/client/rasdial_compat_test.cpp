// rasdial.exe syntax -> Command.
#include <gtest/gtest.h>

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

void expect_usage_error(std::vector<std::string> args, const std::string& not_echoed = "") {
  ParseResult r = parse(args);
  EXPECT_EQ(r.action, ParseResult::Action::exit) << testing::PrintToString(args);
  EXPECT_EQ(r.exit_code, exit_code::usage) << testing::PrintToString(args);
  if (!not_echoed.empty()) {
    EXPECT_EQ(r.err_text.find(not_echoed), std::string::npos) << r.err_text;
    EXPECT_EQ(r.out_text.find(not_echoed), std::string::npos) << r.out_text;
  }
}

TEST(Rasdial, NoArgumentsLists) {
  EXPECT_EQ(parse_ok({"rasdial"}).kind, CommandKind::rasdial_list);
  EXPECT_EQ(parse_ok({"RASDIAL"}).kind, CommandKind::rasdial_list);
}

TEST(Rasdial, EntryOnlyDialsAndWaits) {
  Command c = parse_ok({"rasdial", "Office VPN"});
  EXPECT_EQ(c.kind, CommandKind::rasdial_dial);
  EXPECT_EQ(c.dial.entry, "Office VPN");
  EXPECT_TRUE(c.dial.wait);
  EXPECT_FALSE(c.dial.username);
  EXPECT_EQ(c.dial.password_source, PasswordSource::none);
}

TEST(Rasdial, EntryAndUser) {
  Command c = parse_ok({"rasdial", "Office VPN", "alice"});
  EXPECT_EQ(c.dial.username, "alice");
  EXPECT_EQ(c.dial.password_source, PasswordSource::none);
}

TEST(Rasdial, StarMeansPromptOrStdin) {
  Command c = parse_ok({"rasdial", "Office VPN", "alice", "*"});
  EXPECT_EQ(c.kind, CommandKind::rasdial_dial);
  EXPECT_EQ(c.dial.password_source, PasswordSource::standard_input);
  EXPECT_EQ(c.dial.password_prompt, "Enter password: ");
  EXPECT_TRUE(c.dial.literal_password.empty());
  EXPECT_FALSE(c.dial.password_arg);
}

TEST(Rasdial, LiteralPasswordIsKeptAsSecretWithItsIndex) {
  Command c = parse_ok({"rasdial", "Office VPN", "alice", "pa ss"});
  EXPECT_EQ(c.dial.password_source, PasswordSource::literal);
  EXPECT_EQ(c.dial.literal_password.reveal(), "pa ss");
  ASSERT_TRUE(c.dial.password_arg);
  EXPECT_EQ(*c.dial.password_arg, 4u);  // rasbroker rasdial "Office VPN" alice "pa ss"
  Command after_globals = parse_ok({"--endpoint", "p", "rasdial", "VPN", "u", "pw"});
  EXPECT_EQ(after_globals.dial.password_arg, 6u);
  EXPECT_EQ(after_globals.endpoint, "p");
}

TEST(Rasdial, DomainAndPhonebookSwitches) {
  Command c = parse_ok({"rasdial", "VPN", "alice", "*", "/DOMAIN:CORP", "/PHONEBOOK:C:\\Users\\a\\my.pbk"});
  EXPECT_EQ(c.dial.domain, "CORP");
  EXPECT_EQ(c.dial.phonebook, "C:\\Users\\a\\my.pbk");  // the colon inside the value stays
  Command lower = parse_ok({"rasdial", "/domain:LAB", "VPN", "-Phonebook:x.pbk"});
  EXPECT_EQ(lower.dial.entry, "VPN");
  EXPECT_EQ(lower.dial.domain, "LAB");
  EXPECT_EQ(lower.dial.phonebook, "x.pbk");
}

TEST(Rasdial, DisconnectWithEntry) {
  for (const char* sw : {"/DISCONNECT", "/disconnect", "-DISCONNECT", "-disconnect", "/D", "/d", "-d", "-D",
                         "/Disconnect"}) {
    Command c = parse_ok({"rasdial", "Office VPN", sw});
    EXPECT_EQ(c.kind, CommandKind::rasdial_hangup) << sw;
    EXPECT_EQ(c.hangup.target.entry, "Office VPN") << sw;
    EXPECT_FALSE(c.hangup.target.all);
    EXPECT_FALSE(c.hangup.wait) << "rasdial /DISCONNECT waits for nothing: wait issued";
  }
  Command before = parse_ok({"rasdial", "/DISCONNECT", "Office VPN"});
  EXPECT_EQ(before.hangup.target.entry, "Office VPN");
}

TEST(Rasdial, DisconnectWithoutEntryHangsUpAll) {
  Command c = parse_ok({"rasdial", "/DISCONNECT"});
  EXPECT_EQ(c.kind, CommandKind::rasdial_hangup);
  EXPECT_TRUE(c.hangup.target.all);
  EXPECT_FALSE(c.hangup.target.entry);
}

TEST(Rasdial, GlobalOptionsInsideRasdialArguments) {
  Command c = parse_ok({"rasdial", "--json", "VPN", "/D", "--endpoint", "/tmp/x.sock"});
  EXPECT_TRUE(c.json);
  EXPECT_EQ(c.endpoint, "/tmp/x.sock");
  EXPECT_EQ(c.hangup.target.entry, "VPN");
  Command eq = parse_ok({"--json", "rasdial", "--endpoint=pipe2"});
  EXPECT_TRUE(eq.json);
  EXPECT_EQ(eq.endpoint, "pipe2");
  EXPECT_EQ(eq.kind, CommandKind::rasdial_list);
}

TEST(Rasdial, Errors) {
  expect_usage_error({"rasdial", "VPN", "u", "p", "extra"}, "extra");
  expect_usage_error({"rasdial", "VPN", "u", "Pw9zz", "/DISCONNECT"}, "Pw9zz");
  expect_usage_error({"rasdial", "/DOMAIN:x"});
  expect_usage_error({"rasdial", "/PHONEBOOK:x"});
  expect_usage_error({"rasdial", "VPN", "/DOMAIN"});
  expect_usage_error({"rasdial", "VPN", "/DOMAIN:"});
  expect_usage_error({"rasdial", "VPN", "/DOMAIN:a", "/DOMAIN:b"});
  expect_usage_error({"rasdial", "VPN", "/DISCONNECT", "/DOMAIN:x"});
  expect_usage_error({"rasdial", "VPN", "/DISCONNECT:yes"});
  expect_usage_error({"rasdial", "VPN", "/PHONE:12345"});
  expect_usage_error({"rasdial", "VPN", "/CALLBACK:12345"});
  expect_usage_error({"rasdial", "VPN", "/PREFIXSUFFIX"});
  expect_usage_error({"rasdial", "VPN", "/FROB"});
  expect_usage_error({"rasdial", ""});
  expect_usage_error({"rasdial", "--endpoint"});
  // A password that looks like a switch is not echoed.
  expect_usage_error({"rasdial", "VPN", "alice", "/Pa55word"}, "Pa55word");
  expect_usage_error({"rasdial", "VPN", "alice", "-Pa55word:x"}, "Pa55word");
}

TEST(Rasdial, Help) {
  for (const char* h : {"/?", "-?", "-h", "--help"}) {
    ParseResult r = parse({"rasdial", h});
    EXPECT_EQ(r.action, ParseResult::Action::exit);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.out_text.find("/DISCONNECT"), std::string::npos);
  }
}

}  // namespace
}  // namespace rasbroker::client
