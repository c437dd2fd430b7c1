#include "security/file_trust.hpp"

#include <cstdio>

namespace rasbroker::security {

std::string untrusted_reason(std::string_view file, std::string_view part, std::string_view problem) {
  std::string reason(file);
  if (part != file) {
    reason += ": the folder ";
    reason += part;
  }
  reason += ' ';
  reason += problem;
  return reason;
}

namespace {

std::string joined(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

}  // namespace

std::string problems_text(const std::vector<std::string>& writers, const std::vector<std::string>& others) {
  std::vector<std::string> problems;
  if (!writers.empty()) problems.push_back("is writable by " + joined(writers, ", "));
  problems.insert(problems.end(), others.begin(), others.end());
  return joined(problems, " and ");
}

std::string printable(std::string_view text, std::size_t max_bytes) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    // One unit: an escaped control character, or one UTF-8 character (a lead byte and
    // its continuation bytes; a stray byte on its own). Only whole units are copied.
    const auto c = static_cast<unsigned char>(text[i]);
    std::string unit;
    std::size_t length = 1;
    if (c < 0x20 || c == 0x7F) {
      char escaped[5];
      std::snprintf(escaped, sizeof escaped, "\\x%02X", c);
      unit = escaped;
    } else {
      if (c >= 0xC0)
        while (i + length < text.size() && (static_cast<unsigned char>(text[i + length]) & 0xC0) == 0x80) ++length;
      unit = text.substr(i, length);
    }
    if (out.size() + unit.size() > max_bytes) break;
    out += unit;
    i += length;
  }
  if (i < text.size()) out += "...";
  return out;
}

}  // namespace rasbroker::security
