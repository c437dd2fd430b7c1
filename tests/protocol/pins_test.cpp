// The pin and unpin methods on the wire, the Pin's JSON form, "pinned" on a connection, the
// pins of list and status, dial's keep, and the sentence clients show for a pin.
#include <gtest/gtest.h>

#include "rasbroker/protocol/methods.hpp"
#include "rasbroker/protocol/pins.hpp"

namespace rasbroker::protocol {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

Pin waiting_pin(TimePoint next) {
  Pin p;
  p.entry = "Office VPN";
  p.phonebook = "";
  p.source = PinSource::config;
  p.state = PinState::waiting;
  p.failures = 3;
  p.last_error = ConnectionError{800, "The VPN server did not respond.", 0};
  p.next_attempt_at = next;
  p.backoff = {2'000, 60'000};
  return p;
}

const TimePoint kNow = *parse_rfc3339("2026-11-30T06:00:00.000Z");

TEST(Pins, APinRoundTripsWithEveryMember) {
  Pin p = waiting_pin(kNow + 40s);
  const json j = p;
  EXPECT_EQ(j["state"], "waiting");
  EXPECT_EQ(j["source"], "config");
  EXPECT_EQ(j["next_attempt_at"], "2026-11-30T06:00:40.000Z");
  EXPECT_EQ(j["last_error"]["ras_error"], 800);
  EXPECT_TRUE(j["stopped_reason"].is_null());
  EXPECT_TRUE(j["connection"].is_null());
  EXPECT_EQ(pin_from_json(j), p);
  p.state = PinState::stopped;
  p.stopped_reason = "why";
  p.connection = "c7";
  p.source = PinSource::runtime;
  EXPECT_EQ(pin_from_json(json(p)), p);
  EXPECT_THROW(pin_from_json(json{{"entry", "E"}}), RpcError);
}

TEST(Pins, PinAndUnpinParamsAreStrict) {
  const auto p = parse_pin_params(json{{"entry", "Office VPN"}, {"phonebook", "D:\\lab.pbk"}, {"backoff", {{"initial_ms", 2000}}}});
  EXPECT_EQ(p.entry, "Office VPN");
  EXPECT_EQ(p.phonebook, "D:\\lab.pbk");
  EXPECT_EQ(p.backoff, (PinBackoff{2'000, 600'000}));
  EXPECT_EQ(parse_pin_params(to_json(p)).backoff, p.backoff);
  for (const json& bad : {json{{"entry", ""}}, json{{"entry", "a|b"}}, json{{"entry", "E"}, {"password", "x"}},
                          json{{"entry", "E"}, {"backoff", {{"initial_ms", 10}}}},
                          json{{"entry", "E"}, {"backoff", {{"initial_ms", 9000}, {"max_ms", 8000}}}},
                          json{{"entry", "E"}, {"backoff", {{"min_ms", 9000}}}}, json::object()}) {
    SCOPED_TRACE(bad.dump());
    EXPECT_THROW(parse_pin_params(bad), RpcError);
  }
  EXPECT_EQ(parse_unpin_params(json{{"entry", "E"}}).entry, "E");
  EXPECT_THROW(parse_unpin_params(json{{"entry", "E"}, {"phonebook", ""}}), RpcError);
  UnpinResult r{"E", std::nullopt};
  EXPECT_TRUE(to_json(r)["pin"].is_null());
  EXPECT_FALSE(unpin_result_from_json(to_json(r)).pin);
  r.pin = waiting_pin(kNow);
  EXPECT_EQ(unpin_result_from_json(to_json(r)).pin, r.pin);
  EXPECT_TRUE(is_known_method(method::pin));
  EXPECT_TRUE(is_known_method(method::unpin));
}

TEST(Pins, DialKeepTravelsAndRefusesCredentials) {
  const auto p = parse_dial_params(json{{"entry", "E"}, {"keep", true}});
  EXPECT_TRUE(p.keep);
  EXPECT_EQ(to_json(p)["keep"], true);
  EXPECT_FALSE(to_json(parse_dial_params(json{{"entry", "E"}})).contains("keep"));
  for (const char* member : {"password", "username", "domain"}) {
    SCOPED_TRACE(member);
    EXPECT_THROW(parse_dial_params(json{{"entry", "E"}, {"keep", true}, {member, "x"}}), RpcError);
  }
  EXPECT_THROW(parse_dial_params(json{{"entry", "E"}, {"keep", true}, {"redial", {{"attempts", 1}}}}), RpcError);
}

TEST(Pins, ConnectionsListAndStatusCarryPinsOnlyWhenThereAreAny) {
  Connection c;
  c.id = "c1";
  c.entry = "E";
  EXPECT_FALSE(json(c).contains("pinned"));
  c.pinned = true;
  EXPECT_EQ(json(c)["pinned"], true);
  EXPECT_TRUE(json(c).get<Connection>().pinned);
  ConnectionList list{{c}, {}};
  EXPECT_FALSE(to_json(list).contains("pins"));
  list.pins.push_back(waiting_pin(kNow));
  EXPECT_EQ(connection_list_from_json(to_json(list)).pins, list.pins);
  StatusResult s;
  EXPECT_FALSE(to_json(s).contains("pins"));
  s.pins = list.pins;
  EXPECT_EQ(status_result_from_json(to_json(s)), s);
}

TEST(Pins, DescribeSaysWhenAndAfterWhat) {
  EXPECT_EQ(describe(waiting_pin(kNow + 40s), kNow), "retrying in 40 s after 800: The VPN server did not respond.");
  EXPECT_EQ(describe(waiting_pin(kNow - 1s), kNow), "retrying in 0 s after 800: The VPN server did not respond.");
  Pin p = waiting_pin(kNow);
  p.next_attempt_at.reset();
  EXPECT_EQ(describe(p, kNow), "waiting for its old connection to tear down after 800: The VPN server did not respond.");
  p.state = PinState::stopped;
  p.stopped_reason = "unpinned by an administrator";
  EXPECT_EQ(describe(p, kNow), "stopped after 800: The VPN server did not respond. (unpinned by an administrator)");
  p.state = PinState::up;
  EXPECT_EQ(describe(p, kNow), "up");
  p.state = PinState::dialing;
  EXPECT_EQ(describe(p, kNow), "dialing again after 800: The VPN server did not respond.");
  p.failures = 0;
  EXPECT_EQ(describe(p, kNow), "dialing");
}

}  // namespace
}  // namespace rasbroker::protocol
