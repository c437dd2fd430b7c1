#include "load_clients.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <latch>
#include <limits>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "app_test_support.hpp"
#include "rasbroker/protocol/log_text.hpp"
#include "simulator/scenario.hpp"

namespace rasbroker::app::test {

namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr std::array<const char*, 6> kMix = {"ping", "list", "get", "status", "entries", "subscribe"};
constexpr std::size_t kMaxFailures = 40;  // the first ones tell the story; the rest would flood the output
// How long a client waits for its next answer before calling it a hang. Generous: under
// TSan on a loaded 2-core machine the service answers ~60 requests a second, and the
// clients that connect last wait their turn at accept behind the busy ones.
constexpr auto kAnswerPatience = 60s;

std::string entry_of(int dialer) { return "Load " + std::to_string(dialer + 1); }

int factor_from_environment() {
  const char* text = std::getenv("RASBROKER_LOAD_FACTOR");
  const int f = text ? std::atoi(text) : 1;
  return f > 0 ? f : 1;
}

class Failures {
 public:
  void add(const std::string& what) {
    std::lock_guard lock(m_);
    if (list_.size() < kMaxFailures) list_.push_back(what);
  }
  std::vector<std::string> take() {
    std::lock_guard lock(m_);
    return std::move(list_);
  }

 private:
  std::mutex m_;
  std::vector<std::string> list_;
};

// What every thread of one run shares.
struct Run {
  Run(const LoadCounts& c, const std::string& e) : counts(c), endpoint(e), subscribed(c.clients / 2) {}
  const LoadCounts& counts;
  const std::string& endpoint;
  Failures failures;
  std::latch subscribed;                // the subscribers throughout have their answer: dial
  std::atomic<bool> dialing_over{false};  // the dialers and the cleanup are done
  std::atomic<std::size_t> dial_connects{0};
  std::mutex ids_mutex;
  std::vector<std::string> dialed_ids;  // connection ids the dialers were given
};

std::string quoted(const std::string& text) { return protocol::quoted(text, 300); }

// One request of a client, as its answer must name it.
struct Call {
  json id;
  std::string method;
};

// One line the client waits for: a single answer or a batch's array.
struct Pending {
  bool batch = false;
  std::vector<Call> calls;
};

class RequestClient {
 public:
  RequestClient(Run& run, int index)
      : run_(run), index_(index), throughout_(index < run.counts.clients / 2), late_(!throughout_ && index % 2 == 1) {}

  void operator()() {
    bool counted_down = !throughout_;
    try {
      LineClient client(run_.endpoint);
      if (throughout_) {
        send(client, {false, {{json("subscribe-" + std::to_string(index_)), "subscribe"}}});
        while (!pending_.empty()) read_one(client, kAnswerPatience);
        run_.subscribed.count_down();
        counted_down = true;
      }
      int sent = 0;
      const int total = run_.counts.requests_per_client;
      while (sent < total || !pending_.empty()) {
        while (sent < total && in_flight_ < run_.counts.pipeline) sent += send_next(client, sent);
        read_one(client, kAnswerPatience);
      }
      // Until the last connection is gone, reading what comes (the outbox stays small).
      while (!run_.dialing_over) read_one(client, 100ms);
      // Every notification published before this ping is in front of its answer.
      send(client, {false, {{json("final"), "ping"}}});
      while (!pending_.empty()) read_one(client, kAnswerPatience);
    } catch (const std::exception& e) {
      fail(e.what());
    }
    if (!counted_down) run_.subscribed.count_down();
  }

  bool throughout() const { return throughout_; }
  bool subscribed_late() const { return late_subscribed_; }
  const std::vector<json>& notifications() const { return notifications_; }
  std::size_t answers() const { return answers_; }
  int index() const { return index_; }

 private:
  // An id of another type for each request: integers (negative, beyond 2^53, unsigned
  // 64-bit), strings with escapes and non-ASCII text, null.
  json id_for(int i) const {
    switch (i % 6) {
      case 0: return i;
      case 1: return "c" + std::to_string(index_) + "-r" + std::to_string(i);
      case 2: return -1 - i;
      case 3: return std::numeric_limits<std::int64_t>::max() - i;
      case 4: return "\xC3\xBC \"q\" \\ \n\t" + std::to_string(i);
      default: return i % 12 == 5 ? json(std::numeric_limits<std::uint64_t>::max() - i) : json(nullptr);
    }
  }

