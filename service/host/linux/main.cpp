// rasbrokerd on Linux: the development host. The same service core, broker and protocol
// as the Windows service, on a Unix socket, against the RAS simulator (dev_host.hpp).
// Foreground, logs to stderr; SIGINT/SIGTERM run the same graceful stop as the Windows
// service's STOP.
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <string>
#include <thread>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/spdlog.h>

#include "app/service_runner.hpp"
#include "app/service_status.hpp"
#include "host/linux/dev_host.hpp"
#include "host/linux/stderr_log.hpp"

namespace asio = boost::asio;
using namespace rasbroker;

namespace {

// SIGINT/SIGTERM -> request_stop(), from a thread of their own: the core's stop is
// requested exactly as the SCM requests it on Windows, from outside its io thread.
class StopOnSignals {
 public:
  explicit StopOnSignals(app::ServiceRunner& runner) {
    signals_.async_wait([&runner](const boost::system::error_code& ec, int signo) {
      if (!ec) runner.request_stop(signo == SIGINT ? "SIGINT" : "SIGTERM");
    });
    thread_ = std::thread([this] { io_.run(); });
  }
  ~StopOnSignals() {
    io_.stop();
    thread_.join();
  }
  StopOnSignals(const StopOnSignals&) = delete;
  StopOnSignals& operator=(const StopOnSignals&) = delete;

 private:
  asio::io_context io_{1};
  asio::signal_set signals_{io_, SIGINT, SIGTERM};
  std::thread thread_;
};

}  // namespace

int main(int argc, char** argv) {
  host::DevHostOptions opt;
  CLI::App cli{"rasbrokerd (Linux dev host): the RAS connection broker against the RAS simulator"};
  cli.set_version_flag("--version", std::string("rasbrokerd ") + RASBROKER_VERSION);
  cli.add_option("--simulate", opt.scenario_path, "Scenario file (JSON) for the RAS simulator; see docs/simulator.md")
      ->required()
      ->check(CLI::ExistingFile);
  cli.add_option("--listen", opt.socket_path, "Unix socket path")->capture_default_str();
  cli.add_option("--config", opt.config_path, "Configuration file (JSON); see docs/operations.md")
      ->check(CLI::ExistingFile);
  cli.add_option("--socket-group", opt.socket_group,
                 "Group admitted to the socket: mode 0660 with this group instead of 0600 (overrides socket_group)");
  cli.add_option("--log-level", opt.log_level, "trace|debug|info|warn|error|critical|off (overrides the config)");
  cli.add_option("--sim-state", opt.sim_state_path,
                 "The simulator's state file: restored at start when present, rewritten after every change, "
                 "so a restarted rasbrokerd finds its simulated connections; see docs/simulator.md");
  cli.add_option("--data-dir", opt.data_dir,
                 "Data folder (the journal, journal.json); overrides the config's data_dir; see docs/operations.md")
      ->transform([](std::string path) { return std::filesystem::absolute(path).lexically_normal().string(); });
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int printed = cli.exit(e);  // prints help/version (0) or the error
    return printed == 0 ? app::kExitOk : app::kExitUsage;
  }

  auto log = host::make_stderr_logger("rasbrokerd");
  spdlog::set_default_logger(log);

  std::signal(SIGPIPE, SIG_IGN);  // a client gone mid-write is an error code, not the end
  app::LogStatusReporter reporter(log, "Ctrl-C or `kill " + std::to_string(::getpid()) + "`");
  app::ServiceRunner runner(host::dev_host_runner_options(opt, log), reporter, log);
  StopOnSignals signals(runner);
  return runner.run();
}
