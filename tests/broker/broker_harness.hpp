#pragma once
// Drives a Broker and a manual-mode Simulator in virtual time: everything runs on
// this thread, time moves only when the test says so, and no test ever sleeps.
#include <chrono>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include "broker/broker.hpp"
#include "core/clock.hpp"
#include "simulator/scenario.hpp"
#include "simulator/simulator.hpp"
#include "tests/events/recorded_events.hpp"
#include "tests/ras/forwarding_ras.hpp"
#include "rasbroker/protocol/errors.hpp"

namespace rasbroker::testing {

using namespace std::chrono_literals;
using protocol::Connection;
using protocol::ConnectionState;

// The result of a request coroutine, filled in when it completes.
template <class T>
struct Pending {
  bool done = false;
  std::optional<T> value;
  std::exception_ptr error;

  // The RpcError the request failed with (fails the test if it did not fail so).
  protocol::RpcError rpc_error() const {
    EXPECT_TRUE(done && error) << "request did not fail";
    try {
      if (error) std::rethrow_exception(error);
    } catch (const protocol::RpcError& e) {
      return e;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "unexpected exception: " << e.what();
    }
    return protocol::RpcError(protocol::ErrorCode::internal_error, "no error");
  }
};

// One entry that connects in 0.8 s and tears down in 1.5 s.
inline const nlohmann::json kOfficeVpn = {
    {"entries", {{{"name", "Office VPN"}, {"connect_ms", 800}, {"teardown_ms", 1500}}}}};

// A test's RAS around sim_: forwards every call; a test overrides what it changes.
using ras::test::ForwardingRas;

class BrokerHarness : public ::testing::Test {
 protected:
  void SetUp() override { Clock::use_virtual_time(); }
  void TearDown() override { Clock::use_real_time(); }

  static broker::BrokerConfig fast_config() {
    broker::BrokerConfig c;
    c.reaper_initial = 50ms;
    c.reaper_max = 400ms;
    c.teardown_timeout = 5s;
    c.stuck_poll = 1s;
    c.link_poll = 1s;
    c.stop_timeout = 30s;
    return c;
  }

  void make(const nlohmann::json& scenario, broker::BrokerConfig config = fast_config()) {
    make_sim(scenario);
    broker_ = make_broker(config);
  }
  void make_sim(const nlohmann::json& scenario) {
    sim_ = std::make_unique<sim::Simulator>(sim::parse_scenario(scenario), sim::SimulatorOptions{.mode = sim::Mode::manual});
  }

  // The broker talks to `ras` when given (a test's wrapper around sim_), else to sim_.
  std::shared_ptr<broker::Broker> make_broker(broker::BrokerConfig config, ras::RasApi* ras = nullptr) {
    auto log = std::make_shared<spdlog::logger>("test", log_);
    log->set_level(spdlog::level::debug);
    auto trust = [this](const std::string& path) -> std::optional<std::string> {
      trust_asked_.push_back(path);
      auto it = untrusted_files_.find(path);
      if (it == untrusted_files_.end()) return std::nullopt;
      return it->second;
    };
    // Saves run on the broker's own executor, so that they happen in virtual time.
    broker::JournalSetup journal{journal_store_, {.save_executor = io_->get_executor()}};
    auto b = broker::Broker::create(io_->get_executor(), ras ? *ras : *sim_, std::move(config), log, trust,
                                    admin_events_.admin_events(), std::move(journal));
    b->start();
    settle();
    events_token_ = b->subscribe([this](const Connection& c) { events_.push_back(c); });
    return b;
  }

  // Runs every handler and simulator event that is due now, until nothing moves.
  void settle() {
    for (int guard = 0; guard < 100000; ++guard) {
      if (io_->stopped()) io_->restart();
      std::size_t n = io_->poll();
      n += sim_->pump();
      if (n == 0) return;
    }
    FAIL() << "settle(): the system never became quiet";
  }

  // Lets `d` of virtual time pass in small steps, running everything due on the way.
  void run_for(Clock::duration d, Clock::duration step = 10ms) {
    const auto end = Clock::now() + d;
    settle();
    while (Clock::now() < end) {
      Clock::advance(std::min<Clock::duration>(step, end - Clock::now()));
      settle();
    }
  }

  // Runs until `done()` holds or `limit` of virtual time passed; returns done().
  template <class Pred>
  bool run_until(Pred done, Clock::duration limit = 120s, Clock::duration step = 10ms) {
    const auto end = Clock::now() + limit;
    settle();
    while (!done() && Clock::now() < end) {
      Clock::advance(step);
      settle();
    }
    return done();
  }

