#include "endpoint.hpp"

#include <cstdlib>

namespace rasbroker::client {

namespace {
std::optional<std::string> env(const char* name) {
  const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read once at start
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}
}  // namespace

std::string resolve_endpoint(const std::optional<std::string>& option,
                             const std::optional<std::string>& env_endpoint,
                             const std::optional<std::string>& xdg_runtime_dir) {
  if (option && !option->empty()) return *option;
  if (env_endpoint && !env_endpoint->empty()) return *env_endpoint;
#ifdef _WIN32
  (void)xdg_runtime_dir;
  return R"(\\.\pipe\rasbroker)";
#else
  std::string dir = (xdg_runtime_dir && !xdg_runtime_dir->empty()) ? *xdg_runtime_dir : "/tmp";
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir + "/rasbroker.sock";
#endif
}

std::string resolve_endpoint_from_environment(const std::optional<std::string>& option) {
  return resolve_endpoint(option, env("RASBROKER_ENDPOINT"), env("XDG_RUNTIME_DIR"));
}

std::string pipe_path(const std::string& endpoint) {
  auto is_slash = [](char c) { return c == '\\' || c == '/'; };
  if (endpoint.size() >= 2 && is_slash(endpoint[0]) && is_slash(endpoint[1])) return endpoint;
  return R"(\\.\pipe\)" + endpoint;
}

std::string pipe_access_denied_message(const std::string& path) {
  return "cannot connect to " + path +
         ": access denied; the service admits SYSTEM, elevated administrators, Network Configuration "
         "Operators and the groups in allowed_groups: run from an elevated prompt, or ask an administrator "
         "to add your group to allowed_groups";
}

std::string start_service_hint() {
#ifdef _WIN32
  return "Is the service running? Start it as an administrator with `sc start RasBroker` "
         "(or `net start RasBroker`), or pass the right pipe with --endpoint / RASBROKER_ENDPOINT.";
#else
  return "Is the service running? Start it with `rasbrokerd --simulate SCENARIO.json`, "
         "or pass the right socket with --endpoint / RASBROKER_ENDPOINT.";
#endif
}

}  // namespace rasbroker::client
