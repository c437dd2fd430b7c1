// Human output: tables, listings, event lines, error messages and documents.
#include <gtest/gtest.h>

#include "output.hpp"
#include "test_support.hpp"

namespace rasbroker::client {
namespace {

using protocol::Connection;
using protocol::ConnectionState;
using test::make_connection;

TEST(Output, TableAlignsColumnsWithoutTrailingBlanks) {
  const std::string t = format_table({"A", "BB", "C"}, {{"xxx", "y", ""}, {"z", "", "last"}});
  EXPECT_EQ(t,
            "A    BB  C\n"
            "xxx  y\n"
            "z        last\n");
}

TEST(Output, TableCountsCharactersNotBytes) {
  const std::string t = format_table({"NAME", "X"}, {{"B\xc3\xbcro", "1"}, {"Home", "2"}});
  EXPECT_EQ(t,
            "NAME  X\n"
            "B\xc3\xbcro  1\n"
            "Home  2\n");
}

TEST(Output, ConnectionTable) {
  Connection a = make_connection("c1", "Office VPN");
  Connection b = make_connection("c12", "Lab", ConnectionState::hanging_up, "RASCS_Disconnected");
  b.stuck = true;
  b.owner.reset();
  Connection d = make_connection("c3", "Legacy", ConnectionState::dialing, "RASCS_OpenPort");
  d.adopted = true;
  d.owner.reset();
  const std::string t = format_connection_table({a, b, d});
  EXPECT_EQ(t,
            "ID   ENTRY       STATE               RAS STATE           OWNER            SINCE\n"
            "c1   Office VPN  connected           RASCS_Connected     4242/CORP\\alice  2026-11-25T13:00:05.000Z\n"
            "c12  Lab         hanging_up (stuck)  RASCS_Disconnected  -                2026-11-25T13:01:00.000Z\n"
            "c3   Legacy      dialing             RASCS_OpenPort      adopted          2026-11-25T13:00:00.000Z\n");
}

TEST(Output, AnAdoptedConnectionShowsWhoDialledItWhenRasCanTell) {
  Connection known = make_connection("c4", "Branch VPN");
  known.adopted = true;
  known.owner = protocol::Owner{0, "CORP\\bob"};  // from RASCONN.luid's logon session
  Connection unknown = make_connection("c5", "Shared VPN");
  unknown.adopted = true;
  unknown.owner.reset();
  EXPECT_EQ(format_connection_table({known, unknown}),
            "ID  ENTRY       STATE      RAS STATE        OWNER               SINCE\n"
            "c4  Branch VPN  connected  RASCS_Connected  adopted (CORP\\bob)  2026-11-25T13:00:05.000Z\n"
            "c5  Shared VPN  connected  RASCS_Connected  adopted             2026-11-25T13:00:05.000Z\n");
  EXPECT_NE(format_connection_details(known).find("owner:         adopted (CORP\\bob)\n"), std::string::npos)
      << format_connection_details(known);
}

TEST(Output, EmptyConnectionTable) { EXPECT_EQ(format_connection_table({}), "No connections.\n"); }

TEST(Output, ConnectionDetails) {
  Connection c = make_connection("c3", "Office VPN", ConnectionState::gone, "RASCS_Disconnected");
  c.reason = protocol::Reason::dial_failed;
  c.error = protocol::ConnectionError{691, "Access was denied"};
  const std::string d = format_connection_details(c);
  EXPECT_EQ(d,
            "id:            c3\n"
            "entry:         Office VPN\n"
            "phonebook:     (system)\n"
            "state:         gone\n"
            "ras state:     RASCS_Disconnected\n"
            "owner:         4242/CORP\\alice\n"
            "reason:        dial_failed\n"
            "error:         691: Access was denied\n"
            "stuck:         no\n"
            "dialed at:     2026-11-25T13:00:00.000Z\n"
            "connected at:  2026-11-25T13:00:05.000Z\n"
            "hangup at:     2026-11-25T13:01:00.000Z\n");
}

TEST(Output, ErrorLabelNamesAnExtendedError) {
  EXPECT_EQ(error_label(protocol::ConnectionError{650, "The remote access server is not responding.", 5}),
            "650: The remote access server is not responding. (extended error 5)");
  EXPECT_EQ(error_label(protocol::ConnectionError{691, "Access was denied"}), "691: Access was denied");
}

TEST(Output, Entries) {
  protocol::EntriesResult r;
  EXPECT_EQ(format_entries(r), "No entries.\n");
  r.entries = {{"Office VPN", ""}, {"Lab", "C:\\pb\\lab.pbk"}};
  EXPECT_EQ(format_entries(r), "Office VPN\nLab         (phonebook C:\\pb\\lab.pbk)\n");
}

TEST(Output, SystemPhonebooksAreNotShown) {
  EXPECT_TRUE(is_system_phonebook(""));
  EXPECT_TRUE(is_system_phonebook(R"(C:\ProgramData\Microsoft\Network\Connections\Pbk\rasphone.pbk)"));
  EXPECT_TRUE(is_system_phonebook(R"(C:\Users\alice\AppData\Roaming\Microsoft\Network\Connections\Pbk\RASPHONE.PBK)"));
  EXPECT_FALSE(is_system_phonebook(R"(C:\pb\rasphone.pbk)"));
  EXPECT_FALSE(is_system_phonebook("x.pbk"));
  protocol::EntriesResult r;
  r.entries = {{"Office VPN", R"(C:\ProgramData\Microsoft\Network\Connections\Pbk\rasphone.pbk)"},
               {"Lab", R"(D:\lab.pbk)"}};
  EXPECT_EQ(format_entries(r), "Office VPN\nLab         (phonebook D:\\lab.pbk)\n");
}

TEST(Output, Status) {
  protocol::StatusResult s;
  s.version = "0.1.0";
  s.pid = 1234;
  s.uptime_s = 3723.9;
  s.backend = "sim";
  s.connections = {1, 2, 1, 1, 4};
  s.reaper_queue = 1;
  const std::string t = format_status(s, "/tmp/rasbroker.sock");
  EXPECT_EQ(t,
            "service:       rasbroker 0.1.0 (protocol 1)\n"
            "endpoint:      /tmp/rasbroker.sock\n"
            "pid:           1234\n"
            "uptime:        1h 02m 03s\n"
            "backend:       sim\n"
            "connections:   4 (dialing 1, connected 2, hanging up 1, stuck 1)\n"
            "reaper queue:  1\n"
            "stopping:      no\n");
}

TEST(Output, Duration) {
  EXPECT_EQ(format_duration(0), "0s");
  EXPECT_EQ(format_duration(59.99), "59s");
  EXPECT_EQ(format_duration(61), "1m 01s");
  EXPECT_EQ(format_duration(90061), "1d 01h 01m 01s");
  EXPECT_EQ(format_duration(-5), "0s");
}

TEST(Output, EventLine) {
  Connection c = make_connection("c3", "Office VPN", ConnectionState::dialing, "RASCS_Authenticate");
  EXPECT_EQ(format_event_line(c, "2026-11-25T13:33:41.123Z"),
            "2026-11-25T13:33:41.123Z  c3  \"Office VPN\"  dialing  RASCS_Authenticate\n");
  c.state = ConnectionState::gone;
  c.reason = protocol::Reason::dial_failed;
  c.error = protocol::ConnectionError{691, "Access was denied"};
  EXPECT_EQ(format_event_line(c, "T"),
            "T  c3  \"Office VPN\"  gone  RASCS_Authenticate  reason=dial_failed  error=691: Access was denied\n");
}

TEST(Output, RasdialList) {
  EXPECT_EQ(format_rasdial_list({}), "No connections\nCommand completed successfully.\n");
  const auto gone = make_connection("c9", "Old", ConnectionState::hanging_up);
  EXPECT_EQ(format_rasdial_list({gone}), "No connections\nCommand completed successfully.\n");
  EXPECT_EQ(format_rasdial_list({make_connection("c1", "Office VPN"), gone, make_connection("c2", "Lab")}),
            "Connected to\nOffice VPN\nLab\nCommand completed successfully.\n");
}

TEST(Output, RasErrorMessage) {
  const auto e = protocol::RpcError::ras(691, "Access was denied.", "dial failed");
  EXPECT_EQ(error_message(e), "RAS error 691: Access was denied.");
  const protocol::RpcError no_text(protocol::ErrorCode::ras_failure, "dial failed", {{"ras_error", 800}});
  EXPECT_EQ(error_message(no_text), "RAS error 800: dial failed");
  const protocol::RpcError advised(protocol::ErrorCode::ras_failure, "dial failed",
                                   {{"ras_error", 703}, {"ras_message", "Needs you."}, {"advice", "Sign in."}});
  EXPECT_EQ(error_message(advised), "RAS error 703: Needs you.\nSign in.");
  const protocol::RpcError other(protocol::ErrorCode::not_found, "no connection \"X\"");
  EXPECT_EQ(error_message(other), "no connection \"X\"");
  // A 623 from the service says why the entry cannot be dialled: shown as it is, not as RAS's text.
  const std::string why = "no phonebook entry named \"Home VPN\" that the service can see: rasbroker runs as "
                          "LocalSystem ... Recreate it for all users (Add-VpnConnection -AllUserConnection)";
  const protocol::RpcError unseen(protocol::ErrorCode::not_found, why,
                                  {{"ras_error", 623}, {"ras_message", "Cannot find the phone book entry."}});
  EXPECT_EQ(error_message(unseen), why);
}

TEST(Output, ErrorDocumentShape) {
  const auto e = protocol::RpcError::ras(691, "Access was denied.", "dial failed");
  const nlohmann::json doc = error_document(e);
  ASSERT_EQ(doc.size(), 1u);
  const auto& err = doc.at("error");
  EXPECT_EQ(err.size(), 4u);
  EXPECT_EQ(err.at("code"), 2);
  EXPECT_EQ(err.at("name"), "ras_failure");
  EXPECT_EQ(err.at("message"), e.what());
  EXPECT_EQ(err.at("data").at("ras_error"), 691);

  const nlohmann::json local = error_document(nullptr, "service_unreachable", "nope", {{"endpoint", "x"}});
  EXPECT_TRUE(local["error"]["code"].is_null());
  EXPECT_EQ(local["error"]["data"]["endpoint"], "x");
}

TEST(Output, DumpLineReplacesInvalidUtf8) {
  EXPECT_EQ(dump_line(nlohmann::json{{"a", std::string("x\xff")}}), "{\"a\":\"x\xef\xbf\xbd\"}\n");
}

}  // namespace
}  // namespace rasbroker::client
