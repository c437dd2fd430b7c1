// Runs the table's cases and builds its entries.
#include <gtest/gtest.h>

#include <thread>

#include "hostile_case.hpp"
#include "rasbroker/protocol/errors.hpp"

namespace rasbroker::hostile {

using nlohmann::json;
using namespace std::chrono_literals;

json hostile_config() {
  return {{"max_clients", kMaxClients},
          {"max_clients_per_user", kMaxClients},
          {"reaper", {{"initial_ms", 50}, {"max_ms", 200}}}};
}

std::string request(const json& id, const std::string& method, const json& params) {
  json r = {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
  if (!params.is_null()) r["params"] = params;
  return r.dump() + "\n";
}

std::string notification(const std::string& method, const json& params) {
  json r = {{"jsonrpc", "2.0"}, {"method", method}};
  if (!params.is_null()) r["params"] = params;
  return r.dump() + "\n";
}

std::string ping_line(const json& id) { return request(id, "ping"); }

Reply result(const json& id, json value) {
  return Reply{json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(value)}}, {}};
}

Reply pong(const json& id) { return result(id, {{"pong", true}}); }

Reply error(const json& id, int code, const std::string& message, json data) {
  json e = {{"code", code}, {"message", message}};
  if (!data.is_null()) e["data"] = std::move(data);
  return Reply{json{{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(e)}}, {}};
}

Reply param_error(const json& id, const std::string& param, const std::string& problem) {
  return error(id, -32602, "invalid params: " + problem, {{"param", param}});
}

Reply params_error(const json& id, const std::string& problem) {
  return error(id, -32602, "invalid params: " + problem);
}

Reply no_such_method(const json& id) {
  return checked([id](const json& j) -> std::string {
    if (j.value("id", json()) != id || !j.contains("error")) return "not an error for id " + id.dump();
    if (j["error"].value("code", 0) != -32601) return "not -32601";
    const std::string message = j["error"].value("message", "");
    if (message.find("does not exist") == std::string::npos) return "the message does not say the method does not exist";
    if (message.size() >= 300) return "the message is " + std::to_string(message.size()) + " bytes long";
    return {};
  });
}

Reply checked(std::function<std::string(const json&)> check) { return Reply{nullptr, std::move(check)}; }

HostileCase sends(std::string klass, std::string name, std::vector<std::string> writes, std::vector<Reply> replies) {
  HostileCase c;
  c.klass = std::move(klass);
  c.name = std::move(name);
  c.writes = std::move(writes);
  c.replies = std::move(replies);
  return c;
}

std::string hostile_case_name(const HostileCase& c) { return c.klass + "_" + c.name; }

void PrintTo(const HostileCase& c, std::ostream* os) {
  *os << hostile_case_name(c);
  if (!c.scaled.empty()) *os << " (" << c.scaled << ")";
}

const std::vector<HostileCase>& all_hostile_cases() {
  static const std::vector<HostileCase> all = [] {
    std::vector<HostileCase> out;
    for (auto part : {byte_and_framing_cases, json_and_envelope_cases, batch_and_notification_cases,
                      parameter_and_name_cases, connection_cases}) {
      for (auto& c : part()) out.push_back(std::move(c));
    }
    return out;
  }();
  return all;
}

namespace {

// The answer in `read` is `want`.
void expect_reply(const HostileLink::Read& read, const Reply& want, std::size_t index) {
  ASSERT_EQ(read.got, HostileLink::Got::line) << "answer " << index << ": "
                                              << (read.got == HostileLink::Got::closed ? "closed" : "none in time");
  json got;
  try {
    got = json::parse(read.line);
  } catch (const json::exception&) {
    FAIL() << "answer " << index << " is not JSON: " << read.line.substr(0, 300);
  }
  if (want.check) {
    const std::string problem = want.check(got);
    EXPECT_EQ(problem, "") << "answer " << index << ": " << read.line.substr(0, 1000);
  } else {
    EXPECT_EQ(got, want.exact) << "answer " << index;
  }
}

// A fresh client is served (a place may take a moment to be freed after a client
// vanished: a `busy` answer is retried, a bounded number of times).
void expect_another_client_served(const HostileTarget& target) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    HostileLink link = target.connect();
    ASSERT_TRUE(link.write(ping_line("another")));
    const auto read = link.read_line();
    ASSERT_EQ(read.got, HostileLink::Got::line) << "another client got no answer";
    const json answer = json::parse(read.line);
    if (answer.contains("error") && answer["error"]["code"] == static_cast<int>(protocol::ErrorCode::busy)) {
      std::this_thread::sleep_for(50ms);
      continue;
    }
    EXPECT_EQ(answer, pong("another").exact);
    return;
  }
  FAIL() << "another client stayed busy";
}

}  // namespace

void run_hostile_case(const HostileCase& c, const HostileTarget& target) {
  if (c.script) {
    c.script(target);
  } else {
    HostileLink link = target.connect();
    for (const auto& bytes : c.writes) ASSERT_TRUE(link.write(bytes)) << "the service closed the connection early";
    for (std::size_t i = 0; i < c.replies.size(); ++i) {
      expect_reply(link.read_line(), c.replies[i], i);
      if (::testing::Test::HasFatalFailure()) return;
    }
    if (c.closes) {
      EXPECT_EQ(link.read_line().got, HostileLink::Got::closed) << "the service did not close the connection";
    } else {
      // Nothing else came before this answer: the replies were all of them.
      ASSERT_TRUE(link.write("\n" + ping_line("end")));
      expect_reply(link.read_line(), pong("end"), c.replies.size());
    }
  }
  if (::testing::Test::HasFatalFailure()) return;
  expect_another_client_served(target);
}

}  // namespace rasbroker::hostile
