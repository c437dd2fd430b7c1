// The scenario's JSON value readers (see scenario_json.hpp).
#include "simulator/scenario_json.hpp"

#include "simulator/scenario.hpp"

namespace rasbroker::sim::scenario_json {

void fail(const std::string& path, const std::string& problem) { throw ScenarioError(path + ": " + problem); }

std::string quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::uint64_t unsigned_value(const json& v, const std::string& path, std::uint64_t max, const char* what) {
  // Booleans and floats are not integers here. Parsed text stores non-negative integers
  // as number_unsigned; json built in C++ from int literals stores number_integer.
  if (!v.is_number_integer() || (!v.is_number_unsigned() && v.get<std::int64_t>() < 0)) {
    fail(path, std::string("must be ") + what);
  }
  const auto value = v.get<std::uint64_t>();
  if (value > max) fail(path, "must be at most " + std::to_string(max));
  return value;
}

std::chrono::milliseconds millis(const json& v, const std::string& path) {
  return std::chrono::milliseconds(
      static_cast<std::int64_t>(unsigned_value(v, path, kMaxMs, "a non-negative integer")));
}

std::uint32_t error_code(const json& v, const std::string& path) {
  const auto value = unsigned_value(v, path, kMaxError, "a non-zero error code");
  if (value == 0) fail(path, "must be a non-zero error code");
  return static_cast<std::uint32_t>(value);
}

std::string string_value(const json& v, const std::string& path) {
  if (!v.is_string()) fail(path, "must be a string");
  return v.get<std::string>();
}

std::string non_empty_string(const json& v, const std::string& path, std::size_t max_len) {
  if (!v.is_string() || v.get_ref<const std::string&>().empty()) {
    fail(path, "must be a non-empty string");
  }
  auto s = v.get<std::string>();
  if (s.size() > max_len) fail(path, "longer than " + std::to_string(max_len) + " characters");
  return s;
}

bool boolean(const json& v, const std::string& path) {
  if (!v.is_boolean()) fail(path, "must be true or false");
  return v.get<bool>();
}

}  // namespace rasbroker::sim::scenario_json
