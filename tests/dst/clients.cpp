// The simulated clients: each has its own ClientContext and Caller, as a session gives the
// dispatcher, sends random requests through the real Dispatcher (validation, then the
// policy, then the broker), and may disconnect while requests wait, as a session ends: its
// waiting requests are cancelled and its subscription dropped.
#include <algorithm>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>

#include "rasbroker/protocol/methods.hpp"
#include "tests/dst/simulation.hpp"
#include "tests/dst/trace_text.hpp"

namespace rasbroker::dst {

namespace asio = boost::asio;
using nlohmann::json;

namespace {

struct Identity {
  const char* user;
  bool admin;
};
// Two users and the administrators' account: the policy refuses users each other's connections.
constexpr Identity kIdentities[] = {{"NT AUTHORITY\\SYSTEM", true}, {"CORP\\alice", false}, {"CORP\\bob", false}};

// Requests that validation or the method table refuse.
json malformed_call(Rng& rng, std::string& method) {
  switch (rng.below(6)) {
    case 0: method = "dial"; return {{"entry", 42}};
    case 1: method = "hangup"; return json::object();
    case 2: method = "frobnicate"; return json::object();
    case 3: method = "connection_changed"; return json::object();
    case 4: method = "list"; return {{"verbose", true}};
    default: method = "dial"; return {{"entry", "Office VPN"}, {"owner", {{"pid", 1}, {"user", "CORP\\alice"}}}};
  }
}

}  // namespace

void Simulation::connect_client() {
  if (clients_.size() >= 8) return;
  Client c;
  c.id = next_client_++;
  c.generation = generation_;
  const auto& who = kIdentities[rng_.below(std::size(kIdentities))];
  c.context = std::make_shared<ipc::ClientContext>();
  c.context->caller = authz::Caller{.owner = {10'000 + c.id, who.user}, .admin = who.admin, .member_of = {}};
  c.context->send_notification = [this, id = c.id](json message) { on_notification(id, message); };
  trace("client " + std::to_string(c.id) + " connects as " + who.user);
  clients_.emplace(c.id, std::move(c));
}

void Simulation::disconnect_client(int id) {
  auto it = clients_.find(id);
  if (it == clients_.end()) return;
  Client& c = it->second;
  trace("client " + std::to_string(id) + " disconnects with " + std::to_string(c.pending.size()) +
        " request(s) waiting");
  // As a session ending: its subscription goes, its waiting requests are cancelled. The
  // context itself lives on in each waiting request's handler, as in the session.
  c.context->subscription.reset();
  auto pending = std::move(c.pending);
  clients_.erase(it);
  for (auto& r : pending) r->cancel.emit(asio::cancellation_type::terminal);
}

std::string Simulation::random_entry_name() {
  const auto& entries = ras_->scenario().entries;
  if (rng_.chance(10)) return "Nowhere VPN";
  std::string name = entries[rng_.below(entries.size())].name;
  if (rng_.chance(20)) std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return name;
}

std::string Simulation::random_id() {
  if (known_ids_.empty() || rng_.chance(10)) return "c" + std::to_string(rng_.between(1, 99));
  return known_ids_[rng_.below(known_ids_.size())];
}

json Simulation::random_params(const std::string& method) {
  json p = json::object();
  if (method == "dial") {
    p["entry"] = random_entry_name();
    if (rng_.chance(50)) p["wait"] = rng_.chance(50) ? "connected" : "accepted";
    if (rng_.chance(20)) p["timeout_ms"] = rng_.between(1'000, 120'000);
    if (rng_.chance(10)) p["redial"] = {{"attempts", rng_.between(1, 3)}, {"backoff_ms", rng_.between(100, 5'000)}};
    if (rng_.chance(10)) {
      p["username"] = "alice";
      p["password"] = "s3cret";
    }
  } else if (method == "hangup") {
    const auto which = rng_.below(3);
    if (which == 0) p["id"] = random_id();
    else if (which == 1) p["entry"] = random_entry_name();
    else p["all"] = true;
    if (rng_.chance(40)) {
      p["wait"] = "gone";
      if (rng_.chance(50)) p["timeout_ms"] = rng_.between(1'000, 60'000);
    }
  } else if (method == "get") {
    if (rng_.chance(50)) p["id"] = random_id();
    else p["entry"] = random_entry_name();
  }
  return p;
}

void Simulation::send_request(Client& c, std::string method) {
  json params;
  if (method.empty()) {
    const unsigned dial = quiet_ ? 0 : 10, hangup = quiet_ ? 0 : 8;
    auto pick = rng_.below(dial + hangup + 5 + 4 + 4 + 1 + 1 + 1);
    if (pick < dial) method = "dial";
    else if ((pick -= dial) < hangup) method = "hangup";
    else if ((pick -= hangup) < 5) method = "get";
    else if ((pick -= 5) < 4) method = "list";
    else if ((pick -= 4) < 4) method = "subscribe";
    else if ((pick -= 4) < 1) method = "status";
    else if ((pick -= 1) < 1) method = "entries";
    else params = malformed_call(rng_, method);
  }
  if (params.is_null()) params = random_params(method);
  auto r = std::make_shared<Request>();
  r->id = next_request_++;
  r->client = c.id;
  r->method = method;
  c.pending.push_back(r);
  ++outcome_.requests;
  json shown = params;
  if (shown.contains("password")) shown["password"] = "***";
  trace("client " + std::to_string(c.id) + " asks #" + std::to_string(r->id) + " " + method + " " + shown.dump());
  asio::co_spawn(*process_.io, process_.dispatcher->handle(protocol::Call{r->id, false, method, std::move(params)}, *c.context),
                 asio::bind_cancellation_slot(r->cancel.slot(), [this, r, context = c.context](std::exception_ptr e, std::optional<ipc::Response> answer) {
                   on_answer(r, e, answer ? std::optional<json>(ipc::to_json(*answer)) : std::nullopt);
                 }));
}

void Simulation::on_answer(const std::shared_ptr<Request>& r, std::exception_ptr e, std::optional<json> answer) {
  const std::string which = "request #" + std::to_string(r->id) + " (" + r->method + ") of client " + std::to_string(r->client);
  if (++r->answers > 1) return fail(which + " was answered twice");
  auto it = clients_.find(r->client);
  const bool connected = it != clients_.end();
  if (connected) std::erase(it->second.pending, r);
  if (e) {
    std::string what = "?";
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      what = ex.what();
    }
    trace(which + " ended with an exception: " + what);
    if (connected) fail(which + " ended with an exception instead of an answer: " + what);
    return;
  }
  if (!answer) {
    // Only a request its client abandoned by disconnecting goes unanswered.
    if (connected) return fail(which + " got no answer, though it has an id");
    return trace("  #" + std::to_string(r->id) + " abandoned: its client disconnected");
  }
  const json& a = *answer;
  if (a.value("id", json()) != json(r->id)) return fail(which + " was answered with another request's id: " + a.dump());
  if (a.contains("error")) {
    trace("  #" + std::to_string(r->id) + (connected ? "" : " (client gone, answer dropped)") + " -> error " +
          std::to_string(a["error"].value("code", 0)) + " " + a["error"].value("message", std::string()));
    if (a["error"].value("code", 0) == static_cast<int>(protocol::ErrorCode::internal_error))
      fail(which + " was answered with an internal error");
    return;
  }
  json result = without_times(a.value("result", json()));
  if (r->method == "status") result.erase("pid");  // the test process's, not the seed's
  std::string shown = result.dump();
  if (result.contains("id")) shown = describe_connection(result);
  trace("  #" + std::to_string(r->id) + (connected ? "" : " (client gone, answer dropped)") + " -> " + shown);
  if (r->method == "subscribe" && connected && !it->second.first_event) it->second.first_event = events_.size();
}

void Simulation::on_notification(int client, const json& message) {
  auto it = clients_.find(client);
  if (it == clients_.end()) return fail("client " + std::to_string(client) + " got a notification after it disconnected");
  Client& c = it->second;
  if (!c.first_event) c.first_event = events_.size() - 1 - c.notifications;
  const std::size_t expected = *c.first_event + c.notifications;
  if (expected >= events_.size() || events_[expected] != message)
    return fail("client " + std::to_string(client) + "'s notification " + std::to_string(c.notifications) +
                " is not the broker's change " + std::to_string(expected) + ": " + without_times(message).dump());
  ++c.notifications;
}

void Simulation::on_event(const protocol::Connection& c) {
  const json message = protocol::make_connection_changed(c);
  events_.push_back(message);
  trace("  change " + describe_connection(without_times(message["params"]["connection"])));
  auto it = last_state_.find(c.id);
  if (it != last_state_.end()) {
    if (it->second == protocol::ConnectionState::gone)
      return fail(c.id + " changed after it was gone (to " + std::string(protocol::to_string(c.state)) + ")");
    if (c.state < it->second)
      return fail(c.id + " went back from " + std::string(protocol::to_string(it->second)) + " to " +
                  std::string(protocol::to_string(c.state)));
  }
  last_state_[c.id] = c.state;
  if (std::find(known_ids_.begin(), known_ids_.end(), c.id) == known_ids_.end()) {
    known_ids_.push_back(c.id);
    if (known_ids_.size() > 16) known_ids_.pop_front();
  }
}

}  // namespace rasbroker::dst
