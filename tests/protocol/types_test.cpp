#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "rasbroker/protocol/errors.hpp"
#include "rasbroker/protocol/types.hpp"

namespace rp = rasbroker::protocol;
using nlohmann::json;
using namespace std::chrono;

namespace {

rp::TimePoint at(year_month_day ymd, hours h, minutes m, seconds s, milliseconds ms) {
  return rp::TimePoint{sys_days{ymd}.time_since_epoch() + h + m + s + ms};
}

rp::Connection full_connection() {
  rp::Connection c;
  c.id = "c7";
  c.entry = "Office VPN";
  c.phonebook = R"(C:\ProgramData\Microsoft\Network\Connections\Pbk\rasphone.pbk)";
  c.state = rp::ConnectionState::hanging_up;
  c.ras_state = "RASCS_Connected";
  c.adopted = true;
  c.owner = rp::Owner{4242, R"(CONTOSO\alice)"};
  c.reason = rp::Reason::link_lost;
  c.error = rp::ConnectionError{629, "The connection was closed by the remote computer."};
  c.stuck = true;
  c.dialed_at = at(2026y / November / 25, 13h, 33min, 41s, 123ms);
  c.connected_at = at(2026y / November / 25, 13h, 33min, 44s, 7ms);
  c.hangup_at = at(2026y / November / 25, 17h, 2min, 0s, 999ms);
  return c;
}

rp::Connection minimal_connection() {
  rp::Connection c;
  c.id = "c1";
  c.entry = "Office VPN";
  c.ras_state = "RASCS_OpenPort";
  return c;
}

}  // namespace

// ---- time -----------------------------------------------------------------------------

TEST(Rfc3339, Formats) {
  struct Case {
    rp::TimePoint t;
    const char* text;
  };
  const std::vector<Case> cases = {
      {rp::TimePoint{}, "1970-01-01T00:00:00.000Z"},
      {at(2026y / November / 25, 13h, 33min, 41s, 123ms), "2026-11-25T13:33:41.123Z"},
      {at(2024y / February / 29, 23h, 59min, 59s, 999ms), "2024-02-29T23:59:59.999Z"},
      {at(2000y / January / 1, 0h, 0min, 0s, 1ms), "2000-01-01T00:00:00.001Z"},
      {rp::TimePoint{} - milliseconds{1}, "1969-12-31T23:59:59.999Z"},
      {at(2038y / January / 19, 3h, 14min, 8s, 0ms), "2038-01-19T03:14:08.000Z"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(rp::format_rfc3339(c.t), c.text);
    const auto parsed = rp::parse_rfc3339(c.text);
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, c.t);
  }
}

TEST(Rfc3339, FormatTruncatesToMilliseconds) {
  const auto t = at(2026y / November / 25, 13h, 33min, 41s, 123ms) + duration_cast<rp::TimePoint::duration>(microseconds{999});
  EXPECT_EQ(rp::format_rfc3339(t), "2026-11-25T13:33:41.123Z");
}

TEST(Rfc3339, ParsesOtherFractions) {
  const auto base = at(2026y / November / 25, 13h, 33min, 41s, 0ms);
  EXPECT_EQ(rp::parse_rfc3339("2026-11-25T13:33:41Z"), base);
  EXPECT_EQ(rp::parse_rfc3339("2026-11-25T13:33:41.5Z"), base + milliseconds{500});
  EXPECT_EQ(rp::parse_rfc3339("2026-11-25T13:33:41.123000Z"), base + milliseconds{123});
  // Past the millisecond, digits are dropped: read and written again, a time is the same.
  const auto fine = rp::parse_rfc3339("2026-11-25T13:33:41.567567Z");
  ASSERT_TRUE(fine.has_value());
  EXPECT_EQ(*fine, base + milliseconds{567});
  EXPECT_EQ(rp::format_rfc3339(*fine), "2026-11-25T13:33:41.567Z");
  EXPECT_EQ(rp::parse_rfc3339("1969-12-31T23:59:59.999999999Z"), rp::TimePoint{} - milliseconds{1});
}

TEST(Rfc3339, RejectsOtherForms) {
  for (const char* text : {"", "2026-11-25", "2026-11-25T13:33:41.123", "2026-11-25T13:33:41.123z",
                           "2026-11-25T13:33:41.123+00:00", "2026-11-25 13:33:41.123Z", "2026-13-01T00:00:00.000Z",
                           "2026-02-29T00:00:00.000Z", "2026-11-31T00:00:00.000Z", "2026-11-25T24:00:00.000Z",
                           "2026-11-25T23:60:00.000Z", "2026-11-25T23:59:60.000Z", "2026-11-25T13:33:41.Z",
                           "2026-11-25T13:33:41.1234567890Z", "2026-11-25T13:33:41.123Zjunk", "26-11-25T13:33:41.123Z",
                           "2026-1-25T13:33:41.123Z", "+026-11-25T13:33:41.123Z", "9999-12-31T23:59:59.999Z"}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(rp::parse_rfc3339(text).has_value());
  }
}

