#pragma once
// What the Windows service plugs into the service core (app::ServiceRunner, which owns the
// wiring, the lifecycle and the stop): the named pipe, secured per allowed_groups, the
// rotating log file, and the RAS backend it is given. scm.cpp and console.cpp connect
// the core's status reports and request_stop() to the SCM or to the console.
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <spdlog/logger.h>

#include "app/service_runner.hpp"
#include "events/admin_events.hpp"
#include "ras/ras_api.hpp"

namespace rasbroker::winhost {

struct ServiceOptions {
  std::string config_path;  // a missing file means the defaults
  std::string log_level;    // overrides log.level when not empty
  bool file_log = true;     // rotating file in log.dir (default %ProgramData%\RasBroker\logs)
  // The Win32 backend in the service; tests give the simulator.
  std::function<std::unique_ptr<ras::RasApi>(boost::asio::any_io_executor)> make_ras;
  // Called on the io thread once the pipe listens, before RUNNING is reported (tests).
  std::function<void(const std::string& pipe_path)> on_listening;
  // The Event Log in the service (event_log.hpp); tests give a fake or nothing.
  events::AdminEvents events;
  // The state journal's file (the service: %ProgramData%\RasBroker\journal.json, in the
  // folder main.cpp secures first); empty: no journal (tests that do not need one).
  std::filesystem::path journal_path;
};

// allowed_groups are resolved to SIDs with the configuration (an unknown group is a bad
// configuration); the pipe gets the DACL made from them (security/pipe_sddl.hpp); a pipe
// name another process already owns is app::EndpointSquatted (its own event). The log
// file is added to `log`, which already has its early sinks (Event Log, console). A
// configured phonebook is dialled from only while windows_file_trust (file_trust.hpp)
// finds that no one but Administrators and SYSTEM can change it.
app::RunnerOptions service_runner_options(ServiceOptions options, std::shared_ptr<spdlog::logger> log);

}  // namespace rasbroker::winhost
