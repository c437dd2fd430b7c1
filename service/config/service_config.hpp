#pragma once
// The service configuration file (%ProgramData%\RasBroker\config.json on Windows,
// --config FILE on the Linux dev host). Every key is optional; docs/operations.md
// lists them with their defaults. Parsing is strict: an unknown key or a bad value
// is a ConfigError naming the file, the key and the problem.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "broker/config.hpp"

namespace rasbroker::config {

struct LogConfig {
  std::string level = "info";  // trace|debug|info|warn|error|critical|off
  std::string dir;             // "" = platform default (Windows: %ProgramData%\RasBroker\logs)
  std::uint32_t max_size_mb = 10;
  std::uint32_t max_files = 5;
  // The request audit reaches the log within this long (docs/operations.md, "Logging"); a
  // crash loses at most this long of it. 0: every audit line is written at once, as any
  // other line (a write per request).
  std::uint32_t flush_interval_ms = 1000;
};

struct ServiceConfig {
  broker::BrokerConfig broker;
  std::string pipe_name = "rasbroker";      // \\.\pipe\<pipe_name>
  std::vector<std::string> allowed_groups;  // extra groups granted read/write on the pipe
  std::uint32_t max_clients = 64;           // concurrent pipe/socket clients
  // Client identity and its limits (docs/operations.md, docs/security.md).
  std::uint32_t max_clients_per_user = 0;  // 0: the default, clients_per_user_limit()
  std::string socket_group;                // the Linux dev host: group admitted to the socket ("": owner only)
  // The Linux dev host's data folder (the journal); "" = none. The Windows service refuses
  // the key: its data folder is %ProgramData%\RasBroker, secured to administrators.
  std::string data_dir;
  LogConfig log;
};

// The places one user may hold: max_clients_per_user, at most max_clients; by default a
// quarter of max_clients (at least 1), so that one user never holds every place.
std::size_t clients_per_user_limit(const ServiceConfig& c);

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

ServiceConfig parse_service_config(const nlohmann::json& j, const std::string& where);
// The text of a configuration file; `where` names it in errors.
ServiceConfig parse_service_config_text(std::string_view text, const std::string& where);
// A missing file gives the defaults when `missing_ok`; otherwise a ConfigError.
ServiceConfig load_service_config(const std::string& path, bool missing_ok);

}  // namespace rasbroker::config