TEST(Rfc3339, RoundTripsManyInstants) {
  auto t = at(1999y / December / 31, 23h, 0min, 0s, 0ms);
  for (int i = 0; i < 2000; ++i) {
    t += hours{97} + minutes{13} + seconds{7} + milliseconds{311};
    const auto text = rp::format_rfc3339(t);
    ASSERT_EQ(rp::parse_rfc3339(text), t) << text;
  }
}

// ---- enums ----------------------------------------------------------------------------

TEST(Enums, StatesAndReasonsRoundTrip) {
  const std::vector<std::pair<rp::ConnectionState, const char*>> states = {
      {rp::ConnectionState::dialing, "dialing"},
      {rp::ConnectionState::connected, "connected"},
      {rp::ConnectionState::hanging_up, "hanging_up"},
      {rp::ConnectionState::gone, "gone"}};
  for (const auto& [s, text] : states) {
    EXPECT_EQ(rp::to_string(s), text);
    EXPECT_EQ(rp::parse_connection_state(text), s);
  }
  const std::vector<std::pair<rp::Reason, const char*>> reasons = {{rp::Reason::requested, "requested"},
                                                                    {rp::Reason::dial_failed, "dial_failed"},
                                                                    {rp::Reason::link_lost, "link_lost"},
                                                                    {rp::Reason::service_stop, "service_stop"},
                                                                    {rp::Reason::timeout, "timeout"}};
  for (const auto& [r, text] : reasons) {
    EXPECT_EQ(rp::to_string(r), text);
    EXPECT_EQ(rp::parse_reason(text), r);
  }
  EXPECT_FALSE(rp::parse_connection_state("Connected").has_value());
  EXPECT_FALSE(rp::parse_connection_state("").has_value());
  EXPECT_FALSE(rp::parse_reason("link-lost").has_value());
}

// ---- Connection -----------------------------------------------------------------------

TEST(Connection, ToJsonHasEveryFieldAndNullsForAbsentOnes) {
  const json j = minimal_connection();
  std::set<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.insert(k);
  EXPECT_EQ(keys, (std::set<std::string>{"id", "entry", "phonebook", "state", "ras_state", "adopted", "owner", "reason",
                                         "error", "stuck", "dialed_at", "connected_at", "hangup_at"}));
  EXPECT_EQ(j, (json{{"id", "c1"},
                     {"entry", "Office VPN"},
                     {"phonebook", ""},
                     {"state", "dialing"},
                     {"ras_state", "RASCS_OpenPort"},
                     {"adopted", false},
                     {"owner", nullptr},
                     {"reason", nullptr},
                     {"error", nullptr},
                     {"stuck", false},
                     {"dialed_at", nullptr},
                     {"connected_at", nullptr},
                     {"hangup_at", nullptr}}));
}

TEST(Connection, ToJsonFull) {
  const json j = full_connection();
  EXPECT_EQ(j["state"], "hanging_up");
  EXPECT_EQ(j["owner"], (json{{"pid", 4242}, {"user", R"(CONTOSO\alice)"}}));
  EXPECT_EQ(j["reason"], "link_lost");
  EXPECT_EQ(j["error"], (json{{"ras_error", 629}, {"message", "The connection was closed by the remote computer."}}));
  EXPECT_EQ(j["dialed_at"], "2026-11-25T13:33:41.123Z");
  EXPECT_EQ(j["connected_at"], "2026-11-25T13:33:44.007Z");
  EXPECT_EQ(j["hangup_at"], "2026-11-25T17:02:00.999Z");
  EXPECT_EQ(j["stuck"], true);
  EXPECT_EQ(j["adopted"], true);
}

TEST(Connection, RoundTrips) {
  for (const auto& c : {minimal_connection(), full_connection()}) {
    const json j = c;
    EXPECT_EQ(j.get<rp::Connection>(), c);
    EXPECT_EQ(json::parse(j.dump()).get<rp::Connection>(), c);
  }
  for (auto state : {rp::ConnectionState::dialing, rp::ConnectionState::connected, rp::ConnectionState::hanging_up,
                     rp::ConnectionState::gone}) {
    for (auto reason : {rp::Reason::requested, rp::Reason::dial_failed, rp::Reason::link_lost,
                        rp::Reason::service_stop, rp::Reason::timeout}) {
      auto c = full_connection();
      c.state = state;
      c.reason = reason;
      EXPECT_EQ(json(c).get<rp::Connection>(), c);
    }
  }
}

