#include "tests/dst/simulation.hpp"

#include <algorithm>
#include <sstream>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <spdlog/spdlog.h>

#include "rasbroker/protocol/jsonrpc.hpp"
#include "tests/dst/faults.hpp"
#include "tests/dst/trace_text.hpp"

namespace rasbroker::dst {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

constexpr std::size_t kMaxClients = 8;
// Where a seed spends its steps. Quiet stretches (no dials, no RAS events) are where ended
// subscriptions pile up if nothing prunes them.
struct Weights {
  unsigned connect, disconnect, request, ras_event, churn, stop, crash;
};
constexpr Weights kBusy{6, 4, 40, 5, 2, 1, 1};
constexpr Weights kQuiet{6, 4, 30, 0, 8, 0, 0};

broker::BrokerConfig config_for(broker::OnStop on_stop) {
  broker::BrokerConfig c;
  c.reaper_initial = 250ms;
  c.reaper_max = 5s;
  c.teardown_timeout = 30s;
  c.stuck_poll = 5s;
  c.link_poll = 5s;
  // Longer than the slowest teardown a scenario draws (90 s): a clean stop gives up only on
  // teardowns RAS holds (teardown_never), which the final stop lets go.
  c.stop_timeout = 120s;
  c.on_stop = on_stop;
  return c;
}

}  // namespace

RunOutcome run_simulation(const RunOptions& options) {
  Clock::use_virtual_time();
  RunOutcome outcome;
  {
    Simulation world(options);
    outcome = world.run();
  }
  Clock::use_real_time();
  return outcome;
}

Simulation::Simulation(const RunOptions& options) : options_(options), rng_(options.seed) {
  ras_ = std::make_unique<sim::Simulator>(random_scenario(rng_, scenario_lines_),
                                         sim::SimulatorOptions{.mode = sim::Mode::manual});
}

Simulation::~Simulation() {
  events_token_.reset();
  clients_.clear();
}

RunOutcome Simulation::run() {
  start_ = Clock::now();
  end_ = start_ + options_.length;
  trace("seed " + std::to_string(options_.seed));
  for (const auto& line : scenario_lines_) trace(line);
  start_process(rng_.chance(50) ? broker::OnStop::hangup : broker::OnStop::leave);
  while (!failure_ && Clock::now() < end_) step();
  if (!failure_) finish();
  outcome_.seed = options_.seed;
  outcome_.steps = step_;
  outcome_.trace_hash = trace_hash_;
  outcome_.ras_handles = ras_->ledger().size();
  if (failure_) {
    outcome_.ok = false;
    std::ostringstream out;
    out << "seed " << options_.seed << " failed at step " << step_ << " (t=" << trace_time(Clock::now() - start_)
        << "): " << *failure_ << "\nreplay: rasbroker_dst --seed " << options_.seed << " --hours "
        << std::chrono::duration<double, std::ratio<3600>>(options_.length).count() << " --trace\nlast steps:\n";
    for (const auto& line : recent_) out << "  " << line << "\n";
    out << "broker log (last lines):\n";
    for (const auto& line : log_->last_formatted()) out << "  " << line;
    outcome_.failure = out.str();
  }
  return outcome_;
}

void Simulation::start_process(broker::OnStop on_stop) {
  ++generation_;
  events_.clear();
  last_state_.clear();
  known_ids_.clear();
  process_.io = std::make_unique<ProcessIo>();
  process_.on_stop = on_stop;
  auto log = std::make_shared<spdlog::logger>("dst", log_);
  log->set_level(spdlog::level::info);
  broker::JournalSetup journal{store_, {.save_executor = process_.io->get_executor()}};
  process_.broker = broker::Broker::create(process_.io->get_executor(), *ras_, config_for(on_stop), log, {},
                                           admin_events_.admin_events(), std::move(journal));
  process_.dispatcher = std::make_unique<ipc::Dispatcher>(process_.broker, log, admin_events_.admin_events());
  // Before start(): what it restores and adopts is published too.
  events_token_ = process_.broker->subscribe([this](const protocol::Connection& c) { on_event(c); });
  trace("service instance " + std::to_string(generation_) + " starts (on_stop " +
        (on_stop == broker::OnStop::hangup ? "hangup" : "leave") + ")");
  process_.broker->start();
  settle();
}

void Simulation::end_process(bool graceful) {
  std::vector<int> ids;
  for (auto& [id, c] : clients_) ids.push_back(id);
  for (int id : ids) disconnect_client(id);
  if (graceful) settle();  // the cancelled requests end before the process exits
  events_token_.reset();
  dead_processes_.push_back(std::move(process_));
  process_ = Process{};
  // The process exits: RAS releases what it still held of dials in progress, failed dials and
  // dropped links; connected and tearing-down connections carry on (docs/simulator.md, "State").
  ras_->restore(ras_->snapshot());
}

void Simulation::settle() {
  for (int guard = 0; guard < 1'000'000; ++guard) {
    if (process_.io->stopped()) process_.io->restart();
    std::size_t n = process_.io->poll();
    n += ras_->pump();
    if (n == 0) return;
  }
  fail("the system never became quiet (a busy loop in virtual time)");
}

