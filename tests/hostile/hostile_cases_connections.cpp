// Connection behaviour: silence, half lines, a client that never reads, clients that
// vanish (a thousand of them, or in the middle of a request), and more than max_clients.
#include "hostile_case.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>
#include <vector>

#include "client_error.hpp"

namespace rasbroker::hostile {

using nlohmann::json;
using namespace std::chrono_literals;

namespace {

// Long enough for the first-request timeout to act, with room for a slow machine.
std::chrono::milliseconds after_first_request_timeout(const HostileTarget& target) {
  return target.first_request_timeout + 10s;
}

json answer_of(HostileLink& link) {
  const auto read = link.read_line();
  if (read.got != HostileLink::Got::line) throw std::runtime_error("no answer");
  return json::parse(read.line);
}

void silent_client_is_disconnected(const HostileTarget& target) {
  HostileLink link = target.connect();
  EXPECT_EQ(link.read_line(after_first_request_timeout(target)).got, HostileLink::Got::closed);
}

void half_a_line_is_not_a_request(const HostileTarget& target) {
  HostileLink link = target.connect();
  ASSERT_TRUE(link.write(R"({"jsonrpc":"2.0","id":1,"method":"pi)"));
  EXPECT_EQ(link.read_line(after_first_request_timeout(target)).got, HostileLink::Got::closed)
      << "half a line was answered, or the connection kept";
}

void half_a_line_then_vanish(const HostileTarget& target) {
  HostileLink link = target.connect();
  ASSERT_TRUE(link.write(R"({"jsonrpc":"2.0","id":1,"method":"di)"));
  link.close();
}

// After its first request a client may stay quiet (watch does).
void quiet_after_a_request_is_kept(const HostileTarget& target) {
  HostileLink link = target.connect();
  ASSERT_TRUE(link.write(ping_line(1)));
  EXPECT_EQ(answer_of(link), pong(1).exact);
  std::this_thread::sleep_for(target.first_request_timeout + 500ms);
  ASSERT_TRUE(link.write(ping_line(2)));
  EXPECT_EQ(answer_of(link), pong(2).exact);
}

// Batches of status calls (~330 bytes of answer each) and never a read: the service
// gives up once 4 MiB wait for the client, and closes.
void never_reading_client_is_cut_off(const HostileTarget& target) {
  HostileLink link = target.connect();
  json batch = json::array();
  for (int i = 0; i < 100; ++i) batch.push_back({{"jsonrpc", "2.0"}, {"id", i}, {"method", "status"}});
  const std::string line = batch.dump() + "\n";
  std::size_t sent = 0;
  while (sent < target.scale.unread_bytes && link.write(line)) sent += line.size();
  // What was already on its way may still be read; then the connection is closed.
  for (int lines = 0;; ++lines) {
    const auto read = link.read_line();
    if (read.got == HostileLink::Got::closed) break;
    ASSERT_EQ(read.got, HostileLink::Got::line) << "neither an answer nor a close after " << lines << " lines";
    ASSERT_LT(lines, 1000) << "the service kept answering a client that did not read";
  }
}

void connect_and_vanish(const HostileTarget& target) {
  int refused = 0;
  for (int i = 0; i < target.scale.vanishing_clients; ++i) {
    try {
      HostileLink link = target.connect();
      link.close();
    } catch (const client::ClientError&) {
      ++refused;  // every place taken by clients the service has not yet seen leave
    }
  }
  EXPECT_LT(refused, target.scale.vanishing_clients) << "no client could connect at all";
}

void more_than_max_clients(const HostileTarget& target) {
  std::vector<HostileLink> admitted;
  for (int i = 0; i < kMaxClients; ++i) {
    admitted.push_back(target.connect());
    ASSERT_TRUE(admitted.back().write(ping_line(i)));
    ASSERT_EQ(answer_of(admitted.back()), pong(i).exact);
  }
  HostileLink refused = target.connect();
  refused.write(ping_line("extra"));  // may fail: the service closes after its one line
  const auto read = refused.read_line();
  ASSERT_EQ(read.got, HostileLink::Got::line) << "the refused client was not told why";
  EXPECT_EQ(json::parse(read.line),
            error(nullptr, 6, "too many clients (" + std::to_string(kMaxClients) + "); try again later").exact);
  EXPECT_EQ(refused.read_line().got, HostileLink::Got::closed);
  for (int i = 0; i < kMaxClients; ++i) {
    ASSERT_TRUE(admitted[i].write(ping_line(i)));
    EXPECT_EQ(answer_of(admitted[i]), pong(i).exact) << "an admitted client was not served on";
  }
}

// The client is gone; what it asked for is still done, owned by the service: listed to
// another client of the user, and hung up and reaped at stop (the driver checks the
// simulator's ledger after the stop).
void killed_mid_dial(const HostileTarget& target) {
  {
    HostileLink link = target.connect();
    ASSERT_TRUE(link.write(request(1, "dial", {{"entry", "Quick VPN"}, {"wait", "connected"}})));
  }
  HostileLink other = target.connect();
  json list;
  for (int attempt = 0; attempt < 200; ++attempt) {
    ASSERT_TRUE(other.write(request(attempt, "list")));
    list = answer_of(other)["result"]["connections"];
    if (!list.empty() && list[0]["state"] == "connected") break;
    std::this_thread::sleep_for(25ms);
  }
  ASSERT_EQ(list.size(), 1u) << list.dump();
  EXPECT_EQ(list[0]["entry"], "Quick VPN");
  EXPECT_EQ(list[0]["state"], "connected") << list.dump();
}

// A subscriber that vanished is not notified into the void, and stops nothing.
void subscriber_vanishes(const HostileTarget& target) {
  {
    HostileLink link = target.connect();
    ASSERT_TRUE(link.write(request(1, "subscribe")));
    EXPECT_EQ(answer_of(link), result(1, {{"subscribed", true}}).exact);
  }
  HostileLink other = target.connect();
  ASSERT_TRUE(other.write(request(1, "dial", {{"entry", "Quick VPN"}, {"wait", "connected"}})));
  EXPECT_EQ(answer_of(other)["result"]["state"], "connected");
  ASSERT_TRUE(other.write(request(2, "hangup", {{"entry", "Quick VPN"}, {"wait", "gone"}})));
  EXPECT_TRUE(answer_of(other).contains("result"));
}

// A client that sends a whole batch and vanishes before its answer.
void vanishes_before_its_answer(const HostileTarget& target) {
  HostileLink link = target.connect();
  json batch = json::array();
  for (int i = 0; i < 100; ++i) batch.push_back({{"jsonrpc", "2.0"}, {"id", i}, {"method", "entries"}});
  ASSERT_TRUE(link.write(batch.dump() + "\n"));
  link.close();
}

HostileCase scripted(std::string name, std::function<void(const HostileTarget&)> script, std::string scaled = {}) {
  HostileCase c;
  c.klass = "connection";
  c.name = std::move(name);
  c.script = std::move(script);
  c.scaled = std::move(scaled);
  return c;
}

}  // namespace

std::vector<HostileCase> connection_cases() {
  return {
      scripted("silent", silent_client_is_disconnected),
      scripted("half_a_line_then_silent", half_a_line_is_not_a_request),
      scripted("half_a_line_then_vanish", half_a_line_then_vanish),
      scripted("quiet_after_a_request", quiet_after_a_request_is_kept),
      scripted("never_reading", never_reading_client_is_cut_off),
      scripted("connect_and_vanish", connect_and_vanish, "1,000 natively; 200 under sanitizers; 100 under Wine"),
      scripted("more_than_max_clients", more_than_max_clients),
      scripted("killed_mid_dial", killed_mid_dial),
      scripted("subscriber_vanishes", subscriber_vanishes),
      scripted("vanishes_before_its_answer", vanishes_before_its_answer),
  };
}

}  // namespace rasbroker::hostile
