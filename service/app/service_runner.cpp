#include "app/service_runner.hpp"

#include <algorithm>
#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "app/admission.hpp"
#include "app/host_event_debounce.hpp"
#include "app/log_flusher.hpp"
#include "broker/broker.hpp"
#include "core/clock.hpp"
#include "ipc/dispatcher.hpp"

namespace rasbroker::app {

namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {

constexpr std::uint32_t kStartStepHintMs = 5000;  // each start step: configuration, listener, backend
constexpr std::uint32_t kFinalCleanupMs = 1000;   // after the reaper: cancel coroutines, close
// After the broker stopped: the answers already decided go out before the connections
// close (each session allows itself SessionLimits::stop_drain_timeout, 2 s by default).
constexpr milliseconds kSessionsDrain{2500};
constexpr std::uint32_t kStopMarginMs = 1500;  // preshutdown budget beyond the stop's own

// Clears the runner's io_context pointer however run() leaves, so request_stop() from
// another thread never posts into a destroyed io_context.
class IoRegistration {
 public:
  IoRegistration(std::mutex& m, asio::io_context*& slot, asio::io_context& io) : m_(m), slot_(slot) {
    std::lock_guard lock(m_);
    slot_ = &io;
  }
  ~IoRegistration() {
    std::lock_guard lock(m_);
    slot_ = nullptr;
  }
  IoRegistration(const IoRegistration&) = delete;
  IoRegistration& operator=(const IoRegistration&) = delete;

 private:
  std::mutex& m_;
  asio::io_context*& slot_;
};

// A level name ("trace" ... "off"); throws ConfigError for an unknown one, which spdlog
// would silently read as "off".
void apply_log_level(spdlog::logger& log, const std::string& level) {
  const auto parsed = spdlog::level::from_str(level);
  if (parsed == spdlog::level::off && level != "off")
    throw config::ConfigError("log level: unknown level \"" + level +
                              "\" (trace, debug, info, warn, error, critical, off)");
  log.set_level(parsed);
}

// The request audit (ipc::Dispatcher, one line per request): the service log's sinks, but
// flushed by `flusher` within log.flush_interval_ms rather than at every line — the hot
// path writes nothing. Warnings and errors (refusals, internal errors) still flush at once.
// Every other line of the service log flushes as before, and takes the audit lines
// buffered before it along (same sinks, same order).
std::shared_ptr<spdlog::logger> audit_logger(const std::shared_ptr<spdlog::logger>& log, const config::LogConfig& cfg,
                                             std::optional<LogFlusher>& flusher) {
  if (cfg.flush_interval_ms == 0) return log;
  auto audit = log->clone(log->name());
  audit->flush_on(std::max(log->flush_level(), spdlog::level::warn));
  flusher.emplace(milliseconds(cfg.flush_interval_ms));
  flusher->watch(audit);
  return audit;
}

}  // namespace

// The graceful stop, once, on the io thread: the listener closes (no new clients), the
// broker stops (new dials refused, connections hung up per on_stop, teardowns waited for)
// while a heartbeat keeps the STOP_PENDING checkpoint advancing at least every
// kHeartbeat however long RAS takes; then every client gets the answers decided by then
// (a hang-up that saw its teardown end, a dial cut by the stop) and is disconnected, for
// at most kSessionsDrain; then the io_context stops.
class ServiceRunner::StopSequence {
 public:
  StopSequence(ServiceRunner& runner, asio::io_context& io, Listener& listener, broker::Broker& broker,
               Admission& admission, milliseconds stop_timeout)
      : runner_(runner),
        io_(io),
        listener_(listener),
        broker_(broker),
        admission_(admission),
        stop_timeout_(stop_timeout) {}

  void begin(const std::string& why) {
    if (deadline_) return;
    deadline_ = Clock::now() + stop_timeout_;
    runner_.log_->info("stopping ({})", why);
    listener_.close();
    runner_.report(ServiceState::stop_pending, wait_hint());
    asio::co_spawn(io_, run(), asio::detached);
  }

 private:
  // Honest: the most the stop can still take — what is left of stop_timeout (the broker
  // gives up waiting for RAS then), plus the final cleanup.
  std::uint32_t wait_hint() const {
    const auto left = std::chrono::duration_cast<milliseconds>(*deadline_ - Clock::now());
    return static_cast<std::uint32_t>(std::max<long long>(left.count(), 0)) + kFinalCleanupMs;
  }