  // The mix turns `subscribe` into `ping` for clients that never subscribe; a late
  // subscriber subscribes (again and again: harmless) only in its second half.
  std::string method_for(int i) const {
    std::string m = kMix[static_cast<std::size_t>(i + index_) % kMix.size()];
    if (m == "subscribe" && !throughout_ && !(late_ && i >= run_.counts.requests_per_client / 2)) return "ping";
    return m;
  }

  json request(const Call& call, int i) const {
    json r = {{"jsonrpc", "2.0"}, {"id", call.id}, {"method", call.method}};
    if (call.method == "get") r["params"] = {{"entry", entry_of(i % run_.counts.dialers)}};
    else if (call.method == "entries") r["params"] = json::object();
    else if (call.method == "list" && i % 2 == 0) r["params"] = json::array();
    return r;
  }

  // Request i, or a batch of three from i (every tenth send): how many were sent.
  int send_next(LineClient& client, int i) {
    const int n = (i % 10 == 9 && i + 3 <= run_.counts.requests_per_client) ? 3 : 1;
    Pending p{n > 1, {}};
    for (int k = 0; k < n; ++k) p.calls.push_back({id_for(i + k), method_for(i + k)});
    if (!late_subscribed_ && late_)
      late_subscribed_ = std::any_of(p.calls.begin(), p.calls.end(), [](auto& c) { return c.method == "subscribe"; });
    send(client, std::move(p), i);
    return n;
  }

  void send(LineClient& client, Pending p, int first = 0) {
    json line = json::array();
    for (std::size_t k = 0; k < p.calls.size(); ++k) line.push_back(request(p.calls[k], first + static_cast<int>(k)));
    client.send((p.batch ? line : line[0]).dump() + "\n");
    in_flight_ += static_cast<int>(p.calls.size());
    pending_.push_back(std::move(p));
  }

  // One line: a notification, or the answer the oldest pending request must get.
  void read_one(LineClient& client, std::chrono::milliseconds timeout) {
    const auto line = client.read_line(timeout);
    if (!line) {
      if (pending_.empty()) return;  // only waiting for the dialers
      throw std::runtime_error("no answer within " + std::to_string(timeout.count()) + " ms (" +
                               std::to_string(in_flight_) + " requests in flight)");
    }
    json message;
    try {
      message = json::parse(*line);
    } catch (const std::exception&) {
      throw std::runtime_error("a line that is not JSON: " + quoted(*line));
    }
    if (message.is_object() && message.contains("method")) {
      if (message["method"] != "connection.changed" || message.contains("id") ||
          !message["params"]["connection"].is_object())
        fail("not a connection.changed notification: " + quoted(*line));
      else notifications_.push_back(message["params"]["connection"]);
      return;
    }
    if (pending_.empty()) return fail("an answer no request waits for: " + quoted(*line));
    Pending p = std::move(pending_.front());
    pending_.pop_front();
    in_flight_ -= static_cast<int>(p.calls.size());
    if (!p.batch) return check(message, p.calls[0], *line);
    if (!message.is_array() || message.size() != p.calls.size())
      return fail("a batch of " + std::to_string(p.calls.size()) + " answered with " + quoted(*line));
    for (std::size_t k = 0; k < p.calls.size(); ++k) check(message[k], p.calls[k], *line);
  }

  // The answer names its request's id and has the shape its method promises.
  void check(const json& answer, const Call& call, const std::string& line) {
    ++answers_;
    const auto wrong = [&](const std::string& what) {
      fail(what + " for " + call.method + " id " + quoted(call.id.dump()) + ": " + quoted(line));
    };
    if (!answer.is_object() || answer.value("jsonrpc", "") != "2.0" || !answer.contains("id"))
      return wrong("not a JSON-RPC answer");
    if (answer["id"] != call.id) return wrong("the answer of another request (id " + answer["id"].dump() + ")");
    if (answer.contains("error")) {
      if (call.method == "get" && answer["error"]["code"] == 1) return;  // no connection of that entry right now
      return wrong("an error");
    }
    const json& r = answer.value("result", json());
    bool ok = false;
    if (call.method == "ping") ok = r == json{{"pong", true}};
    else if (call.method == "subscribe") ok = r == json{{"subscribed", true}};
    else if (call.method == "status") ok = r["connections"]["total"].is_number_integer();
    else if (call.method == "get") ok = r["entry"].is_string() && r["state"] != "gone";
    else if (call.method == "entries")
      ok = r["entries"].is_array() && r["entries"].size() >= static_cast<std::size_t>(run_.counts.dialers);
    else if (call.method == "list") {
      ok = r["connections"].is_array() &&
           std::all_of(r["connections"].begin(), r["connections"].end(),
                       [](const json& c) { return c["state"] != "gone"; });
    }
    if (!ok) wrong("an unexpected result");
  }

