#pragma once
// What the Linux dev host plugs into the service core (app::ServiceRunner): the Unix
// socket, the RAS simulator built from a scenario file, and at exit the simulator's
// ledger; a configured phonebook is dialled from only while posix_file_trust (file_trust.hpp)
// finds nobody else can change it. main.cpp adds the command line and the signals.
#include <memory>
#include <string>

#include <spdlog/logger.h>

#include "app/service_runner.hpp"

namespace rasbroker::host {

// ${XDG_RUNTIME_DIR:-/tmp}/rasbroker.sock
std::string default_socket_path();

struct DevHostOptions {
  std::string scenario_path;  // the simulator's scenario (required)
  std::string socket_path = default_socket_path();
  std::string config_path;  // "" = the defaults
  std::string log_level;    // overrides log.level when not empty
  std::string socket_group;  // overrides socket_group when not empty
  // The simulator's state file (sim_state_file.hpp): "" = the simulator lives and dies
  // with the process, as before.
  std::string sim_state_path;
  // The data folder (the journal: <data folder>/journal.json); overrides the
  // configuration's data_dir. Neither: no journal, a restart adopts what it finds.
  std::string data_dir;
};

// The scenario is read with the configuration, the socket group (--socket-group, or the
// socket_group key) must exist, and the data folder is chosen (--data-dir, else the
// configuration's data_dir, which must be absolute); a bad one is kExitBadConfig, before any
// socket exists. With sim_state_path the simulator restores and keeps its state there.
// After a clean stop the ledger is checked: a handle that was not hung
// up and reaped is logged and makes the exit code kExitRasBackend (4, the dev host's
// "leaked"); otherwise "simulator: no handle leaked" is logged.
app::RunnerOptions dev_host_runner_options(const DevHostOptions& options, std::shared_ptr<spdlog::logger> log);

}  // namespace rasbroker::host
