#pragma once
// The service's one composition root and lifecycle, for every host: configuration ->
// logging -> listener -> RAS backend -> broker -> dispatcher -> admission -> accept loop,
// then run, then the graceful stop — reporting every step to a StatusReporter. A host
// supplies only what is its own (RunnerOptions: its listener, its backend, its log file,
// its extra configuration checks, its file permission check) and a way to call
// request_stop().
//
// Threading: run() runs the io_context on the calling thread — the broker's one
// executor thread. request_stop() may be called from any thread (the SCM's control
// handler, a console control handler, a signal thread); it posts into the io_context.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <spdlog/logger.h>

#include "app/listener.hpp"
#include "app/service_status.hpp"
#include "broker/host_event.hpp"
#include "config/service_config.hpp"
#include "events/admin_events.hpp"
#include "ipc/session.hpp"
#include "journal/journal.hpp"
#include "ras/ras_api.hpp"
#include "security/file_trust.hpp"

namespace rasbroker::app {

struct RunnerOptions {
  std::string config_path;         // "" = the defaults, no file
  bool config_missing_ok = false;  // a missing file means the defaults (the Windows service)
  std::string log_level;           // overrides log.level when not empty
  // The host's own checks of the loaded configuration (Windows: allowed_groups resolve to
  // SIDs; the dev host: the simulator's scenario). Throws for a bad one: kExitBadConfig.
  std::function<void(const config::ServiceConfig&)> check_config;
  // Adds a log file per `log` and returns its path; throws when it cannot. Called with the
  // configuration's `log` once it loaded (a failure is a warning: the service runs on), and
  // with the defaults after a bad configuration, so the reason is where a human looks.
  // Empty: no file (the dev host logs to stderr only).
  std::function<std::string(const config::LogConfig& log)> open_log_file;
  // Where requests refused before anything ran are logged (ipc/refusal_log.hpp), at the
  // service log's level: a logger of its own, so that open_log_file can give refusals a
  // file of their own and a flood of them never rotates the audit away. Empty: the log.
  std::shared_ptr<spdlog::logger> refusal_log;
  // Makes the listener, ready to accept; throws when the endpoint is taken or cannot be
  // created: kExitCannotListen. Called BEFORE the backend exists, so that a start refused
  // for a taken (or squatted) endpoint never adopts or hangs up a connection.
  std::function<std::unique_ptr<Listener>(boost::asio::io_context&, const config::ServiceConfig&)> make_listener;
  // Makes the RAS backend on the broker's executor; throws: kExitRasBackend. The backend
  // outlives every handler of the io_context.
  std::function<std::unique_ptr<ras::RasApi>(boost::asio::any_io_executor)> make_ras;
  // Who besides administrators can change a configured phonebook file: the host's answer
  // from its platform's permissions (security/file_trust.hpp). Empty: no configured
  // phonebook is dialled from.
  security::FileTrustCheck phonebook_trust;
  // After a run that stopped normally, with the io_context gone and the backend still
  // there: the host's last word, as the exit code (the dev host checks the simulator's
  // ledger). Empty: kExitOk.
  std::function<ExitCode()> after_stop;
  // Called on the io thread once the listener accepts, before RUNNING is reported (tests).
  std::function<void(const std::string& path)> on_listening;
  ipc::SessionLimits session_limits{};  // per client (tests shorten them)
  // What an administrator must act on (the Windows host: the Event Log); default: nothing.
  events::AdminEvents events;
  // Where the state journal is kept (journal/file_store.hpp: the host's data folder), made
  // once the configuration is loaded; throws when it cannot be (logged and reported, and the
  // service runs without a journal). Empty, or a null store: no journal — a restart adopts
  // what the service dialled instead of taking it back.
  std::function<std::shared_ptr<journal::JournalStore>(const config::ServiceConfig&)> make_journal;
};

// The most a stop can take with `cfg` (stop_timeout_ms, the final clean-up and a margin):
// what the Windows service sets as its preshutdown timeout.
std::uint32_t stop_budget_ms(const config::ServiceConfig& cfg);

class ServiceRunner {
 public:
  // `log` already has its early sinks (Event Log, console); run() may add a file.
  ServiceRunner(RunnerOptions options, StatusReporter& reporter, std::shared_ptr<spdlog::logger> log);

  // start -> run -> stop. Reports START_PENDING ... RUNNING ... STOP_PENDING ... STOPPED;
  // STOPPED is the last thing it does. Returns the exit code reported with STOPPED.
  int run();

  // Thread-safe; idempotent. Before run() has started, the stop happens right after start.
  void request_stop(const std::string& why);

  // Thread-safe: hands `event` to the broker on its executor while the service runs
  // (broker/host_event.hpp); before the broker exists or after it stopped, it is dropped.
  // Bursts of network changes reach the broker as one (app/host_event_debounce.hpp).
  void notify_host_event(broker::HostEvent event);

  // Heartbeat while pending: the SCM must see a new checkpoint well within the hint.
  static constexpr std::chrono::milliseconds kHeartbeat{500};

 private:
  class StopSequence;  // service_runner.cpp

  ExitCode start_and_run(boost::asio::io_context& io, std::unique_ptr<ras::RasApi>& ras);
  bool load_config(config::ServiceConfig& cfg);
  std::shared_ptr<journal::JournalStore> open_journal(const config::ServiceConfig& cfg);
  void report(ServiceState state, std::uint32_t wait_hint_ms, std::uint32_t exit_code = kExitOk);

  RunnerOptions options_;
  StatusReporter& reporter_;
  std::shared_ptr<spdlog::logger> log_;
  std::uint32_t checkpoint_ = 0;

  std::mutex mutex_;  // guards io_, stop_requested_, stop_reason_
  boost::asio::io_context* io_ = nullptr;
  bool stop_requested_ = false;
  std::string stop_reason_;
  std::function<void(const std::string&)> begin_stop_;  // set while running; on the io thread
  std::function<void(broker::HostEvent)> host_event_;   // set while running; on the io thread
};

}  // namespace rasbroker::app
