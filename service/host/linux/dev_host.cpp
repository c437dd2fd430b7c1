#include "host/linux/dev_host.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "host/linux/file_trust.hpp"
#include "host/linux/sim_state_file.hpp"
#include "host/linux/unix_listener.hpp"
#include "journal/file_store.hpp"
#include "simulator/scenario.hpp"
#include "simulator/simulator.hpp"

namespace rasbroker::host {

std::string default_socket_path() {
  const char* dir = std::getenv("XDG_RUNTIME_DIR");
  return std::string(dir && *dir ? dir : "/tmp") + "/rasbroker.sock";
}

namespace {

// Passed from one start step to the next: the scenario read with the configuration, and
// the simulator made from it (owned by the core, which destroys it after after_stop).
struct DevHostRun {
  sim::Scenario scenario;
  sim::Simulator* simulator = nullptr;
  std::unique_ptr<SimStateFile> sim_state;  // outlives the simulator: the run outlives the core's run()
};


}  // namespace

app::RunnerOptions dev_host_runner_options(const DevHostOptions& options, std::shared_ptr<spdlog::logger> log) {
  auto run = std::make_shared<DevHostRun>();
  app::RunnerOptions o;
  o.config_path = options.config_path;
  o.log_level = options.log_level;
  o.check_config = [run, path = options.scenario_path](const config::ServiceConfig&) {
    run->scenario = sim::load_scenario_file(path);
  };
  o.make_journal = [data_dir = options.data_dir](const config::ServiceConfig& cfg)
      -> std::shared_ptr<journal::JournalStore> {
    const std::filesystem::path dir = data_dir.empty() ? cfg.data_dir : data_dir;  // --data-dir wins
    if (dir.empty()) return nullptr;
    std::filesystem::create_directories(dir);  // throws: the core logs it and runs without a journal
    return std::make_shared<journal::FileJournalStore>(dir / "journal.json");
  };
  o.make_listener = [socket_path = options.socket_path, log](boost::asio::io_context& io, const config::ServiceConfig&) {
    return std::make_unique<UnixListener>(io, socket_path, log);
  };
  o.make_ras = [run, state_path = options.sim_state_path, log](boost::asio::any_io_executor) {
    auto simulator =
        std::make_unique<sim::Simulator>(std::move(run->scenario), sim::SimulatorOptions{.mode = sim::Mode::threaded});
    run->simulator = simulator.get();
    if (!state_path.empty()) {
      run->sim_state = std::make_unique<SimStateFile>(state_path, log);
      run->sim_state->attach(*simulator);
    }
    return std::unique_ptr<ras::RasApi>(std::move(simulator));
  };
  o.phonebook_trust = [service_uid = geteuid()](const std::string& path) {
    return posix_file_trust(path, service_uid);
  };
  o.after_stop = [run, log] {
    const auto report = run->simulator->leak_report();
    if (!report.clean()) {
      log->error("simulator: handles leaked:\n{}", report.describe());
      return app::kExitRasBackend;
    }
    log->info("simulator: no handle leaked");
    return app::kExitOk;
  };
  return o;
}

}  // namespace rasbroker::host
