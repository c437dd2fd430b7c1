#pragma once
// rasbrokerd.exe set-config: install-time settings (the MSI's ALLOWEDGROUPS, PIPENAME
// and ONSTOP) written into the configuration file. The merge and its check are portable
// (config/install_settings.hpp); here the Windows-only parts: allowed_groups must resolve
// to groups on this machine (as the service checks at start), and the file is replaced
// atomically.
#include <string>

#include "config/install_settings.hpp"

namespace rasbroker::winhost {

// Writes `settings` into the file at `path` (UTF-8), creating it if missing: a temporary
// file beside it, flushed, then moved over it, so that the service never reads half a
// file and a failure leaves the old one. True when the file changed. Throws
// config::ConfigError for a bad value or a file the service would refuse (nothing is
// written), Win32Error when the file cannot be read or written.
bool write_install_settings(const std::string& path, const config::InstallSettings& settings);

}  // namespace rasbroker::winhost
