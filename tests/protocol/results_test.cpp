// Results: to_json / *_from_json round trips for every result type, and malformed
// results rejected with internal_error naming the field.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "rasbroker/protocol/framing.hpp"
#include "rasbroker/protocol/jsonrpc.hpp"
#include "rasbroker/protocol/methods.hpp"

namespace rp = rasbroker::protocol;
using nlohmann::json;
using namespace std::chrono;

namespace {

rp::Connection connection(std::string id, rp::ConnectionState state) {
  rp::Connection c;
  c.id = std::move(id);
  c.entry = "Office VPN";
  c.state = state;
  c.ras_state = state == rp::ConnectionState::connected ? "RASCS_Connected" : "RASCS_Authenticate";
  c.owner = rp::Owner{1234, R"(CONTOSO\bob)"};
  c.dialed_at = rp::TimePoint{sys_days{2026y / November / 25}.time_since_epoch() + 8h + 1min + 2s + 345ms};
  if (state == rp::ConnectionState::gone) {
    c.reason = rp::Reason::dial_failed;
    c.error = rp::ConnectionError{691, "Access was denied because the username and/or password was invalid on the domain."};
    c.hangup_at = *c.dialed_at + 5s;
  }
  return c;
}

rp::StatusResult status() {
  rp::StatusResult s;
  s.version = "0.1.0";
  s.protocol_version = 1;
  s.pid = 5120;
  s.uptime_s = 3600.25;
  s.backend = "win32";
  s.connections = rp::ConnectionCounts{1, 2, 3, 1, 6};
  s.reaper_queue = 3;
  s.stopping = true;
  return s;
}

void expect_internal_error(const std::function<void()>& fn, const std::string& message_part) {
  try {
    fn();
    ADD_FAILURE() << "accepted, expected " << message_part;
  } catch (const rp::RpcError& e) {
    EXPECT_EQ(e.code(), rp::ErrorCode::internal_error) << e.what();
    EXPECT_NE(std::string(e.what()).find(message_part), std::string::npos) << e.what();
  }
}

}  // namespace

TEST(Results, StatusRoundTrip) {
  const json j = rp::to_json(status());
  EXPECT_EQ(j, json::parse(R"({"version":"0.1.0","protocol_version":1,"pid":5120,"uptime_s":3600.25,
      "backend":"win32","connections":{"dialing":1,"connected":2,"hanging_up":3,"stuck":1,"total":6},
      "reaper_queue":3,"stopping":true})"));
  EXPECT_EQ(rp::status_result_from_json(j), status());
  EXPECT_EQ(rp::status_result_from_json(json::parse(j.dump())), status());
  EXPECT_EQ(rp::status_result_from_json(rp::to_json(rp::StatusResult{})), rp::StatusResult{});
}

TEST(Results, StatusAcceptsIntegerUptimeAndUnknownFields) {
  json j = rp::to_json(status());
  j["uptime_s"] = 12;
  j["new_field"] = "ignored";
  EXPECT_EQ(rp::status_result_from_json(j).uptime_s, 12.0);
}

