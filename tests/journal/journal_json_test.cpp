// The journal's JSON form (service/journal/journal_json): every field round trips, no
// password is ever written, a version 1 document without its optional members reads, a
// newer version is refused, and every problem names its key path.
#include "journal/journal_json.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "journal_test_support.hpp"

namespace rasbroker::journal {
namespace {

using nlohmann::json;
using test::expect_same;
using test::full_journal;

bool has_key_named(const json& j, const std::string& name) {
  if (j.is_object()) {
    for (const auto& [key, value] : j.items()) {
      if (key == name || has_key_named(value, name)) return true;
    }
  }
  if (j.is_array()) {
    for (const auto& element : j) {
      if (has_key_named(element, name)) return true;
    }
  }
  return false;
}

TEST(JournalJson, EveryFieldRoundTrips) {
  const Journal original = full_journal();
  const std::string text = encode_journal(original);
  expect_same(original, decode_journal(text));
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(json::parse(text)["version"], kJournalVersion);
}

TEST(JournalJson, AnEmptyJournalRoundTrips) {
  Journal empty;
  empty.next_seq = 1;
  expect_same(empty, decode_journal(encode_journal(empty)));
}

TEST(JournalJson, NeverAPasswordEvenWhenOneWasSent) {
  Journal j = full_journal();
  ASSERT_TRUE(j.records[0].password_sent);
  const json document = json::parse(encode_journal(j));
  EXPECT_FALSE(has_key_named(document, "password"));
  EXPECT_TRUE(document["records"][0]["password_sent"].get<bool>());
}

TEST(JournalJson, AVersion1DocumentWithoutItsOptionalMembersReads) {
  // As a first release wrote it for a dial without credentials' names or redial policy:
  // the connection's nullable members absent too.
  const Journal j = decode_journal(R"({
    "version": 1, "next_seq": 4,
    "records": [{"seq": 3, "handle": 17, "connection": {
      "id": "c3", "entry": "Office", "phonebook": "", "state": "connected",
      "ras_state": "RASCS_Connected", "adopted": false, "stuck": false}}]})");
  EXPECT_EQ(j.version, kJournalVersion);
  EXPECT_EQ(j.next_seq, 4u);
  ASSERT_EQ(j.records.size(), 1u);
  const auto& r = j.records[0];
  EXPECT_EQ(r.seq, 3u);
  EXPECT_EQ(r.handle, 17u);
  EXPECT_EQ(r.info.entry, "Office");
  EXPECT_FALSE(r.info.owner);
  EXPECT_FALSE(r.info.dialed_at);
  EXPECT_EQ(r.username, "");
  EXPECT_EQ(r.domain, "");
  EXPECT_FALSE(r.password_sent);
  EXPECT_EQ(r.redial.attempts, 0u);
  EXPECT_EQ(r.redial.backoff_ms, protocol::RedialPolicy{}.backoff_ms);
  EXPECT_EQ(r.redials_used, 0u);
  EXPECT_TRUE(j.pins.empty()) << "version 1 had no pins: migrated to none";
}

TEST(JournalJson, Version2RequiresItsPinsAndChecksTheirBackoff) {
  const auto problem = [](const std::string& text) {
    try {
      decode_journal(text);
    } catch (const JournalFormatError& e) {
      return std::string(e.what());
    }
    return std::string("read");
  };
  EXPECT_EQ(problem(R"({"version": 2, "next_seq": 1, "records": []})"), "pins: is required");
  EXPECT_EQ(problem(R"({"version": 1, "next_seq": 1, "records": [], "pins": []})"), "pins: is not a journal member")
      << "version 1 never had pins: a document that says 1 and has them is damaged";
  EXPECT_EQ(problem(R"({"version": 2, "next_seq": 1, "records": [], "pins": [{"entry": "E", "phonebook": "",
                        "backoff": {"initial_ms": 10, "max_ms": 60000}}]})"),
            "pins[0].backoff.initial_ms: is out of range");
  EXPECT_EQ(problem(R"({"version": 2, "next_seq": 1, "records": [], "pins": [{"entry": "E", "phonebook": "",
                        "backoff": {"initial_ms": 5000, "max_ms": 1000}}]})"),
            "pins[0].backoff.max_ms: is out of range");
  EXPECT_EQ(problem(R"({"version": 2, "next_seq": 1, "records": [], "pins": [{"entry": "", "phonebook": "",
                        "backoff": {"initial_ms": 5000, "max_ms": 60000}}]})"),
            "pins[0].entry: must not be empty");
}

TEST(JournalJson, ANewerVersionIsRefused) {
  try {
    decode_journal(R"({"version": 3, "next_seq": 1, "records": [], "pins": [], "something_new": true})");
    FAIL() << "a version 3 journal was read";
  } catch (const JournalFormatError& e) {
    EXPECT_EQ(std::string(e.what()), "version: 3 is newer than this service reads (2): written by a newer rasbroker");
  }
}

struct BadDocument {
  const char* name;
  std::string text;
  std::string problem;  // what() starts with this
};
void PrintTo(const BadDocument& bad, std::ostream* out) { *out << bad.name; }

std::string record_with(const std::string& members) {
  return R"({"version": 1, "next_seq": 10, "records": [{"seq": 3, "handle": 17, )" + members + "}]}";
}

