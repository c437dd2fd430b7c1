// The admin events' contract: stable, unique IDs; each typed call makes its kind with as
// many insertion strings as its message takes; every insert is escaped and capped.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "rasbroker/protocol/limits.hpp"
#include "tests/events/recorded_events.hpp"

using namespace rasbroker::events;
using rasbroker::events::test::RecordedEvents;

TEST(AdminEvents, IdsAreStableAndUnique) {
  std::set<std::uint16_t> ids;
  for (const auto& k : all_kinds()) {
    EXPECT_TRUE(ids.insert(static_cast<std::uint16_t>(k.kind)).second) << k.name;
    EXPECT_FALSE(k.name.empty());
    EXPECT_GE(k.inserts, 1u) << k.name;
    EXPECT_EQ(&info(k.kind), &k);
  }
  // The documented IDs (docs/operations.md): changing one breaks admins' filters.
  EXPECT_EQ(static_cast<int>(Kind::service_started), 100);
  EXPECT_EQ(static_cast<int>(Kind::service_stopped), 101);
  EXPECT_EQ(static_cast<int>(Kind::start_failed), 102);
  EXPECT_EQ(static_cast<int>(Kind::config_error), 103);
  EXPECT_EQ(static_cast<int>(Kind::stop_incomplete), 104);
  EXPECT_EQ(static_cast<int>(Kind::internal_error), 105);
  EXPECT_EQ(static_cast<int>(Kind::dial_failed), 200);
  EXPECT_EQ(static_cast<int>(Kind::teardown_stuck), 201);
  EXPECT_EQ(static_cast<int>(Kind::pin_stopped), 202);
  EXPECT_EQ(static_cast<int>(Kind::unauthorized_request), 300);
  EXPECT_EQ(static_cast<int>(Kind::pipe_squatted), 301);
  EXPECT_EQ(static_cast<int>(Kind::phonebook_untrusted), 302);
  EXPECT_EQ(static_cast<int>(Kind::data_folder_unsecured), 303);
  EXPECT_EQ(static_cast<int>(Kind::log_file_unavailable), 400);
  EXPECT_EQ(static_cast<int>(Kind::settings_not_applied), 401);
  EXPECT_EQ(static_cast<int>(Kind::journal_unusable), 402);
  EXPECT_EQ(all_kinds().size(), 16u);
  EXPECT_EQ(info(Kind::pin_stopped).severity, Severity::warning);
  EXPECT_EQ(info(Kind::service_started).severity, Severity::information);
  EXPECT_EQ(info(Kind::dial_failed).severity, Severity::warning);
  EXPECT_EQ(info(Kind::config_error).severity, Severity::error);
}

TEST(AdminEvents, EachCallMakesItsKindWithItsInserts) {
  RecordedEvents recorded;
  const AdminEvents events = recorded.admin_events();
  events.service_started("1.2.3", R"(\\.\pipe\rasbroker)", "win32");
  events.service_stopped("SERVICE_CONTROL_STOP");
  events.start_failed(4, "the RAS backend failed");
  events.config_error("C:\\ProgramData\\RasBroker\\config.json", "max_clients: must be at least 1");
  events.stop_incomplete(2, 30000);
  events.internal_error("bug");
  events.dial_failed("Office VPN", 691, "Access was denied");
  events.teardown_stuck("Office VPN", "c1", 60000, "RASCS_Disconnected");
  events.pin_stopped("Office VPN", 691, "Access was denied", "save working credentials");
  events.unauthorized_request("dial", 4242, "CONTOSO\\bob", "entry \"x\" is not in the allow-list");
  events.pipe_squatted("\\\\.\\pipe\\rasbroker already exists");
  events.phonebook_untrusted("C:\\pbk\\vpn.pbk is writable by BUILTIN\\Users");
  events.data_folder_unsecured("C:\\ProgramData\\RasBroker", "access denied");
  events.log_file_unavailable("disk full");
  events.settings_not_applied("access denied");
  events.journal_unusable("C:\\ProgramData\\RasBroker\\journal.json", "not JSON",
                          "moved aside to C:\\ProgramData\\RasBroker\\journal.json.bad-20260101T000000Z");

  const auto all = recorded.all();
  ASSERT_EQ(all.size(), all_kinds().size());
  std::set<Kind> kinds;
  for (const auto& e : all) {
    kinds.insert(e.kind);
    EXPECT_EQ(e.inserts.size(), info(e.kind).inserts) << info(e.kind).name;
  }
  EXPECT_EQ(kinds.size(), all_kinds().size()) << "every kind has its call";
  EXPECT_EQ(recorded.of(Kind::dial_failed)[0].inserts, (std::vector<std::string>{"\"Office VPN\"", "691", "Access was denied"}));
  EXPECT_EQ(recorded.of(Kind::start_failed)[0].inserts[0], "4");
  EXPECT_EQ(recorded.of(Kind::unauthorized_request)[0].inserts[0], "\"dial\"");
  EXPECT_EQ(recorded.of(Kind::unauthorized_request)[0].inserts[1], "4242");
  EXPECT_EQ(recorded.of(Kind::teardown_stuck)[0].inserts,
            (std::vector<std::string>{"\"Office VPN\"", "c1", "60000", "RASCS_Disconnected"}));
  EXPECT_EQ(recorded.of(Kind::pin_stopped)[0].inserts,
            (std::vector<std::string>{"\"Office VPN\"", "691", "Access was denied", "save working credentials"}));
}

TEST(AdminEvents, ClientTextIsEscapedAndCapped) {
  RecordedEvents recorded;
  const AdminEvents events = recorded.admin_events();
  // An entry name is the client's: control characters, a parameter-message reference
  // ("%%1" would make Event Viewer look up a parameter message), and far too long. It is
  // written as in a log line (protocol::quoted), then made fit for an insert.
  events.dial_failed("evil\r\nFake line %%1 " + std::string(5000, 'x'), 691, "denied");
  const auto inserts = recorded.of(Kind::dial_failed).at(0).inserts;
  const std::string& entry = inserts[0];
  EXPECT_EQ(entry.find('\r'), std::string::npos);
  EXPECT_EQ(entry.find('\n'), std::string::npos);
  EXPECT_EQ(entry.find("%%"), std::string::npos);
  EXPECT_EQ(entry.rfind("\"evil\\r\\nFake line % %1 ", 0), 0u) << entry;
  EXPECT_LE(entry.size(), rasbroker::protocol::kMaxLoggedBytes + 32u);
  EXPECT_EQ(entry.substr(entry.size() - 15), "...(5020 bytes)") << entry;
}

TEST(AdminEvents, InsertTextKeepsOrdinaryTextAsIs) {
  EXPECT_EQ(insert_text("Office VPN"), "Office VPN");
  EXPECT_EQ(insert_text("50% done"), "50% done");
  EXPECT_EQ(insert_text("%%%"), "% % %");
  EXPECT_EQ(insert_text("Büro VPN"), "Büro VPN");
  EXPECT_EQ(insert_text("abcdef", 3), "abc...");
}

TEST(AdminEvents, WithoutAWriterNothingHappens) {
  const AdminEvents none;
  none.service_started("1", "pipe", "sim");  // must not throw or crash
  SUCCEED();
}
