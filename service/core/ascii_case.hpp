#pragma once
// Comparison that ignores the case of ASCII letters only: for names that are not entry
// names — RASDT_* device types, user names in the simulator, program names and keywords
// in the client. Entry names follow RAS's own rule instead
// (protocol/include/rasbroker/protocol/entry_name.hpp).
#include <algorithm>
#include <string_view>

namespace rasbroker {

inline bool equals_ignoring_ascii_case(std::string_view a, std::string_view b) {
  const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == lower(y); });
}

}  // namespace rasbroker