  void fail(const std::string& what) { run_.failures.add("client " + std::to_string(index_) + ": " + what); }

  Run& run_;
  const int index_;
  const bool throughout_;  // subscribes before any dial
  const bool late_;        // subscribes in its second half
  bool late_subscribed_ = false;
  std::deque<Pending> pending_;
  int in_flight_ = 0;
  std::size_t answers_ = 0;
  std::vector<json> notifications_;
};

// Rounds of: dial (wait connected) and hang up (wait gone); dial (wait accepted) and hang
// up at once, mid-dial; subscribe, send a dial and vanish without reading (the connection
// belongs to the broker: the next round's dial of the entry finds it). A fresh client each
// round.
void dialer(Run& run, int d) {
  const std::string entry = entry_of(d);
  const auto fail = [&](const std::string& what) { run.failures.add("dialer " + std::to_string(d) + ": " + what); };
  try {
    run.subscribed.wait();
    for (int round = 0; round < run.counts.dial_rounds; ++round) {
      LineClient client(run.endpoint);
      ++run.dial_connects;
      if (round % 3 == 2) {
        // Subscribed too: its subscription ends while changes are being published.
        client.send(json{{"jsonrpc", "2.0"}, {"id", "s"}, {"method", "subscribe"}}.dump() + "\n" +
                    json{{"jsonrpc", "2.0"}, {"id", round}, {"method", "dial"},
                         {"params", {{"entry", entry}, {"wait", "connected"}}}}.dump() + "\n");
        continue;  // gone before the answers
      }
      const bool accepted = round % 3 == 1;
      const auto dial =
          client.call("dial", {{"entry", entry}, {"wait", accepted ? "accepted" : "connected"}, {"timeout_ms", 20000}});
      const std::string state = dial["result"].value("state", "");
      if (!(state == "connected" || (accepted && state == "dialing"))) {
        fail("dial answered " + quoted(dial.dump()));
        continue;
      }
      const std::string id = dial["result"]["id"];
      {
        std::lock_guard lock(run.ids_mutex);
        run.dialed_ids.push_back(id);
      }
      const auto hangup = client.call("hangup", {{"id", id}, {"wait", "gone"}, {"timeout_ms", 20000}});
      const json& gone = hangup["result"]["connections"];
      if (!gone.is_array() || gone.size() != 1 || gone[0]["id"] != id || gone[0]["state"] != "gone")
        fail("hangup answered " + quoted(hangup.dump()));
    }
  } catch (const std::exception& e) {
    fail(e.what());
  }
}

// What the vanished dialers left is hung up; then nothing is left.
void clean_up(Run& run) {
  try {
    LineClient client(run.endpoint);
    const auto all = client.call("hangup", {{"all", true}, {"wait", "gone"}, {"timeout_ms", 20000}});
    if (!all["result"]["connections"].is_array()) run.failures.add("hangup all answered " + quoted(all.dump()));
    const auto list = client.call("list");
    if (list["result"]["connections"] != json::array())
      run.failures.add("connections left after hangup all: " + quoted(list.dump()));
  } catch (const std::exception& e) {
    run.failures.add(std::string("cleanup: ") + e.what());
  }
}

int rank_of(const json& state) {
  static const std::map<std::string, int> ranks = {{"dialing", 0}, {"connected", 1}, {"hanging_up", 2}, {"gone", 3}};
  const auto it = state.is_string() ? ranks.find(state.get<std::string>()) : ranks.end();
  return it == ranks.end() ? -1 : it->second;
}

// The sequence every subscriber throughout saw: each connection's states follow the
// state machine from dialing to gone, and every connection a dialer was given is there.
void check_sequence(Run& run, const std::vector<json>& seen, std::size_t& connections) {
  std::map<std::string, std::vector<const json*>> by_id;
  for (const auto& c : seen) by_id[c.value("id", "")].push_back(&c);
  connections = by_id.size();
  for (const auto& [id, changes] : by_id) {
    std::string states;
    int last = -1;
    bool legal = rank_of((*changes.front())["state"]) == 0;
    for (std::size_t k = 0; k < changes.size(); ++k) {
      const int rank = rank_of((*changes[k])["state"]);
      states += (k ? " " : "") + (*changes[k])["state"].dump();
      legal = legal && rank >= last && (rank != 3 || k + 1 == changes.size());
      if (k > 0 && *changes[k] == *changes[k - 1]) legal = false;  // a notification without a change
      last = rank;
    }
    if (!legal || last != 3) run.failures.add("connection " + quoted(id) + " went " + states);
  }
  for (const auto& id : run.dialed_ids)
    if (!by_id.contains(id)) run.failures.add("no notification of connection " + quoted(id));
}

void check_subscribers(Run& run, const std::vector<RequestClient>& clients, LoadOutcome& out) {
  const RequestClient* reference = nullptr;
  for (const auto& c : clients) {
    if (!c.throughout()) continue;
    if (!reference) {
      reference = &c;
      continue;
    }
    const auto& a = reference->notifications();
    const auto& b = c.notifications();
    if (a == b) continue;
    const auto at = std::mismatch(a.begin(), a.end(), b.begin(), b.end());
    run.failures.add("subscribers " + std::to_string(reference->index()) + " and " + std::to_string(c.index()) +
                     " saw different sequences (" + std::to_string(a.size()) + " and " + std::to_string(b.size()) +
                     " notifications), first differing at " + std::to_string(at.first - a.begin()));
  }
  if (!reference) return;
  const auto& full = reference->notifications();
  out.notifications = full.size();
  check_sequence(run, full, out.connections);
  for (const auto& c : clients) {
    if (!c.subscribed_late()) continue;
    const auto& late = c.notifications();
    const bool tail = late.size() <= full.size() &&
                      std::equal(late.begin(), late.end(), full.end() - static_cast<std::ptrdiff_t>(late.size()));
    if (!tail)
      run.failures.add("client " + std::to_string(c.index()) + " subscribed late and saw " +
                       std::to_string(late.size()) + " notifications that are not the last ones of the " +
                       std::to_string(full.size()));
  }
}

}  // namespace