  template <class T>
  std::shared_ptr<Pending<T>> spawn(boost::asio::awaitable<T> work) {
    auto p = std::make_shared<Pending<T>>();
    boost::asio::co_spawn(*io_, std::move(work), [p](std::exception_ptr e, T v) {
      p->done = true;
      if (e) p->error = e;
      else p->value = std::move(v);
    });
    settle();
    return p;
  }
  std::shared_ptr<Pending<bool>> spawn_stop() {
    auto b = broker_;
    return spawn([b]() -> boost::asio::awaitable<bool> {
      co_await b->stop();
      co_return true;
    }());
  }

  static protocol::DialParams dial_params(std::string entry, protocol::DialWait wait = protocol::DialWait::accepted) {
    protocol::DialParams p;
    p.entry = std::move(entry);
    p.wait = wait;
    return p;
  }
  static protocol::HangupParams hangup_entry(std::string entry, protocol::HangupWait wait = protocol::HangupWait::issued) {
    protocol::HangupParams p;
    p.target.entry = std::move(entry);
    p.wait = wait;
    return p;
  }
  static protocol::Owner owner() { return {4242, "alice"}; }

  std::shared_ptr<Pending<Connection>> dial(std::string entry, protocol::DialWait wait = protocol::DialWait::accepted) {
    return spawn(broker_->dial(dial_params(std::move(entry), wait), owner()));
  }
  std::shared_ptr<Pending<std::vector<Connection>>> hangup(protocol::HangupParams p) {
    return spawn(broker_->hangup(std::move(p), owner()));
  }

  std::optional<Connection> find(const std::string& entry) {
    for (auto& c : broker_->list())
      if (c.entry == entry) return c;
    return std::nullopt;
  }
  // Runs until `entry` is connected again under an id other than `previous` (a redial).
  bool run_until_redialled(const std::string& entry, const std::string& previous) {
    return run_until([&] {
      auto c = find(entry);
      return c && c->id != previous && c->state == ConnectionState::connected;
    }, 30s);
  }
  // How many of the lines the broker logged (the last 1024) contain `text`.
  std::size_t logged(std::string_view text) const {
    std::size_t n = 0;
    for (const auto& line : log_->last_formatted())
      if (line.find(text) != std::string::npos) ++n;
    return n;
  }
  // All of it, for a failure message.
  std::string log_text() const {
    std::string all;
    for (const auto& line : log_->last_formatted()) all += line;
    return all;
  }
  bool saw_event(const std::string& id, ConnectionState state) const {
    for (auto& e : events_)
      if (e.id == id && e.state == state) return true;
    return false;
  }

  // The service process dies (kill -9): nothing of it runs again — its io_context is kept
  // but never run, with the broker, its coroutines and the progress callbacks RAS still
  // holds posting into it — while RAS (the simulator) carries on. A new process starts
  // with a fresh io_context; make_broker() then is the restarted service.
  void crash() {
    events_token_.reset();
    broker_.reset();
    dead_processes_.push_back(std::move(io_));
    io_ = std::make_unique<boost::asio::io_context>();
  }

  // Stops the broker (hang-up mode), lets the reaper finish and checks the
  // simulator's ledger: every handle hung up and reaped.
  void expect_nothing_leaked() {
    if (broker_ && !broker_->stopping()) {
      auto stopped = spawn_stop();
      ASSERT_TRUE(run_until([&] { return stopped->done; })) << "stop did not complete";
    }
    auto report = sim_->leak_report();
    EXPECT_TRUE(report.clean()) << report.describe();
  }

  // The host's answer to "who else can change this phonebook file?" (security/
  // file_trust.hpp): every file is trusted unless a test names it here with the reason.
  // Read at each question, so a test can change it while the broker runs.
  std::map<std::string, std::string> untrusted_files_;
  std::vector<std::string> trust_asked_;  // the paths the broker asked about, in order
  events::test::RecordedEvents admin_events_;  // what the broker reported to an administrator

  // Declared first so it is destroyed last: coroutine frames still in io_ may hold
  // the broker, which detaches from the simulator when it dies.
  std::unique_ptr<sim::Simulator> sim_;
  std::unique_ptr<ras::RasApi> wrapper_;  // a test's RAS around sim_ (make_broker), outlives io_
  std::vector<std::unique_ptr<boost::asio::io_context>> dead_processes_;  // crash(): never run again
  std::unique_ptr<boost::asio::io_context> io_ = std::make_unique<boost::asio::io_context>();
  // Where make_broker()'s brokers keep their journal; none unless a test sets one.
  std::shared_ptr<journal::JournalStore> journal_store_;
  std::shared_ptr<broker::Broker> broker_;
  std::vector<Connection> events_;
  std::shared_ptr<void> events_token_;
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> log_ = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(1024);
};

}  // namespace rasbroker::testing
