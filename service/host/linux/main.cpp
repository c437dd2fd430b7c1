// rasbrokerd on Linux: the development host. The same broker and protocol as the
// Windows service, on a Unix socket, against the RAS simulator. Foreground, logs to
// stderr; SIGINT/SIGTERM run the same graceful stop as the Windows service.
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "broker/broker.hpp"
#include "config/service_config.hpp"
#include "host/linux/unix_listener.hpp"
#include "ipc/dispatcher.hpp"
#include "simulator/scenario.hpp"
#include "simulator/simulator.hpp"

namespace asio = boost::asio;
using namespace rasbroker;

namespace {

// Exit codes of the dev host (documented in docs/operations.md).
enum Exit : int { kOk = 0, kBadConfig = 2, kCannotListen = 3, kLeaked = 4 };

struct Options {
  std::string scenario;
  std::string listen = host::default_socket_path();
  std::string config;
  std::string log_level;
};

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  CLI::App app{"rasbrokerd (Linux dev host): the RAS connection broker against the RAS simulator"};
  app.set_version_flag("--version", std::string("rasbrokerd ") + RASBROKER_VERSION);
  app.add_option("--simulate", opt.scenario, "Scenario file (JSON) for the RAS simulator; see docs/simulator.md")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--listen", opt.listen, "Unix socket path")->capture_default_str();
  app.add_option("--config", opt.config, "Configuration file (JSON); see docs/operations.md")->check(CLI::ExistingFile);
  app.add_option("--log-level", opt.log_level, "trace|debug|info|warn|error (overrides the config)");
  CLI11_PARSE(app, argc, argv);

  auto log = spdlog::stderr_color_mt("rasbrokerd");
  log->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ %v");
  spdlog::set_default_logger(log);

  config::ServiceConfig cfg;
  sim::Scenario scenario;
  try {
    if (!opt.config.empty()) cfg = config::load_service_config(opt.config, false);
    scenario = sim::load_scenario_file(opt.scenario);
    if (!opt.log_level.empty()) cfg.log.level = opt.log_level;
    auto level = spdlog::level::from_str(cfg.log.level);
    if (level == spdlog::level::off && cfg.log.level != "off")
      throw config::ConfigError("--log-level: unknown level \"" + cfg.log.level + "\"");
    log->set_level(level);
  } catch (const std::exception& e) {
    std::cerr << "rasbrokerd: " << e.what() << "\n";
    return kBadConfig;
  }

  // The simulator outlives the io_context: coroutine frames destroyed with the
  // io_context may still release the broker, which detaches from RAS.
  sim::Simulator ras(std::move(scenario), sim::SimulatorOptions{.mode = sim::Mode::threaded});
  asio::io_context io(1);
  auto broker = broker::Broker::create(io.get_executor(), ras, cfg.broker, log);

  std::unique_ptr<host::UnixListener> listener;
  try {
    listener = std::make_unique<host::UnixListener>(io, opt.listen, log);
  } catch (const std::exception& e) {
    log->critical("{}", e.what());
    return kCannotListen;
  }
  broker->start();
  ipc::Dispatcher dispatcher(broker, log);
  asio::co_spawn(io, listener->accept_loop(dispatcher, ipc::SessionLimits{}, cfg.max_clients), asio::detached);

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    log->info("signal {}: stopping", signo);
    listener->close();
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          co_await broker->stop([&](std::size_t pending) {
            if (pending) log->info("stop: waiting for {} teardown(s)", pending);
          });
          io.stop();
        },
        asio::detached);
  });
  std::signal(SIGPIPE, SIG_IGN);
  io.run();

  auto report = ras.leak_report();
  if (!report.clean()) {
    log->error("simulator: handles leaked:\n{}", report.describe());
    return kLeaked;
  }
  log->info("simulator: no handle leaked");
  return kOk;
}
