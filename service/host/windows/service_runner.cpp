#include "host/windows/service_runner.hpp"

#include <algorithm>
#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "broker/broker.hpp"
#include "core/clock.hpp"
#include "host/windows/logging.hpp"
#include "host/windows/pipe_listener.hpp"
#include "security/pipe_sddl.hpp"
#include "ipc/dispatcher.hpp"

namespace rasbroker::winhost {

namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {

constexpr std::uint32_t kStartStepHintMs = 5000;  // each start step: config, backend, pipe
constexpr std::uint32_t kFinalCleanupMs = 1000;   // after the reaper: cancel coroutines, close
constexpr std::uint32_t kStopMarginMs = 4000;     // preshutdown budget beyond the stop's own

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

}  // namespace

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

int ServiceRunner::run() {
  int code = kExitInternal;
  std::unique_ptr<ras::RasApi> ras;  // outlives the io_context and everything in it
  try {
    asio::io_context io(1);
    IoRegistration registration(mutex_, io_, io);
    code = start_and_run(io, ras);
    begin_stop_ = nullptr;
  } catch (const std::exception& e) {
    begin_stop_ = nullptr;
    log_->critical("internal error: {}", e.what());
    code = kExitInternal;
  }
  ras.reset();
  log_->info("service stopped (exit code {})", code);
  log_->flush();
  report(ServiceState::stopped, 0, static_cast<std::uint32_t>(code));
  return code;
}

int ServiceRunner::start_and_run(asio::io_context& io, std::unique_ptr<ras::RasApi>& ras) {
  report(ServiceState::start_pending, kStartStepHintMs);

  // 1. Configuration: everything a human can get wrong is checked before anything starts.
  config::ServiceConfig cfg;
  std::string sddl;
  try {
    cfg = config::load_service_config(options_.config_path, /*missing_ok=*/true);
    if (!options_.log_level.empty()) cfg.log.level = options_.log_level;
    set_log_level(*log_, cfg.log.level);
    sddl = security::pipe_sddl(resolve_group_sids(cfg.allowed_groups));
  } catch (const std::exception& e) {
    // Also into the default log file: where a human looks first besides the Event Log.
    if (options_.file_log) {
      try {
        add_file_sink(*log_, config::LogConfig{});
      } catch (const std::exception&) {  // the Event Log has it
      }
    }
    log_->error("cannot start: bad configuration ({}): {}. Fix the file and start the service again.",
                options_.config_path, e.what());
    return kExitBadConfig;
  }
  if (options_.file_log) {
    try {
      const auto file = add_file_sink(*log_, cfg.log);
      log_->info("logging to {}", file);
    } catch (const std::exception& e) {
      // The Event Log still works: run without the file rather than leave RAS unowned.
      log_->warn("no log file: {}", e.what());
    }
  }
  log_->info("rasbrokerd {} starting; configuration {}", RASBROKER_VERSION, options_.config_path);
  const auto stop_budget = static_cast<std::uint32_t>(cfg.broker.stop_timeout.count()) + kFinalCleanupMs + kStopMarginMs;
  if (auto why = reporter_.apply_settings(stop_budget); !why.empty())
    log_->warn("service settings not applied ({}); a system shutdown may cut the stop short", why);
  report(ServiceState::start_pending, kStartStepHintMs);

  // 2. The pipe, before anything touches RAS: if the name is taken (another broker, or
  // a squatter), the start is refused without adopting or hanging up any connection.
  std::optional<PipeListener> listener;
  try {
    listener.emplace(io,
                     PipeListenerOptions{.pipe_name = cfg.pipe_name, .sddl = sddl, .max_clients = cfg.max_clients},
                     log_);
  } catch (const std::exception& e) {
    log_->error("cannot start: {}", e.what());
    return kExitCannotListen;
  }
  report(ServiceState::start_pending, kStartStepHintMs);

  // 3. The RAS backend and the broker. Clients that connect meanwhile wait in the pipe.
  try {
    ras = options_.make_ras(io.get_executor());
  } catch (const std::exception& e) {
    log_->error("cannot start: the RAS backend failed: {}", e.what());
    return kExitRasBackend;
  }
  auto broker = broker::Broker::create(io.get_executor(), *ras, cfg.broker, log_);
  broker->start();
  ipc::Dispatcher dispatcher(broker, log_);
  asio::co_spawn(io, listener->accept_loop(dispatcher), asio::detached);

  // The stop: on the io thread, once. Heartbeat checkpoints run alongside the broker's
  // stop so the SCM sees progress at least every kHeartbeat, however long RAS takes.
  const auto stop_deadline = std::make_shared<std::optional<Clock::time_point>>();
  auto stop_hint = [&cfg, stop_deadline]() -> std::uint32_t {
    // Honest: the most the stop can still take — what is left of stop_timeout_ms (the
    // broker gives up waiting for RAS then), plus the final cleanup.
    const auto left = std::chrono::duration_cast<milliseconds>(*stop_deadline ? **stop_deadline - Clock::now()
                                                                               : cfg.broker.stop_timeout);
    return static_cast<std::uint32_t>(std::max<long long>(left.count(), 0)) + kFinalCleanupMs;
  };
  auto heartbeat = [this, &io, stop_hint]() -> asio::awaitable<void> {
    asio::steady_timer timer(io);
    for (;;) {
      timer.expires_after(kHeartbeat);
      co_await timer.async_wait(asio::use_awaitable);
      report(ServiceState::stop_pending, stop_hint());
    }
  };
  begin_stop_ = [&, heartbeat, stop_hint](const std::string& why) {
    if (*stop_deadline) return;
    *stop_deadline = Clock::now() + cfg.broker.stop_timeout;
    log_->info("stopping ({})", why);
    listener->close();
    report(ServiceState::stop_pending, stop_hint());
    asio::co_spawn(
        io,
        [&, heartbeat, stop_hint]() -> asio::awaitable<void> {
          using namespace asio::experimental::awaitable_operators;
          auto progress = [this, stop_hint](std::size_t pending) {
            if (pending) log_->info("stop: waiting for {} teardown(s)", pending);
            report(ServiceState::stop_pending, pending ? stop_hint() : kFinalCleanupMs);
          };
          co_await (broker->stop(progress) || heartbeat());
          io.stop();
        },
        asio::detached);
  };

  if (options_.on_listening) options_.on_listening(listener->path());
  report(ServiceState::running, 0);
  log_->info("running: RAS backend {}, pipe {}", ras->backend_name(), listener->path());
  {
    std::lock_guard lock(mutex_);
    if (stop_requested_) asio::post(io, [this, why = stop_reason_] { begin_stop_(why); });
  }
  io.run();
  return kExitOk;
}

}  // namespace rasbroker::winhost
