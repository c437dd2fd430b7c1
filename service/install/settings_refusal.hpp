#pragma once
// The installer's check of its settings properties (ALLOWEDGROUPS, PIPENAME, ONSTOP)
// before anything is installed. The MSI hands them to `rasbrokerd.exe set-config` in a
// deferred action, and when set-config refuses a value msiexec only logs that the action
// returned 2: its reason is lost. The MSI's DLL custom action (installer/custom_action)
// asks this check first, so a value set-config would refuse fails the install at once,
// with the reason in the MSI log, and nothing changed.
// No rule is repeated here: each value goes through config::updated_config_text, the code
// set-config runs, which ends in parse_service_config, the check the service makes at start.
#include <array>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/install_settings.hpp"

namespace rasbroker::install {

// The MSI property behind each setting (the names docs/operations.md documents), in that
// order: the custom action reads these, and every message names them.
struct SettingsProperty {
  const char* name;
  std::optional<std::string> config::InstallSettings::*setting;
};
inline constexpr std::array<SettingsProperty, 3> kSettingsProperties = {{
    {"ALLOWEDGROUPS", &config::InstallSettings::allowed_groups},
    {"PIPENAME", &config::InstallSettings::pipe_name},
    {"ONSTOP", &config::InstallSettings::on_stop},
}};

// Checks group names as the service will resolve them (on Windows resolve_group_sids:
// LookupAccountNameW). Throws config::ConfigError naming the first name it refuses.
using GroupCheck = std::function<void(const std::vector<std::string>& names)>;

// The configuration file set-config will update: its text (nullopt: there is none yet)
// and its name for messages.
struct CurrentConfig {
  std::optional<std::string> text = std::nullopt;
  std::string where = "config.json";
};

// Why the install must stop, or nullopt when set-config would accept every value given.
// Each refused property is named with its value as given (escaped, capped: it is client
// text) and what is wrong with it; several refusals are joined by "; ". A value that is
// absent or "" is not given (set-config keeps the key) and is never refused.
// When every value passes, the file itself is checked with them, as set-config will: a
// key an administrator left bad (on an upgrade) would make set-config refuse too.
std::optional<std::string> refusal_of(const config::InstallSettings& settings, const GroupCheck& check_groups,
                                      const CurrentConfig& current = {});

// The properties given, for the log of an accepted install: `NAME="value"` each (escaped,
// capped) joined by ", ", or "none" when none is given.
std::string given_properties(const config::InstallSettings& settings);

// `text` as MSI formatted text that shows itself literally: MsiProcessMessage formats its
// template, where "[NAME]" would be replaced by a property and "{...}" could vanish, so
// each of [ ] { } is written as its escape ("[\[]" and so on).
std::string msi_literal(std::string_view text);

}  // namespace rasbroker::install
