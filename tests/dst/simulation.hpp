#pragma once
// Deterministic simulation of the broker (docs/architecture.md, "Deterministic simulation"):
// one seed decides a random RAS (faults.hpp), clients that send random requests through the
// real Dispatcher and disconnect in the middle of them, link drops and hang-ups from outside,
// and service stops, crashes and restarts with the journal, for hours of virtual time. After
// every step the invariants are checked (invariants.cpp); the first violation ends the run.
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/ringbuffer_sink.h>

#include "broker/broker.hpp"
#include "ipc/dispatcher.hpp"
#include "simulator/simulator.hpp"
#include "tests/broker/memory_journal_store.hpp"
#include "tests/dst/rng.hpp"
#include "tests/events/recorded_events.hpp"

namespace rasbroker::dst {

struct RunOptions {
  std::uint64_t seed = 1;
  Clock::duration length = std::chrono::hours(1);  // virtual time
  std::ostream* trace = nullptr;                   // every step, when given
};

struct RunOutcome {
  std::uint64_t seed = 0;
  bool ok = true;
  std::uint64_t steps = 0;
  std::string failure;     // the violated invariant, with the step and the trace before it
  std::uint64_t trace_hash = 0;  // of the whole trace: two runs of one seed must agree
  std::uint64_t requests = 0, ras_handles = 0, restarts = 0;
};

// Runs one seed. Switches Clock to virtual time for the run and back afterwards.
RunOutcome run_simulation(const RunOptions& options);

// One run's world. Everything runs on this thread; time moves only in advance().
class Simulation {
 public:
  explicit Simulation(const RunOptions& options);
  ~Simulation();
  RunOutcome run();

 private:
  struct Request {
    std::int64_t id = 0;
    int client = 0;
    std::string method;
    boost::asio::cancellation_signal cancel;  // emitted when its client disconnects
    int answers = 0;
  };
  struct Client {
    int id = 0;
    int generation = 0;  // the service instance it is connected to
    std::shared_ptr<ipc::ClientContext> context;
    std::vector<std::shared_ptr<Request>> pending;
    std::size_t notifications = 0;               // connection_changed messages received
    std::optional<std::size_t> first_event;     // index in events_ of its first notification
  };
  // One service process: its io_context, broker and dispatcher. A process that ended is kept,
  // never run again, so that coroutine frames and RAS callbacks holding it stay valid.
  // Asio's shutdown() is protected: it destroys every handler still pending (the coroutine
  // frames of a process that crashed) while everything they point into still lives.
  class ProcessIo : public boost::asio::io_context {
   public:
    void drop_pending_handlers() { shutdown(); }
  };
  struct Process {
    Process() = default;
    Process(Process&&) = default;
    Process& operator=(Process&&) = default;
    // Pending handlers first (they may hold the broker), then the broker and dispatcher,
    // whose timers must go before the io_context's timer service does, then the io_context.
    ~Process() {
      if (io) io->drop_pending_handlers();
      dispatcher.reset();
      broker.reset();
    }
    std::shared_ptr<broker::Broker> broker;
    std::unique_ptr<ipc::Dispatcher> dispatcher;
    std::unique_ptr<ProcessIo> io;
    broker::OnStop on_stop = broker::OnStop::hangup;
  };

  // simulation.cpp: the world; clients.cpp: the clients, their requests and what they get.
  void start_process(broker::OnStop on_stop);
  void end_process(bool graceful);  // disconnects every client first
  void settle();
  void advance(Clock::duration d);
  void step();
  void connect_client();
  void disconnect_client(int id);
  void send_request(Client& c, std::string method = {});  // empty: a random one
  nlohmann::json random_params(const std::string& method);
  void on_answer(const std::shared_ptr<Request>& r, std::exception_ptr e, std::optional<nlohmann::json> answer);
  void on_notification(int client, const nlohmann::json& message);
  void on_event(const protocol::Connection& c);
  void restart(bool crash, std::optional<broker::OnStop> next_on_stop);
  void finish();
  void trace(const std::string& line);
  void fail(const std::string& why);
  std::string random_entry_name();
  std::string random_id();

  // invariants.cpp
  void check();
  void check_handles();
  void check_subscribers();
  void check_final();

  RunOptions options_;
  Rng rng_;
  std::vector<std::string> scenario_lines_;
  // Declared first so it is destroyed last: processes' frames and callbacks refer to it.
  std::unique_ptr<sim::Simulator> ras_;
  std::vector<Process> dead_processes_;
  Process process_;
  int generation_ = 0;
  std::shared_ptr<testing::MemoryJournalStore> store_ = std::make_shared<testing::MemoryJournalStore>();
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> log_ = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(64);
  events::test::RecordedEvents admin_events_;
  std::shared_ptr<void> events_token_;

  std::map<int, Client> clients_;  // connected clients, by id
  int next_client_ = 1;
  std::int64_t next_request_ = 1;
  // Every change the broker published in this generation, as connection_changed messages, and
  // each connection's last state (transitions must be legal).
  std::vector<nlohmann::json> events_;
  std::map<std::string, protocol::ConnectionState> last_state_;
  std::deque<std::string> known_ids_;
  // Handles RAS holds for the broker that no record owns, since when (a restart's grace).
  std::map<ras::Handle, Clock::time_point> unowned_since_;
  std::map<ras::Handle, Clock::time_point> reaped_but_held_since_;
  bool quiet_ = false;  // a stretch without dials and RAS events: only queries and subscriptions
  Clock::time_point start_{}, end_{}, next_mode_change_{};

  std::uint64_t step_ = 0;
  std::deque<std::string> recent_;  // the last trace lines, for a failure report
  std::uint64_t trace_hash_ = 1469598103934665603ull;
  std::optional<std::string> failure_;
  RunOutcome outcome_;
};

}  // namespace rasbroker::dst
