#include "host/linux/dev_host.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <optional>

#include "host/linux/file_trust.hpp"
#include "host/linux/peer_identity.hpp"
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
  std::optional<gid_t> socket_group;
  sim::Simulator* simulator = nullptr;
  std::unique_ptr<SimStateFile> sim_state;  // outlives the simulator: the run outlives the core's run()
};

// The gid of the socket's group; none for "" (owner only). `source` names where the name
// came from, for the error.
std::optional<gid_t> socket_group_id(const std::string& name, const char* source) {
  if (name.empty()) return std::nullopt;
  if (auto gid = group_id(name)) return gid;
  throw config::ConfigError(std::string(source) + ": there is no group \"" + name + "\" on this system");
}

}  // namespace

app::RunnerOptions dev_host_runner_options(const DevHostOptions& options, std::shared_ptr<spdlog::logger> log) {
  auto run = std::make_shared<DevHostRun>();
  app::RunnerOptions o;
  o.config_path = options.config_path;
  o.log_level = options.log_level;
  o.check_config = [run, path = options.scenario_path, group = options.socket_group](const config::ServiceConfig& cfg) {
    run->socket_group = socket_group_id(group.empty() ? cfg.socket_group : group, group.empty() ? "socket_group" : "--socket-group");
    run->scenario = sim::load_scenario_file(path);
  };
  o.make_journal = [data_dir = options.data_dir](const config::ServiceConfig& cfg)
      -> std::shared_ptr<journal::JournalStore> {
    const std::filesystem::path dir = data_dir.empty() ? cfg.data_dir : data_dir;  // --data-dir wins
    if (dir.empty()) return nullptr;
    std::filesystem::create_directories(dir);  // throws: the core logs it and runs without a journal
    return std::make_shared<journal::FileJournalStore>(dir / "journal.json");
  };
  o.make_listener = [run, socket_path = options.socket_path, log](boost::asio::io_context& io,
                                                                  const config::ServiceConfig&) {
    return std::make_unique<UnixListener>(io, socket_path, log, run->socket_group);
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
