// Batches, and notifications of every method (executed, never answered).
#include "hostile_case.hpp"

namespace rasbroker::hostile {

using nlohmann::json;

namespace {

json ping_call(const json& id) { return {{"jsonrpc", "2.0"}, {"id", id}, {"method", "ping"}}; }

// A batch line of `n` copies of `element`, the ids (when `element` has one) 1..n.
std::string batch_of(std::size_t n, json element) {
  json batch = json::array();
  for (std::size_t i = 1; i <= n; ++i) {
    if (element.contains("id")) element["id"] = i;
    batch.push_back(element);
  }
  return batch.dump() + "\n";
}

Reply refused_batch(std::size_t calls) {
  return error(nullptr, -32600,
               "Invalid Request: a batch holds at most 100 calls; this one holds " + std::to_string(calls) +
                   ", and none of them was run");
}

Reply no_connections(const json& id) { return result(id, {{"connections", json::array()}}); }

// The list shows exactly one connection, to `entry`.
Reply lists_one_connection(const json& id, const std::string& entry) {
  return checked([id, entry](const json& j) -> std::string {
    if (j.value("id", json()) != id || !j.contains("result")) return "not a result for id " + id.dump();
    const auto& list = j["result"]["connections"];
    if (list.size() != 1) return std::to_string(list.size()) + " connections listed";
    if (list[0].value("entry", "") != entry) return "the connection is not to " + entry;
    return {};
  });
}

}  // namespace

std::vector<HostileCase> batch_and_notification_cases() {
  std::vector<HostileCase> t;
  auto add = [&t](std::string klass, std::string name, std::vector<std::string> writes, std::vector<Reply> replies) {
    t.push_back(sends(std::move(klass), std::move(name), std::move(writes), std::move(replies)));
  };
  const json a_notification = {{"jsonrpc", "2.0"}, {"method", "ping"}};
  // ---- batches ----
  add("batch", "empty", {"[]\n"}, {error(nullptr, -32600, "Invalid Request: empty batch")});
  add("batch", "one_call", {json::array({ping_call(1)}).dump() + "\n"}, {checked([](const json& j) -> std::string {
        return j == json::array({pong(1).exact}) ? "" : "not [pong 1]";
      })});
  add("batch", "nested", {"[[" + ping_call(1).dump() + "]]\n"},
      {checked([](const json& j) -> std::string {
        return j == json::array({error(nullptr, -32600, "Invalid Request: expected a JSON object").exact})
                   ? ""
                   : "not one invalid-request error";
      })});
  add("batch", "mixed",
      {json::array({ping_call(1), 1, a_notification,
                    {{"jsonrpc", "2.0"}, {"id", 3}, {"method", "ping"}, {"params", {{"x", 1}}}},
                    {{"id", 4}, {"method", "ping"}}})
               .dump() +
       "\n"},
      {checked([](const json& j) -> std::string {
        const json want = json::array({pong(1).exact,
                                       error(nullptr, -32600, "Invalid Request: expected a JSON object").exact,
                                       param_error(3, "x", R"(unknown parameter "x")").exact,
                                       error(4, -32600, R"(Invalid Request: "jsonrpc" must be "2.0")").exact});
        return j == want ? "" : "expected " + want.dump();
      })});
  add("batch", "only_notifications_get_no_answer", {batch_of(3, a_notification)}, {});
  add("batch", "duplicate_ids_are_both_answered", {json::array({ping_call(1), ping_call(1)}).dump() + "\n"},
      {checked([](const json& j) -> std::string {
        return j == json::array({pong(1).exact, pong(1).exact}) ? "" : "not two pongs for id 1";
      })});
  add("batch", "exactly_the_maximum", {batch_of(100, ping_call(0))}, {checked([](const json& j) -> std::string {
        if (!j.is_array() || j.size() != 100) return "not an array of 100 answers";
        for (std::size_t i = 0; i < 100; ++i)
          if (j[i] != pong(i + 1).exact) return "answer " + std::to_string(i) + " is not pong " + std::to_string(i + 1);
        return {};
      })});
  add("batch", "one_over_the_maximum", {batch_of(101, ping_call(0))}, {refused_batch(101)});
  add("batch", "over_the_maximum_runs_none",
      {batch_of(101, {{"jsonrpc", "2.0"}, {"id", 0}, {"method", "dial"}, {"params", {{"entry", "Quick VPN"}}}}),
       request(2, "list")},
      {refused_batch(101), no_connections(2)});
  {
    std::string ones = "[1";
    for (int i = 1; i < 30000; ++i) ones += ",1";
    add("batch", "thirty_thousand_elements", {ones + "]\n"}, {refused_batch(30000)});
  }
  add("batch", "maximum_of_invalid_elements", {batch_of(100, 1)}, {checked([](const json& j) -> std::string {
        const json each = error(nullptr, -32600, "Invalid Request: expected a JSON object").exact;
        if (!j.is_array() || j.size() != 100) return "not an array of 100 answers";
        for (const auto& e : j)
          if (e != each) return "an answer is not the invalid-request error";
        return {};
      })});
  // ---- notifications of every method ----
  for (const std::string method : {"ping", "status", "list", "entries", "subscribe"})
    add("notification", method, {notification(method)}, {});
  add("notification", "get_of_nothing", {notification("get", {{"entry", "Quick VPN"}})}, {});
  add("notification", "hangup_all", {notification("hangup", {{"all", true}})}, {});
  add("notification", "dial_is_carried_out", {notification("dial", {{"entry", "Quick VPN"}}), request(2, "list")},
      {lists_one_connection(2, "Quick VPN")});
  add("notification", "unknown_method", {notification("nope")}, {});
  add("notification", "invalid_params", {notification("ping", {{"x", 1}})}, {});
  return t;
}

}  // namespace rasbroker::hostile
