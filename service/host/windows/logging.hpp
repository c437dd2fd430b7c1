#pragma once
// The service's logger: a rotating file in log.dir (default %ProgramData%\RasBroker\logs),
// and in --console mode everything to stderr; refused requests in a rotating file of their
// own next to it. Only what an administrator must act on goes
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

// The logger of requests refused before anything ran (ipc/refusal_log.hpp): the early
// sinks of `service_log` (the console), not its file.
std::shared_ptr<spdlog::logger> make_refusal_logger(const spdlog::logger& service_log);

// Adds refusals.log, in the folder of add_file_sink, to `refusals`: rotated at
// log.max_size_mb like rasbroker.log but with one rotated file of its own, so that a
// client's flood of refusals fills only this budget and never rotates the audit of the
// requests that ran (rasbroker.log) away. Returns the file's path; throws as add_file_sink.
std::string add_refusal_file_sink(spdlog::logger& refusals, const config::LogConfig& cfg);

}  // namespace rasbroker::winhost