LoadCounts load_counts() {
  LoadCounts c;
#if defined(_WIN32)
  // Wine's named pipes: every byte crosses wineserver.
  c.clients = 16;
  c.requests_per_client = 60;
  c.pipeline = 4;
  c.dialers = 2;
  c.dial_rounds = 12;
#elif defined(RASBROKER_LOAD_SANITIZED)
  c.requests_per_client = 48;
  c.dial_rounds = 12;
#endif
  const int f = factor_from_environment();
  c.requests_per_client *= f;
  c.dial_rounds *= f;
  return c;
}

int load_max_clients(const LoadCounts& counts) {
  // A dialer's old sessions end asynchronously (a vanished one only once its dial has
  // connected): it may hold a few places for a moment.
  return counts.clients + 4 * counts.dialers + 2;
}

sim::Scenario load_scenario(const LoadCounts& counts) {
  json entries = json::array();
  for (int d = 0; d < counts.dialers; ++d)
    entries.push_back({{"name", entry_of(d)}, {"connect_ms", 30}, {"teardown_ms", 30}});
  return sim::parse_scenario_text(json{{"entries", entries}}.dump());
}

std::string LoadOutcome::summary() const {
  std::ostringstream s;
  s << counts.clients << " clients x " << counts.requests_per_client << " requests (" << counts.pipeline
    << " in flight), " << counts.dialers << " dialers x " << counts.dial_rounds << " rounds: ";
  s << answers << " answers, " << notifications << " notifications of " << connections
    << " connections to each subscriber, " << dial_connects << " dialer connections, in " << took.count() << " ms";
  return s.str();
}

LoadOutcome run_load(const std::string& endpoint, const LoadCounts& counts) {
  const auto start = std::chrono::steady_clock::now();
  Run run(counts, endpoint);
  std::vector<RequestClient> clients;
  clients.reserve(static_cast<std::size_t>(counts.clients));
  for (int i = 0; i < counts.clients; ++i) clients.emplace_back(run, i);
  std::vector<std::thread> threads;
  for (auto& c : clients) threads.emplace_back(std::ref(c));
  std::vector<std::thread> dialers;
  for (int d = 0; d < counts.dialers; ++d) dialers.emplace_back(dialer, std::ref(run), d);
  for (auto& t : dialers) t.join();
  clean_up(run);
  run.dialing_over = true;
  for (auto& t : threads) t.join();

  LoadOutcome out;
  out.counts = counts;
  check_subscribers(run, clients, out);
  for (const auto& c : clients) out.answers += c.answers();
  out.dial_connects = run.dial_connects;
  out.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  out.failures = run.failures.take();
  return out;
}

}  // namespace rasbroker::app::test
