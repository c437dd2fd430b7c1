#pragma once
// The service's logger: a rotating file in log.dir (default %ProgramData%\RasBroker\logs),
// warnings and errors to the Windows Event Log (source "RasBroker", Application log),
// and in --console mode everything to stderr.
#include <memory>
#include <string>

#include <spdlog/logger.h>

#include "config/service_config.hpp"

namespace rasbroker::winhost {

inline constexpr const char* kEventSource = "RasBroker";

struct EarlySinks {
  bool event_log = true;  // warnings and errors to the Event Log
  bool console = false;   // everything to stderr
};

// The logger before the configuration is known: a failed start must still be logged
// somewhere a human looks (the Event Log for a service, the console otherwise).
std::shared_ptr<spdlog::logger> make_service_logger(const EarlySinks& sinks);

// Adds the rotating file sink per `cfg` (creating the folder). Returns the file's path;
// throws std::runtime_error when the folder or file cannot be created.
std::string add_file_sink(spdlog::logger& log, const config::LogConfig& cfg);

}  // namespace rasbroker::winhost