void Simulation::advance(Clock::duration d) {
  // Broker timers fire at most this late: the steps between the simulator's own events.
  constexpr Clock::duration kTick = 100ms;
  const auto end = Clock::now() + d;
  settle();
  while (Clock::now() < end && !failure_) {
    auto next = std::min(end, Clock::now() + kTick);
    if (auto due = ras_->next_event_due(); due && *due > Clock::now() && *due < next) next = *due;
    Clock::advance(next - Clock::now());
    settle();
  }
}

void Simulation::step() {
  ++step_;
  if (Clock::now() >= next_mode_change_) {
    quiet_ = rng_.chance(30);
    next_mode_change_ = Clock::now() + std::chrono::minutes(rng_.between(5, 30));
    trace(quiet_ ? "a quiet stretch begins" : "a busy stretch begins");
  }
  const auto roll = rng_.below(100);
  const auto pause = roll < 90 ? rng_.between(0, 3'000) : roll < 98 ? rng_.between(3'000, 60'000) : rng_.between(60'000, 600'000);
  advance(std::chrono::milliseconds(pause));
  check();
  if (failure_) return;

  const Weights& w = quiet_ ? kQuiet : kBusy;
  auto pick = rng_.below(w.connect + w.disconnect + w.request + w.ras_event + w.churn + w.stop + w.crash);
  auto take = [&pick](unsigned weight) {
    if (pick < weight) return true;
    pick -= weight;
    return false;
  };
  if (take(w.connect)) {
    connect_client();
  } else if (take(w.disconnect)) {
    if (!clients_.empty()) {
      auto it = clients_.begin();
      std::advance(it, static_cast<long>(rng_.below(clients_.size())));
      disconnect_client(it->first);
    }
  } else if (take(w.request)) {
    if (clients_.empty()) connect_client();
    auto it = clients_.begin();
    std::advance(it, static_cast<long>(rng_.below(clients_.size())));
    send_request(it->second);
  } else if (take(w.ras_event)) {
    const auto& e = rng_.pick(ras_events());
    trace("RAS: " + e.fire(*ras_, rng_));
  } else if (take(w.churn)) {
    // A client that connects, subscribes and goes away at once, again and again.
    if (clients_.size() >= kMaxClients) return;
    connect_client();
    auto& c = clients_.rbegin()->second;
    const int id = c.id;
    send_request(c, "subscribe");
    settle();
    disconnect_client(id);
  } else if (take(w.stop)) {
    restart(false, std::nullopt);
  } else {
    restart(true, std::nullopt);
  }
  settle();
  check();
}

void Simulation::restart(bool crash, std::optional<broker::OnStop> next_on_stop) {
  if (crash) {
    trace("the service process dies (crash)");
  } else {
    trace("the service stops");
    bool stopped = false;
    auto b = process_.broker;
    asio::co_spawn(*process_.io, [b]() -> asio::awaitable<void> { co_await b->stop(); },
                   [&stopped](std::exception_ptr) { stopped = true; });
    for (int i = 0; i < 600 && !stopped && !failure_; ++i) advance(1s);
    if (!stopped) fail("stop did not complete within 10 minutes");
    if (failure_) return;
  }
  end_process(!crash);
  ++outcome_.restarts;
  start_process(next_on_stop.value_or(rng_.chance(50) ? broker::OnStop::hangup : broker::OnStop::leave));
}

void Simulation::finish() {
  trace("the run ends: a clean stop");
  if (process_.on_stop != broker::OnStop::hangup) restart(false, broker::OnStop::hangup);
  if (failure_) return;
  advance(1min);
  bool stopped = false;
  auto b = process_.broker;
  asio::co_spawn(*process_.io, [b]() -> asio::awaitable<void> { co_await b->stop(); },
                 [&stopped](std::exception_ptr) { stopped = true; });
  // RAS finally lets go of teardowns it held: a clean stop can then reap every handle.
  for (int i = 0; i < 600 && !stopped && !failure_; ++i) {
    trace("RAS: stuck teardowns end: " + std::to_string(ras_->finish_stuck_teardowns()));
    advance(1s);
  }
  if (!stopped) fail("the final stop did not complete within 10 minutes");
  if (failure_) return;
  check_final();
  if (!failure_) end_process(true);
}

void Simulation::trace(const std::string& line) {
  std::string full = "#" + std::to_string(step_) + " t=" + trace_time(Clock::now() - start_) + " " + line;
  for (unsigned char ch : full) trace_hash_ = (trace_hash_ ^ ch) * 1099511628211ull;  // FNV-1a
  trace_hash_ = (trace_hash_ ^ '\n') * 1099511628211ull;
  if (options_.trace) *options_.trace << full << "\n";
  recent_.push_back(std::move(full));
  if (recent_.size() > 60) recent_.pop_front();
}

void Simulation::fail(const std::string& why) {
  if (failure_) return;
  failure_ = why;
  trace("INVARIANT VIOLATED: " + why);
}

}  // namespace rasbroker::dst
