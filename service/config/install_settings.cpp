#include "config/install_settings.hpp"

#include <nlohmann/json.hpp>

#include "config/service_config.hpp"

namespace rasbroker::config {
namespace {

// ordered_json: the administrator's keys stay in the order they wrote them.
using Document = nlohmann::ordered_json;

bool given(const std::optional<std::string>& value) { return value.has_value() && !value->empty(); }

}  // namespace

std::vector<std::string> split_group_list(std::string_view list) {
  std::vector<std::string> names;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t end = std::min(list.find_first_of(";,", start), list.size());
    std::string_view name = list.substr(start, end - start);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (!name.empty()) names.emplace_back(name);
    start = end + 1;
  }
  return names;
}

std::optional<std::string> updated_config_text(const std::optional<std::string>& current, const InstallSettings& settings,
                                               const std::string& where) {
  Document doc = Document::object();
  if (current) {
    try {
      doc = Document::parse(*current);
    } catch (const Document::parse_error& e) {
      throw ConfigError(where + ": is not valid JSON (" + e.what() + "); fix or remove it first");
    }
    if (!doc.is_object()) throw ConfigError(where + ": must be a JSON object; fix or remove it first");
  }
  Document updated = doc;
  if (given(settings.allowed_groups)) updated["allowed_groups"] = split_group_list(*settings.allowed_groups);
  if (given(settings.pipe_name)) updated["pipe_name"] = *settings.pipe_name;
  if (given(settings.on_stop)) updated["on_stop"] = *settings.on_stop;
  // The service's own check, on the whole result: a bad value given here and a bad key an
  // administrator left in the file are refused alike, before anything is written.
  parse_service_config(nlohmann::json::parse(updated.dump()), where);
  if (current && updated == doc) return std::nullopt;
  if (!current && updated.empty()) return std::nullopt;
  return updated.dump(2) + "\n";
}

}  // namespace rasbroker::config
