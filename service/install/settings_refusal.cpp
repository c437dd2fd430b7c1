#include "install/settings_refusal.hpp"

#include "config/service_config.hpp"
#include "security/file_trust.hpp"

namespace rasbroker::install {
namespace {

// A value is shown in full up to this size: enough for any real group list, while a
// pasted blob cannot push the reason out of the log line.
constexpr std::size_t kValueBytes = 200;
constexpr std::size_t kRefusalBytes = 600;

bool given(const std::optional<std::string>& value) { return value && !value->empty(); }

// NAME="value", the value escaped and capped.
std::string shown(const SettingsProperty& property, const std::string& value) {
  return std::string(property.name) + "=\"" + security::printable(value, kValueBytes) + "\"";
}

// What is wrong with one property's value, judged alone so that the reason names it.
std::optional<std::string> problem_of(const SettingsProperty& property, const std::string& value,
                                      const GroupCheck& check_groups) {
  const std::string where = shown(property, value);
  config::InstallSettings alone;
  alone.*property.setting = value;
  try {
    // The result is not wanted, only whether set-config's own code accepts the value
    // (its ConfigError begins with `where`).
    config::updated_config_text(std::nullopt, alone, where);
  } catch (const config::ConfigError& e) {
    return security::printable(e.what(), kRefusalBytes);
  }
  if (property.setting != &config::InstallSettings::allowed_groups) return std::nullopt;
  try {
    check_groups(config::split_group_list(value));
  } catch (const config::ConfigError& e) {
    return security::printable(where + ": " + e.what(), kRefusalBytes);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> refusal_of(const config::InstallSettings& settings, const GroupCheck& check_groups,
                                      const CurrentConfig& current) {
  std::string refusals;
  for (const auto& property : kSettingsProperties) {
    const auto& value = settings.*property.setting;
    if (!given(value)) continue;
    if (const auto problem = problem_of(property, *value, check_groups)) {
      if (!refusals.empty()) refusals += "; ";
      refusals += *problem;
    }
  }
  if (!refusals.empty()) return refusals;
  if (!current.text) return std::nullopt;
  try {
    config::updated_config_text(current.text, settings, current.where);
  } catch (const config::ConfigError& e) {
    // The reason names the file (`where`) and the key: the administrator's to fix.
    return security::printable(e.what(), kRefusalBytes) + " (set-config would not update the file)";
  }
  return std::nullopt;
}

std::string given_properties(const config::InstallSettings& settings) {
  std::string text;
  for (const auto& property : kSettingsProperties) {
    const auto& value = settings.*property.setting;
    if (!given(value)) continue;
    if (!text.empty()) text += ", ";
    text += shown(property, *value);
  }
  return text.empty() ? "none" : text;
}

std::string msi_literal(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '[' || c == ']' || c == '{' || c == '}') {
      out += "[\\";
      out += c;
      out += ']';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace rasbroker::install