  asio::awaitable<void> heartbeat() {
    asio::steady_timer timer(io_);
    for (;;) {
      timer.expires_after(kHeartbeat);
      co_await timer.async_wait(asio::use_awaitable);
      runner_.report(ServiceState::stop_pending, wait_hint());
    }
  }

  asio::awaitable<void> run() {
    using namespace asio::experimental::awaitable_operators;
    auto progress = [this](std::size_t pending) {
      if (pending) runner_.log_->info("stop: waiting for {} teardown(s)", pending);
      runner_.report(ServiceState::stop_pending, pending ? wait_hint() : kFinalCleanupMs);
    };
    co_await (broker_.stop(progress) || heartbeat());
    co_await (admission_.finish_sessions(kSessionsDrain) || heartbeat());
    io_.stop();
  }

  ServiceRunner& runner_;
  asio::io_context& io_;
  Listener& listener_;
  broker::Broker& broker_;
  Admission& admission_;
  milliseconds stop_timeout_;
  std::optional<Clock::time_point> deadline_;  // set once the stop began
};

ServiceRunner::ServiceRunner(RunnerOptions options, StatusReporter& reporter, std::shared_ptr<spdlog::logger> log)
    : options_(std::move(options)), reporter_(reporter), log_(std::move(log)) {}

void ServiceRunner::report(ServiceState state, std::uint32_t wait_hint_ms, std::uint32_t exit_code) {
  ServiceStatus s;
  s.state = state;
  const bool pending = state == ServiceState::start_pending || state == ServiceState::stop_pending;
  s.checkpoint = pending ? ++checkpoint_ : 0;
  if (!pending) checkpoint_ = 0;
  s.wait_hint_ms = pending ? wait_hint_ms : 0;
  s.exit_code = exit_code;
  reporter_.report(s);
}

void ServiceRunner::request_stop(const std::string& why) {
  std::lock_guard lock(mutex_);
  if (stop_requested_) return;
  stop_requested_ = true;
  stop_reason_ = why;
  if (io_ != nullptr) {
    asio::post(*io_, [this, why] {
      if (begin_stop_) begin_stop_(why);
    });
  }
}

void ServiceRunner::notify_host_event(broker::HostEvent event) {
  std::lock_guard lock(mutex_);
  if (io_ == nullptr) return;
  asio::post(*io_, [this, event] {
    if (host_event_) host_event_(event);
  });
}

int ServiceRunner::run() {
  ExitCode code = kExitInternal;
  std::unique_ptr<ras::RasApi> ras;  // outlives the io_context and everything in it
  try {
    {
      asio::io_context io(1);
      IoRegistration registration(mutex_, io_, io);
      code = start_and_run(io, ras);
    }
    if (code == kExitOk && options_.after_stop) code = options_.after_stop();
  } catch (const std::exception& e) {
    log_->critical("internal error: {}", e.what());
    options_.events.internal_error(e.what());
    code = kExitInternal;
  }
  begin_stop_ = nullptr;
  host_event_ = nullptr;
  ras.reset();
  log_->info("service stopped (exit code {})", static_cast<std::uint32_t>(code));
  if (code == kExitOk) {
    std::lock_guard lock(mutex_);
    options_.events.service_stopped(stop_reason_.empty() ? "without a stop request" : stop_reason_);
  }
  log_->flush();
  report(ServiceState::stopped, 0, code);
  return static_cast<int>(code);
}

bool ServiceRunner::load_config(config::ServiceConfig& cfg) {
  const std::string& path = options_.config_path;
  try {
    if (!path.empty()) cfg = config::load_service_config(path, options_.config_missing_ok);
    if (!options_.log_level.empty()) cfg.log.level = options_.log_level;
    apply_log_level(*log_, cfg.log.level);
    if (options_.refusal_log) apply_log_level(*options_.refusal_log, cfg.log.level);
    if (options_.check_config) options_.check_config(cfg);
  } catch (const std::exception& e) {
    if (options_.open_log_file) {
      try {
        options_.open_log_file(config::LogConfig{});
      } catch (const std::exception&) {  // the early sinks have it
      }
    }
    log_->error("cannot start: bad configuration{}: {}. Fix the file and start the service again.",
                path.empty() ? "" : " (" + path + ")", e.what());
    options_.events.config_error(path.empty() ? "(none: the defaults)" : path, e.what());
    return false;
  }
  if (options_.open_log_file) {
    try {
      log_->info("logging to {}", options_.open_log_file(cfg.log));
    } catch (const std::exception& e) {
      // The early sinks still work: run without the file rather than leave RAS unowned.
      log_->warn("no log file: {}", e.what());
      options_.events.log_file_unavailable(e.what());
    }
  }
  log_->info("rasbrokerd {} starting; configuration {}", RASBROKER_VERSION, path.empty() ? "by default" : path);
  return true;
}

std::shared_ptr<journal::JournalStore> ServiceRunner::open_journal(const config::ServiceConfig& cfg) {
  if (!options_.make_journal) return nullptr;
  try {
    auto store = options_.make_journal(cfg);
    if (store) log_->info("state journal: {}", store->where());
    return store;
  } catch (const std::exception& e) {
    // Not a reason to leave RAS unowned: the service runs, as before the journal existed.
    log_->error("state journal unavailable: {}; running without one", e.what());
    options_.events.journal_unusable("(not opened)", e.what(), "nothing was moved");
    return nullptr;
  }
}

std::uint32_t stop_budget_ms(const config::ServiceConfig& cfg) {
  return static_cast<std::uint32_t>(cfg.broker.stop_timeout.count() + kSessionsDrain.count()) + kFinalCleanupMs +
         kStopMarginMs;
}

ExitCode ServiceRunner::start_and_run(asio::io_context& io, std::unique_ptr<ras::RasApi>& ras) {
  report(ServiceState::start_pending, kStartStepHintMs);

  // 1. Configuration: everything a human can get wrong is checked before anything starts.
  config::ServiceConfig cfg;
  if (!load_config(cfg)) return kExitBadConfig;
  if (auto why = reporter_.apply_settings(stop_budget_ms(cfg)); !why.empty()) {
    log_->warn("service settings not applied ({}); a system shutdown may cut the stop short", why);
    options_.events.settings_not_applied(why);
  }
  report(ServiceState::start_pending, kStartStepHintMs);

  // 2. The listener, before anything touches RAS: if the endpoint is taken (another
  // broker, or a squatter), the start is refused without adopting or hanging up anything.
  std::unique_ptr<Listener> listener;
  try {
    listener = options_.make_listener(io, cfg);
  } catch (const EndpointSquatted& e) {
    log_->error("cannot start: {}", e.what());
    options_.events.pipe_squatted(e.what());
    return kExitCannotListen;
  } catch (const std::exception& e) {
    log_->error("cannot start: {}", e.what());
    options_.events.start_failed(kExitCannotListen, e.what());
    return kExitCannotListen;
  }
  report(ServiceState::start_pending, kStartStepHintMs);

  // 3. The RAS backend and the broker. Clients that connect meanwhile wait in the backlog.
  try {
    ras = options_.make_ras(io.get_executor());
  } catch (const std::exception& e) {
    log_->error("cannot start: the RAS backend failed: {}", e.what());
    options_.events.start_failed(kExitRasBackend, std::string("the RAS backend failed: ") + e.what());
    return kExitRasBackend;
  }
  auto broker = broker::Broker::create(io.get_executor(), *ras, cfg.broker, log_, options_.phonebook_trust,
                                       options_.events, broker::JournalSetup{open_journal(cfg), {}});
  broker->start();
  std::optional<LogFlusher> audit_flusher;  // outlives the dispatcher: its stop() flushes the audit's last lines
  ipc::Dispatcher dispatcher(broker, audit_logger(log_, cfg.log, audit_flusher), options_.events, options_.refusal_log);
  Admission admission(dispatcher, cfg.max_clients, config::clients_per_user_limit(cfg), options_.session_limits, log_);
  asio::co_spawn(io, listener->accept_loop(admission), asio::detached);

  StopSequence stop(*this, io, *listener, *broker, admission, cfg.broker.stop_timeout);
  begin_stop_ = [&stop](const std::string& why) { stop.begin(why); };
  HostEventDebounce host_events(io.get_executor(), HostEventDebounce::kNetworkSettle,
                                [b = broker.get()](auto event) { b->on_host_event(event); });
  host_event_ = [&host_events](auto event) { host_events.on_event(event); };
  if (options_.on_listening) options_.on_listening(listener->path());
  report(ServiceState::running, 0);
  log_->info("running: RAS backend {}, clients on {} (at most {}, {} per user)", ras->backend_name(),
             listener->path(), cfg.max_clients, config::clients_per_user_limit(cfg));
  options_.events.service_started(RASBROKER_VERSION, listener->path(), ras->backend_name());
  {
    std::lock_guard lock(mutex_);
    if (stop_requested_) asio::post(io, [this, why = stop_reason_] { begin_stop_(why); });
  }
  io.run();
  begin_stop_ = nullptr;
  host_event_ = nullptr;
  return kExitOk;
}

}  // namespace rasbroker::app
