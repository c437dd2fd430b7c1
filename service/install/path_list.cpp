#include "install/path_list.hpp"

#include <algorithm>

#include "core/ascii_case.hpp"

namespace rasbroker::install {
namespace {

// The folder an entry names: trimmed of spaces, of one pair of quotes (PATH entries with
// a ';' in them must be quoted, and some installers quote every entry), and of trailing
// backslashes, except the one of a drive root ("C:\" stays "C:\": "C:" is another folder,
// the drive's current one).
std::string_view folder_of(std::string_view entry) {
  const auto trim = [](std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
  };
  entry = trim(entry);
  if (entry.size() >= 2 && entry.front() == '"' && entry.back() == '"') entry = trim(entry.substr(1, entry.size() - 2));
  while (entry.size() > 1 && (entry.back() == '\\' || entry.back() == '/') && !(entry.size() == 3 && entry[1] == ':'))
    entry.remove_suffix(1);
  return entry;
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += ';';
    out += parts[i];
  }
  return out;
}

}  // namespace

std::vector<std::string> split_path_list(std::string_view value) {
  std::vector<std::string> parts;
  if (value.empty()) return parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = value.find(';', start);
    parts.emplace_back(value.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

std::string path_folder_problem(std::string_view folder) {
  const bool drive = folder.size() >= 3 && ((folder[0] | 0x20) >= 'a' && (folder[0] | 0x20) <= 'z') &&
                     folder[1] == ':' && (folder[2] == '\\' || folder[2] == '/');
  const bool unc = folder.size() >= 3 && folder[0] == '\\' && folder[1] == '\\' && folder[2] != '\\';
  if (!drive && !unc) return "must be an absolute path (C:\\... or \\\\server\\share\\...)";
  if (folder.find_first_of(";\"") != std::string_view::npos) return "must not contain ';' or '\"'";
  return {};
}

bool same_path_entry(std::string_view a, std::string_view b) {
  const std::string_view fa = folder_of(a);
  return !fa.empty() && equals_ignoring_ascii_case(fa, folder_of(b));
}

std::optional<std::string> path_list_with(std::string_view value, std::string_view folder) {
  const auto parts = split_path_list(value);
  if (std::any_of(parts.begin(), parts.end(), [&](const std::string& p) { return same_path_entry(p, folder); }))
    return std::nullopt;
  std::string out(value);
  if (!out.empty()) out += ';';
  out += folder;
  return out;
}

std::optional<std::string> path_list_without(std::string_view value, std::string_view folder) {
  auto parts = split_path_list(value);
  const auto kept = std::remove_if(parts.begin(), parts.end(), [&](const std::string& p) { return same_path_entry(p, folder); });
  if (kept == parts.end()) return std::nullopt;
  parts.erase(kept, parts.end());
  return join(parts);
}

}  // namespace rasbroker::install
