#include "broker/phonebooks.hpp"

#include <algorithm>
#include <exception>

#include "rasbroker/protocol/entry_name.hpp"

namespace rasbroker::broker {

bool Phonebooks::same_path(std::string_view a, std::string_view b) {
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == lower(y); });
}

bool Phonebooks::allowed(std::string_view path, ras::RasApi& ras) const {
  if (path.empty()) return true;
  const auto same = [path](std::string_view p) { return same_path(p, path); };
  if (std::any_of(configured_.begin(), configured_.end(), same)) return true;
  // The system phonebooks have machine- and user-specific paths: ask RAS which they are.
  std::vector<ras::PhonebookEntry> system;
  if (ras.enum_entries("", system) != ras::err::kSuccess) return false;
  return std::any_of(system.begin(), system.end(), [&](const ras::PhonebookEntry& e) { return same(e.phonebook); });
}

std::optional<std::string> Phonebooks::untrusted(std::string_view path) const {
  const auto same = [path](std::string_view p) { return same_path(p, path); };
  if (path.empty() || std::none_of(configured_.begin(), configured_.end(), same)) return std::nullopt;
  // The path as given is checked: it is what RAS would open.
  std::optional<std::string> why;
  try {
    why = trust_ ? trust_(std::string(path))
                 : std::optional<std::string>(std::string(path) + " cannot be checked: this host has no check");
  } catch (const std::exception& e) {
    why = std::string(path) + " cannot be checked: " + e.what();
  }
  if (why) why = security::printable(*why);
  return why;
}

std::uint32_t Phonebooks::list(const std::string& path, ras::RasApi& ras, std::vector<ras::PhonebookEntry>& out,
                               std::vector<std::string>& unreadable, std::vector<std::string>& refused) const {
  out.clear();
  if (!path.empty()) return ras.enum_entries(path, out);
  if (auto rc = ras.enum_entries("", out); rc != ras::err::kSuccess) return rc;
  for (const auto& file : configured_) {
    if (auto why = untrusted(file)) {
      refused.push_back(std::move(*why));
      // Not even where RAS reports its entries with the system phonebook's.
      std::erase_if(out, [&](const ras::PhonebookEntry& e) { return same_path(e.phonebook, file); });
      continue;
    }
    std::vector<ras::PhonebookEntry> more;
    if (ras.enum_entries(file, more) != ras::err::kSuccess) {
      unreadable.push_back(file);
      continue;
    }
    for (auto& e : more) {
      const bool listed = std::any_of(out.begin(), out.end(), [&](const ras::PhonebookEntry& o) {
        return protocol::same_entry(o.name, e.name) && same_path(o.phonebook, e.phonebook);
      });
      if (!listed) out.push_back(std::move(e));
    }
  }
  return ras::err::kSuccess;
}

}  // namespace rasbroker::broker
