#pragma once
// How a simulation run writes what happened: virtual time, and messages without the
// wall-clock timestamps (dialed_at, connected_at, hangup_at), the one thing in the broker's
// output that is not decided by the seed: they are informational and nothing depends on them.
#include <chrono>
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "core/clock.hpp"

namespace rasbroker::dst {

// "123.456s"
inline std::string trace_time(Clock::duration since_start) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(since_start).count();
  char text[32];
  std::snprintf(text, sizeof text, "%lld.%03llds", static_cast<long long>(ms / 1000), static_cast<long long>(ms % 1000));
  return text;
}

inline nlohmann::json without_times(nlohmann::json j) {
  if (j.is_object()) {
    for (const char* key : {"dialed_at", "connected_at", "hangup_at"}) j.erase(key);
    for (auto& item : j.items()) item.value() = without_times(std::move(item.value()));
  } else if (j.is_array()) {
    for (auto& value : j) value = without_times(std::move(value));
  }
  return j;
}

// One connection, as the trace shows it: "c3 hanging_up RASCS_Disconnected reason link_lost".
inline std::string describe_connection(const nlohmann::json& c) {
  std::string s = c.value("id", "?") + " " + c.value("entry", "?") + " " + c.value("state", "?") + " " +
                  c.value("ras_state", "");
  if (c.contains("reason") && c["reason"].is_string()) s += " reason " + c["reason"].get<std::string>();
  if (c.contains("error") && c["error"].is_object()) s += " error " + std::to_string(c["error"].value("ras_error", 0));
  if (c.value("stuck", false)) s += " stuck";
  return s;
}

}  // namespace rasbroker::dst