// RasDialFunc2's dwExtendedError: present only when RAS gave one, so a client that predates
// it reads the same object as before.
TEST(Connection, ErrorCarriesTheExtendedErrorOnlyWhenThereIsOne) {
  rp::Connection c = full_connection();
  c.error = rp::ConnectionError{650, "The remote access server is not responding.", 5};
  const json j = c;
  EXPECT_EQ(j["error"], (json{{"ras_error", 650}, {"message", "The remote access server is not responding."},
                              {"extended_error", 5}}));
  EXPECT_EQ(json::parse(j.dump()).get<rp::Connection>(), c);
  c.error->extended_error = 0;
  EXPECT_FALSE(json(c)["error"].contains("extended_error"));
  EXPECT_EQ(json(c).get<rp::Connection>(), c);
  json bad = json(c);
  bad["error"]["extended_error"] = -1;
  EXPECT_THROW((void)bad.get<rp::Connection>(), rp::RpcError);
}

TEST(Connection, FromJsonIgnoresUnknownFieldsAndAcceptsMissingNullables) {
  json j = full_connection();
  j["added_in_v2"] = {{"x", 1}};
  EXPECT_EQ(j.get<rp::Connection>(), full_connection());
  json m = minimal_connection();
  for (const char* k : {"owner", "reason", "error", "dialed_at", "connected_at", "hangup_at"}) m.erase(k);
  EXPECT_EQ(m.get<rp::Connection>(), minimal_connection());
}

struct BadConnection {
  const char* name;
  const char* field;  // the member to change; erased when value is "<erase>"
  json value;
  std::string message_part;
};

TEST(Connection, FromJsonNamesTheBadField) {
  const json erase = "<erase>";
  const std::vector<BadConnection> cases = {
      {"missing id", "id", erase, R"("id" is required)"},
      {"missing entry", "entry", erase, R"("entry" is required)"},
      {"missing phonebook", "phonebook", erase, R"("phonebook" is required)"},
      {"missing state", "state", erase, R"("state" is required)"},
      {"missing ras_state", "ras_state", erase, R"("ras_state" is required)"},
      {"missing adopted", "adopted", erase, R"("adopted" is required)"},
      {"missing stuck", "stuck", erase, R"("stuck" is required)"},
      {"id number", "id", 7, R"("id" must be a string)"},
      {"id empty", "id", "", R"("id" must not be empty)"},
      {"entry empty", "entry", "", R"("entry" must not be empty)"},
      {"phonebook bool", "phonebook", true, R"("phonebook" must be a string)"},
      {"state unknown", "state", "up", R"("state" must be one of)"},
      {"state number", "state", 1, R"("state" must be a string)"},
      {"ras_state array", "ras_state", json::array(), R"("ras_state" must be a string)"},
      {"adopted string", "adopted", "true", R"("adopted" must be a boolean)"},
      {"stuck number", "stuck", 0, R"("stuck" must be a boolean)"},
      {"owner string", "owner", "alice", R"("owner" must be an object)"},
      {"owner pid missing", "owner", {{"user", "alice"}}, R"("owner.pid" is required)"},
      {"owner pid string", "owner", {{"pid", "1"}, {"user", "alice"}}, R"("owner.pid" must be an integer)"},
      {"owner user missing", "owner", {{"pid", 1}}, R"("owner.user" is required)"},
      {"reason unknown", "reason", "bored", R"("reason" must be one of)"},
      {"reason number", "reason", 2, R"("reason" must be a string)"},
      {"error string", "error", "691", R"("error" must be an object)"},
      {"error negative", "error", {{"ras_error", -1}, {"message", ""}}, R"("error.ras_error" must be an integer)"},
      {"error too big", "error", {{"ras_error", 4294967296LL}, {"message", ""}}, R"("error.ras_error" must be)"},
      {"error message missing", "error", {{"ras_error", 691}}, R"("error.message" is required)"},
      {"dialed_at number", "dialed_at", 1700000000, R"("dialed_at" must be a string)"},
      {"dialed_at not rfc3339", "dialed_at", "2026-11-25 13:33:41", R"("dialed_at" must be an RFC 3339 UTC time)"},
      {"connected_at offset", "connected_at", "2026-11-25T13:33:41.123+01:00", R"("connected_at" must be an RFC 3339)"},
      {"hangup_at bad date", "hangup_at", "2026-02-30T00:00:00.000Z", R"("hangup_at" must be an RFC 3339)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    json j = full_connection();
    if (c.value == erase) j.erase(c.field);
    else j[c.field] = c.value;
    try {
      (void)j.get<rp::Connection>();
      ADD_FAILURE() << "accepted";
    } catch (const rp::RpcError& e) {
      EXPECT_EQ(e.code(), rp::ErrorCode::invalid_params);
      EXPECT_NE(std::string(e.what()).find(c.message_part), std::string::npos) << e.what();
    }
  }
}

TEST(Connection, FromJsonRejectsNonObjects) {
  for (const json& j : {json(nullptr), json("c1"), json::array(), json(5)}) {
    EXPECT_THROW((void)j.get<rp::Connection>(), rp::RpcError) << j.dump();
  }
}
