// Fuzz target: the service configuration file (service/config/service_config.hpp), the text
// an administrator writes and the service reads at start. A bad file must be a ConfigError
// naming the problem, never a crash or another exception; a file that is accepted gives
// limits the service can run with.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "config/service_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto config = rasbroker::config::parse_service_config_text(text, "config.json");
    const std::size_t per_user = rasbroker::config::clients_per_user_limit(config);
    // Admission needs a place for one user and never more than the service has.
    if (config.max_clients > 0 && (per_user < 1 || per_user > config.max_clients)) std::abort();
  } catch (const rasbroker::config::ConfigError&) {
    // the documented refusal
  }
  return 0;
}
