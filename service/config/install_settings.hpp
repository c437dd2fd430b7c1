#pragma once
// Install-time settings: what `rasbrokerd.exe set-config` (run by the MSI with its
// ALLOWEDGROUPS, PIPENAME and ONSTOP properties, or by an administrator) writes into the
// configuration file. Only the keys given change: every other key an administrator
// edited is kept, in its place. The result must pass parse_service_config, the check the
// service makes at start, or nothing is written.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rasbroker::config {

struct InstallSettings {
  // Each as given on the command line; absent or "" leaves the key as it is, so that an
  // installer can pass every property on every install and upgrade.
  std::optional<std::string> allowed_groups = std::nullopt;  // "Users;CONTOSO\VPN Users" (';' or ',' between names)
  std::optional<std::string> pipe_name = std::nullopt;
  std::optional<std::string> on_stop = std::nullopt;  // "hangup" or "leave"
};

// "A; B,C" -> A, B, C: group names and SIDs never contain ';' or ','; spaces around a
// name are dropped, empty names skipped.
std::vector<std::string> split_group_list(std::string_view list);

// The configuration file's new text, or nullopt when it would not change (nothing given,
// or every value already as given). `current` is the file's text, nullopt when there is
// no file. Throws ConfigError naming `where` when the current text is not valid JSON or
// the result would not be a valid configuration (a bad value given, or a bad key already
// in the file).
std::optional<std::string> updated_config_text(const std::optional<std::string>& current, const InstallSettings& settings,
                                               const std::string& where);

}  // namespace rasbroker::config
