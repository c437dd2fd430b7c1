#pragma once
// rasbrokerd.exe set-config: install-time settings (the MSI's ALLOWEDGROUPS, PIPENAME
// and ONSTOP) written into the configuration file. The merge and its check are portable
// (config/install_settings.hpp); here the Windows-only parts: allowed_groups must resolve
// to groups on this machine (as the service checks at start), and the file is replaced
// atomically.
#include <optional>
#include <string>

#include "config/install_settings.hpp"

namespace rasbroker::winhost {

// Writes `settings` into the file at `path` (UTF-8), creating it if missing: a temporary
// file beside it, flushed, then moved over it, so that the service never reads half a
// file and a failure leaves the old one. True when the file changed. Throws
// config::ConfigError for a bad value or a file the service would refuse (nothing is
// written), Win32Error when the file cannot be read or written.
bool write_install_settings(const std::string& path, const config::InstallSettings& settings);

// The configuration file's bytes as set-config reads them, nullopt when there is none.
// A folder in its place is a config::ConfigError, a file that cannot be read a
// Win32Error: never settings written over something unknown. (The MSI's custom action
// reads it too, to check it as set-config will.)
std::optional<std::string> read_config_file(const std::wstring& path);

}  // namespace rasbroker::winhost
