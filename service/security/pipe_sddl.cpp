#include "security/pipe_sddl.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace rasbroker::security {

namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && s.size() <= 20 &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

}  // namespace

bool is_sid_string(std::string_view s) {
  if (s.size() < 2 || (s[0] != 'S' && s[0] != 's') || s[1] != '-') return false;
  s.remove_prefix(2);
  std::vector<std::string_view> parts;
  for (;;) {
    const auto dash = s.find('-');
    parts.push_back(s.substr(0, dash));
    if (dash == std::string_view::npos) break;
    s.remove_prefix(dash + 1);
  }
  // revision, authority, then 1..15 sub-authorities (SID_MAX_SUB_AUTHORITIES)
  if (parts.size() < 3 || parts.size() > 17 || parts[0] != "1") return false;
  return std::all_of(parts.begin(), parts.end(), all_digits);
}

std::string pipe_sddl(const std::vector<std::string>& group_sids) {
  std::string sddl(kPipeSddlBase);
  std::vector<std::string> seen;
  for (const auto& sid : group_sids) {
    if (!is_sid_string(sid)) throw std::invalid_argument("not a string SID: \"" + sid + "\"");
    std::string upper = sid;
    upper[0] = 'S';
    if (upper == kNetworkConfigurationOperatorsSid) continue;  // already read/write as "NO"
    if (std::find(seen.begin(), seen.end(), upper) != seen.end()) continue;
    seen.push_back(upper);
    sddl += "(A;;";
    sddl += kPipeClientRights;
    sddl += ";;;" + upper + ")";
  }
  return sddl;
}

}  // namespace rasbroker::security
