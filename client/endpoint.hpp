#pragma once
// Where the service listens: a named pipe on Windows, a Unix socket elsewhere.
#include <optional>
#include <string>

namespace rasbroker::client {

// The endpoint to use: --endpoint, else a non-empty RASBROKER_ENDPOINT, else the
// platform default (Windows: \\.\pipe\rasbroker; elsewhere:
// ${XDG_RUNTIME_DIR:-/tmp}/rasbroker.sock). Pure: the caller passes the environment.
std::string resolve_endpoint(const std::optional<std::string>& option,
                             const std::optional<std::string>& env_endpoint,
                             const std::optional<std::string>& xdg_runtime_dir);

// The same, reading RASBROKER_ENDPOINT and XDG_RUNTIME_DIR from the environment.
std::string resolve_endpoint_from_environment(const std::optional<std::string>& option);

// A pipe endpoint as a full path: a bare name "rasbroker" -> \\.\pipe\rasbroker;
// anything starting with two (back)slashes is kept as given.
std::string pipe_path(const std::string& endpoint);

// Why the pipe at `path` refused us (ERROR_ACCESS_DENIED) and what to do about it. The
// pipe's DACL grants BUILTIN\Administrators, but UAC gives an administrator who has not
// elevated a token in which Administrators is deny-only, so that user is refused like anyone
// else (docs/security.md): the message must say so, or "but I am an administrator" follows.
std::string pipe_access_denied_message(const std::string& path);

// How to start the service, for the "service unreachable" message.
std::string start_service_hint();

}  // namespace rasbroker::client