TEST(Results, MalformedStatus) {
  const json good = rp::to_json(status());
  struct Case {
    const char* name;
    std::function<void(json&)> mutate;
    const char* message_part;
  };
  const std::vector<Case> cases = {
      {"missing pid", [](json& j) { j.erase("pid"); }, R"(malformed result: "pid" is required)"},
      {"version number", [](json& j) { j["version"] = 1; }, R"("version" must be a string)"},
      {"uptime string", [](json& j) { j["uptime_s"] = "1"; }, R"("uptime_s" must be a number)"},
      {"missing counts", [](json& j) { j.erase("connections"); }, R"("connections" is required)"},
      {"counts array", [](json& j) { j["connections"] = json::array(); }, R"("connections" must be an object)"},
      {"negative count", [](json& j) { j["connections"]["stuck"] = -1; }, R"("connections.stuck" must be an integer)"},
      {"stopping string", [](json& j) { j["stopping"] = "no"; }, R"("stopping" must be a boolean)"},
      {"not an object", [](json& j) { j = json::array(); }, "malformed result: expected an object"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    json j = good;
    c.mutate(j);
    expect_internal_error([&] { (void)rp::status_result_from_json(j); }, c.message_part);
  }
}

TEST(Results, ConnectionRoundTrip) {
  for (auto state : {rp::ConnectionState::dialing, rp::ConnectionState::connected, rp::ConnectionState::hanging_up,
                     rp::ConnectionState::gone}) {
    const auto c = connection("c1", state);
    const json j = c;
    EXPECT_EQ(rp::connection_from_json(j), c);
    EXPECT_EQ(rp::connection_from_json(json::parse(rp::encode_line(j))), c);
  }
}

TEST(Results, MalformedConnectionIsInternalError) {
  json j = connection("c1", rp::ConnectionState::connected);
  j["state"] = "sleeping";
  expect_internal_error([&] { (void)rp::connection_from_json(j); }, R"(malformed result: "state" must be one of)");
  expect_internal_error([&] { (void)rp::connection_from_json(json("c1")); }, "malformed result: expected an object");
}

TEST(Results, ConnectionListRoundTrip) {
  rp::ConnectionList empty;
  EXPECT_EQ(rp::to_json(empty), (json{{"connections", json::array()}}));
  EXPECT_TRUE(rp::connection_list_from_json(rp::to_json(empty)).connections.empty());

  rp::ConnectionList list;
  list.connections = {connection("c1", rp::ConnectionState::connected), connection("c2", rp::ConnectionState::dialing),
                      connection("c3", rp::ConnectionState::gone)};
  const json j = rp::to_json(list);
  ASSERT_EQ(j["connections"].size(), 3u);
  EXPECT_EQ(j["connections"][2]["reason"], "dial_failed");
  EXPECT_EQ(rp::connection_list_from_json(j).connections, list.connections);
}

TEST(Results, MalformedConnectionList) {
  rp::ConnectionList list;
  list.connections = {connection("c1", rp::ConnectionState::connected), connection("c2", rp::ConnectionState::dialing)};
  json j = rp::to_json(list);
  j["connections"][1]["owner"]["pid"] = "1234";
  expect_internal_error([&] { (void)rp::connection_list_from_json(j); }, R"("connections[1].owner.pid" must be an integer)");
  j["connections"][1] = 5;
  expect_internal_error([&] { (void)rp::connection_list_from_json(j); }, R"("connections[1]" must be an object)");
  expect_internal_error([&] { (void)rp::connection_list_from_json(json::object()); }, R"("connections" is required)");
  expect_internal_error([&] { (void)rp::connection_list_from_json({{"connections", {{"a", 1}}}}); },
                        R"("connections" must be an array)");
}

TEST(Results, EntriesRoundTrip) {
  rp::EntriesResult r;
  r.entries = {{"Office VPN", R"(C:\ProgramData\Microsoft\Network\Connections\Pbk\rasphone.pbk)"},
               {"Lab dial-up", R"(C:\Users\alice\AppData\Roaming\Microsoft\Network\Connections\Pbk\rasphone.pbk)"}};
  const json j = rp::to_json(r);
  EXPECT_EQ(j["entries"][0], (json{{"name", "Office VPN"},
                                   {"phonebook", R"(C:\ProgramData\Microsoft\Network\Connections\Pbk\rasphone.pbk)"}}));
  EXPECT_EQ(rp::entries_result_from_json(j).entries, r.entries);
  EXPECT_TRUE(rp::entries_result_from_json(rp::to_json(rp::EntriesResult{})).entries.empty());

  json bad = j;
  bad["entries"][1].erase("name");
  expect_internal_error([&] { (void)rp::entries_result_from_json(bad); }, R"("entries[1].name" is required)");
  expect_internal_error([&] { (void)rp::entries_result_from_json(json(nullptr)); }, "expected an object");
}

TEST(Results, ConnectionChangedNotification) {
  const auto c = connection("c4", rp::ConnectionState::gone);
  const json n = rp::make_connection_changed(c);
  EXPECT_EQ(n["jsonrpc"], "2.0");
  EXPECT_EQ(n["method"], "connection.changed");
  EXPECT_FALSE(n.contains("id"));
  EXPECT_EQ(n["params"], (json{{"connection", c}}));

  // As a client reads it off the wire.
  auto line = rp::encode_line(n);
  line.pop_back();
  const auto in = rp::parse_incoming(line);
  const auto& call = std::get<rp::Call>(in.entries.at(0));
  EXPECT_TRUE(call.notification);
  EXPECT_EQ(call.method, rp::method::connection_changed);
  EXPECT_EQ(rp::connection_from_json(call.params.at("connection")), c);
}

TEST(Results, SimpleResultsOfPingAndSubscribe) {
  // These have no struct: the documented shapes are {"pong":true} and {"subscribed":true}.
  const auto ping = rp::make_result(1, {{"pong", true}});
  EXPECT_EQ(rp::encode_line(ping), "{\"id\":1,\"jsonrpc\":\"2.0\",\"result\":{\"pong\":true}}\n");
}
