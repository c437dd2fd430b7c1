#pragma once
// The JSON value readers the scenario parser (scenario.cpp) is built from: each checks one
// value's type and range and throws ScenarioError naming the value's path ("entries[2].connect_ms")
// and what is wrong with it. Internal to the simulator.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

namespace rasbroker::sim::scenario_json {

using nlohmann::json;

// Largest accepted millisecond value: fits a DWORD-sized timeout and never overflows.
inline constexpr std::uint64_t kMaxMs = 2147483647;
inline constexpr std::uint64_t kMaxError = 0xFFFFFFFFu;

[[noreturn]] void fail(const std::string& path, const std::string& problem);
std::string quote(std::string_view s);

template <std::size_t N>
void reject_unknown_keys(const json& object, const std::string& path, const std::array<std::string_view, N>& known) {
  for (const auto& item : object.items()) {
    if (std::find(known.begin(), known.end(), item.key()) == known.end()) {
      fail(path, "unknown key " + quote(item.key()));
    }
  }
}

// A non-negative integer up to `max`; `what` completes "must be ..." when it is not one.
std::uint64_t unsigned_value(const json& v, const std::string& path, std::uint64_t max, const char* what);
std::chrono::milliseconds millis(const json& v, const std::string& path);  // 0 … kMaxMs
std::uint32_t error_code(const json& v, const std::string& path);          // 1 … kMaxError
std::string string_value(const json& v, const std::string& path);
std::string non_empty_string(const json& v, const std::string& path, std::size_t max_len);
bool boolean(const json& v, const std::string& path);

// A string that must be one of `choices`; `what` names it in the error ("drop mode").
template <typename E>
E one_of(const json& v, const std::string& path, std::initializer_list<std::pair<std::string_view, E>> choices,
         std::string_view what) {
  const auto value = string_value(v, path);
  std::string names;
  for (const auto& [name, choice] : choices) {
    if (value == name) return choice;
    names += (names.empty() ? "" : ", ") + std::string(name);
  }
  fail(path, "unknown " + std::string(what) + " " + quote(value) + " (one of " + names + ")");
}

}  // namespace rasbroker::sim::scenario_json
