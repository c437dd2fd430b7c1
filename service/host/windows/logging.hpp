#pragma once
// The service's logger: a rotating file in log.dir (default %ProgramData%\RasBroker\logs),
// and in --console mode everything to stderr. Only what an administrator must act on goes
// to the Event Log, as events with their own IDs (events/admin_events.hpp, event_log.hpp),
// not as log lines.
#include <memory>
#include <string>

#include <spdlog/logger.h>

#include "config/service_config.hpp"

namespace rasbroker::winhost {

struct EarlySinks {
  bool console = false;  // everything to stderr
};

// The logger before the configuration is known (a failed start is also an event in the
// Event Log, where a human looks).
std::shared_ptr<spdlog::logger> make_service_logger(const EarlySinks& sinks);

// Adds the rotating file sink per `cfg` (creating the folder). Returns the file's path;
// throws std::runtime_error when the folder or file cannot be created.
std::string add_file_sink(spdlog::logger& log, const config::LogConfig& cfg);

}  // namespace rasbroker::winhost