const std::string kConnection3 = R"("connection": {"id": "c3", "entry": "E", "phonebook": "", "state": "connected",
    "ras_state": "RASCS_Connected", "adopted": false, "stuck": false})";

class JournalJsonRefuses : public ::testing::TestWithParam<BadDocument> {};

TEST_P(JournalJsonRefuses, NamingTheKeyPath) {
  try {
    decode_journal(GetParam().text);
    FAIL() << "read";
  } catch (const JournalFormatError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(GetParam().problem, 0), 0u) << e.what();
    EXPECT_EQ(std::string(e.what()).find("SECRET-VALUE"), std::string::npos) << "quotes a value: " << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(
    JournalDocuments, JournalJsonRefuses,
    ::testing::Values(
        BadDocument{"NotJson", R"({"version": 1, "next_seq": "SECRET-VALUE)", "(journal): is not JSON (syntax error at byte"},
        BadDocument{"Empty", "", "(journal): is not JSON"},
        // Not a syntax error to the parser but out_of_range (found by fuzzing): refused as
        // damaged, without quoting the number.
        BadDocument{"NumberBeyondDouble", R"({"version": 1, "next_seq": 1e999, "records": []})",
                    "(journal): is not JSON this service reads (a number out of range)"},
        BadDocument{"NotAnObject", "[1, 2]", "(journal): must be a JSON object"},
        BadDocument{"NoVersion", R"({"next_seq": 1, "records": []})", "version: is required"},
        BadDocument{"VersionZero", R"({"version": 0, "next_seq": 1, "records": []})", "version: must be a positive"},
        BadDocument{"VersionText", R"({"version": "SECRET-VALUE", "next_seq": 1, "records": []})",
                    "version: must be a positive"},
        BadDocument{"NoNextSeq", R"({"version": 1, "records": []})", "next_seq: is required"},
        BadDocument{"NegativeNextSeq", R"({"version": 1, "next_seq": -1, "records": []})",
                    "next_seq: must be a non-negative integer"},
        BadDocument{"RecordsNotArray", R"({"version": 1, "next_seq": 1, "records": {}})", "records: must be an array"},
        BadDocument{"UnknownTopMember", R"({"version": 1, "next_seq": 1, "records": [], "extra": 1})",
                    "extra: is not a journal member"},
        BadDocument{"RecordNotObject", R"({"version": 1, "next_seq": 1, "records": [7]})",
                    "records[0]: must be an object"},
        BadDocument{"NoConnection", record_with(R"("username": "u")"), "records[0].connection: is required"},
        BadDocument{"BadState", record_with(R"("connection": {"id": "c3", "entry": "E", "phonebook": "",
            "state": "SECRET-VALUE", "ras_state": "", "adopted": false, "stuck": false})"),
                    "records[0].connection: invalid connection: \"state\" must be one of"},
        BadDocument{"IdNotSeq", record_with(R"("connection": {"id": "c4", "entry": "E", "phonebook": "",
            "state": "connected", "ras_state": "", "adopted": false, "stuck": false})"),
                    "records[0].connection.id: must be \"c\" followed by seq"},
        BadDocument{"Adopted", record_with(R"("connection": {"id": "c3", "entry": "E", "phonebook": "",
            "state": "connected", "ras_state": "", "adopted": true, "stuck": false})"),
                    "records[0].connection.adopted: must be false"},
        BadDocument{"Gone", record_with(R"("connection": {"id": "c3", "entry": "E", "phonebook": "",
            "state": "gone", "ras_state": "", "adopted": false, "stuck": false})"),
                    "records[0].connection.state: must be dialing, connected or hanging_up"},
        BadDocument{"UnknownRecordMember", record_with(kConnection3 + R"(, "password": "SECRET-VALUE")"),
                    "records[0].password: is not a journal member"},
        BadDocument{"UsernameNotString", record_with(kConnection3 + R"(, "username": 5)"),
                    "records[0].username: must be a string"},
        BadDocument{"PasswordSentNotBool", record_with(kConnection3 + R"(, "password_sent": "yes")"),
                    "records[0].password_sent: must be true or false"},
        BadDocument{"RedialAttemptsTooBig", record_with(kConnection3 + R"(, "redial": {"attempts": 4294967296,
            "backoff_ms": 1})"), "records[0].redial.attempts: must be at most 4294967295"},
        BadDocument{"RedialWithoutBackoff", record_with(kConnection3 + R"(, "redial": {"attempts": 1})"),
                    "records[0].redial.backoff_ms: is required"},
        BadDocument{"SeqZero", R"({"version": 1, "next_seq": 10, "records": [{"seq": 0, "handle": 1}]})",
                    "records[0].seq: must be at least 1"},
        BadDocument{"SeqNotBelowNextSeq", R"({"version": 1, "next_seq": 3, "records": [{"seq": 3, "handle": 17, )" +
                                              kConnection3 + "}]}",
                    "records[0].seq: must be below next_seq"},
        BadDocument{"SeqRepeats", R"({"version": 1, "next_seq": 10, "records": [{"seq": 3, "handle": 17, )" +
                                      kConnection3 + R"(}, {"seq": 3, "handle": 18, )" + kConnection3 + "}]}",
                    "records[1].seq: repeats an earlier record's seq"}),
    [](const ::testing::TestParamInfo<BadDocument>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace rasbroker::journal
