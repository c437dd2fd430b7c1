#include "install/settings_refusal.hpp"

#include "config/service_config.hpp"
#include "security/file_trust.hpp"

namespace rasbroker::install {
namespace {

// The MSI property behind each setting, in the order the installer documents them.
struct Property {
  const char* name;
  std::optional<std::string> config::InstallSettings::*setting;
};
constexpr Property kProperties[] = {
    {"ALLOWEDGROUPS", &config::InstallSettings::allowed_groups},
    {"PIPENAME", &config::InstallSettings::pipe_name},
    {"ONSTOP", &config::InstallSettings::on_stop},
};

// A value is shown in full up to this size: enough for any real group list, while a
// pasted blob cannot push the reason out of the log line.
constexpr std::size_t kValueBytes = 200;
constexpr std::size_t kRefusalBytes = 600;

// What is wrong with one property's value, judged alone so that the reason names it.
std::optional<std::string> problem_of(const Property& property, const std::string& value,
                                      const GroupCheck& check_groups) {
  const std::string where = std::string(property.name) + "=\"" + security::printable(value, kValueBytes) + "\"";
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

std::optional<std::string> refusal_of(const config::InstallSettings& settings, const GroupCheck& check_groups) {
  std::string refusals;
  for (const auto& property : kProperties) {
    const auto& value = settings.*property.setting;
    if (!value || value->empty()) continue;
    if (const auto problem = problem_of(property, *value, check_groups)) {
      if (!refusals.empty()) refusals += "; ";
      refusals += *problem;
    }
  }
  if (refusals.empty()) return std::nullopt;
  return refusals;
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
