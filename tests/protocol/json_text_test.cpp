// protocol::to_raw_json: a connection list written straight to text must be byte for byte
// what encode_line(to_json(...)) writes, for any record — hostile strings included.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "rasbroker/protocol/framing.hpp"
#include "rasbroker/protocol/json_text.hpp"
#include "rasbroker/protocol/methods.hpp"

namespace rasbroker::protocol {
namespace {

std::string nlohmann_text(const ConnectionList& list) {
  std::string line = encode_line(to_json(list));
  line.pop_back();  // '\n'
  return line;
}

// Strings a client or RAS could put into a record: escapes, controls, DEL, UTF-8 of 2-4
// bytes, and invalid UTF-8 of every kind (lone continuation, truncated at the end,
// overlong, surrogate, > U+10FFFF, 0xFF).
const std::vector<std::string> kHostile = {
    "", "Office VPN", "quote\"inside", "back\\slash", "\\\"", "tab\there", "nl\nline", "cr\r", "\b\f",
    std::string("nul\0byte", 8), "\x01\x1f", "del\x7f", "caf\xc3\xa9", "\xe2\x82\xac euro", "\xf0\x9f\x98\x80",
    "lone \x80 cont", "trunc \xc3", "trunc3 \xe2\x82", "\xc0\xaf overlong", "\xed\xa0\x80 surrogate",
    "\xf4\x90\x80\x80 too big", "\xff\xfe", "mixed \"\xc3\xa9\\\x01\xc3", "</script>", "\u2028\u2029",
    "CORP\\alice", "NT AUTHORITY\\SYSTEM",
};

Connection random_connection(std::mt19937& rng, std::size_t i) {
  auto pick = [&] { return kHostile[rng() % kHostile.size()]; };
  auto coin = [&] { return rng() % 2 == 0; };
  auto time = [&]() -> std::optional<TimePoint> {
    if (coin()) return std::nullopt;
    return TimePoint{} + std::chrono::milliseconds(static_cast<std::int64_t>(rng() % 4'000'000'000'000ULL));
  };
  Connection c;
  c.id = coin() ? "c" + std::to_string(i) : pick();
  c.entry = pick();
  c.phonebook = pick();
  c.state = static_cast<ConnectionState>(rng() % 4);
  c.ras_state = coin() ? "RASCS_Connected" : pick();
  c.adopted = coin();
  if (coin()) {
    const std::int64_t pids[] = {0, 1, -1, 4242, std::numeric_limits<std::int64_t>::max(),
                                 std::numeric_limits<std::int64_t>::min()};
    c.owner = Owner{pids[rng() % 6], pick()};
  }
  if (coin()) c.reason = static_cast<Reason>(rng() % 5);
  if (coin()) {
    const std::uint32_t codes[] = {0, 1, 691, std::numeric_limits<std::uint32_t>::max()};
    c.error = ConnectionError{codes[rng() % 4], pick(), codes[rng() % 4]};
  }
  c.stuck = coin();
  c.dialed_at = time();
  c.connected_at = time();
  c.hangup_at = time();
  c.pinned = coin();
  return c;
}

TEST(JsonText, AnEmptyListIsTheSameText) {
  EXPECT_EQ(to_raw_json(ConnectionList{}).text, nlohmann_text(ConnectionList{}));
}

TEST(JsonText, EveryHostileStringIsEscapedAsNlohmannDoes) {
  for (const auto& s : kHostile) {
    std::string out;
    append_json_string(out, s);
    EXPECT_EQ(out + '\n', encode_line(nlohmann::json(s)))
        << nlohmann::json(s).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
  }
}

TEST(JsonText, ManyRandomRecordsAreByteIdenticalToTheJsonPath) {
  std::mt19937 rng(20261130);
  for (int round = 0; round < 200; ++round) {
    ConnectionList list;
    const std::size_t n = rng() % 30;
    for (std::size_t i = 0; i < n; ++i) list.connections.push_back(random_connection(rng, i));
    if (round % 3 == 0) {
      Pin pin;
      pin.entry = kHostile[rng() % kHostile.size()];
      pin.failures = 3;
      if (!list.connections.empty()) pin.connection = list.connections.front().id;
      list.pins.push_back(pin);
    }
    ASSERT_EQ(to_raw_json(list).text, nlohmann_text(list)) << "round " << round;
  }
}

TEST(JsonText, TenThousandConnectionsAreTheSameText) {
  std::mt19937 rng(7);
  ConnectionList list;
  for (std::size_t i = 0; i < 10'000; ++i) list.connections.push_back(random_connection(rng, i));
  EXPECT_EQ(to_raw_json(list).text, nlohmann_text(list));
}

}  // namespace
}  // namespace rasbroker::protocol
