// Which phonebook entries a RAS caller finds (rules and sources: phonebook_scope.hpp,
// docs/simulator.md).
#include "simulator/phonebook_scope.hpp"

#include "core/ascii_case.hpp"

namespace rasbroker::sim {
namespace {

constexpr std::string_view kPbkFolderInProfile = "\\AppData\\Roaming\\Microsoft\\Network\\Connections\\Pbk";
constexpr std::string_view kSystemProfile = "C:\\Windows\\System32\\config\\systemprofile";

// The folder part of a Windows path ("" when it has none).
std::string_view folder_of(std::string_view path) {
  const auto slash = path.rfind('\\');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

bool same_folder(std::string_view a, std::string_view b) {
  return equals_ignoring_ascii_case(folder_of(a), folder_of(b));
}

}  // namespace

std::string profile_phonebook(std::string_view account) {
  const std::string profile = equals_ignoring_ascii_case(account, kSystemAccount)
                                  ? std::string(kSystemProfile)
                                  : "C:\\Users\\" + std::string(account);
  return profile + std::string(kPbkFolderInProfile) + "\\rasphone.pbk";
}

std::string entry_phonebook(const EntrySpec& e) {
  if (!e.phonebook.empty()) return e.phonebook;
  return e.user.empty() ? std::string(kSystemPhonebook) : profile_phonebook(e.user);
}

bool same_phonebook(std::string_view a, std::string_view b) {
  if (a.empty()) a = kSystemPhonebook;
  if (b.empty()) b = kSystemPhonebook;
  return equals_ignoring_ascii_case(a, b);
}

bool all_users_phonebook(std::string_view path) {
  return same_folder(path.empty() ? kSystemPhonebook : path, kSystemPhonebook);
}

bool phonebook_visible(const EntrySpec& e, std::string_view phonebook, std::string_view account,
                       NullPhonebook reading) {
  const std::string file = entry_phonebook(e);
  if (!phonebook.empty()) return same_phonebook(file, phonebook);
  if (reading == NullPhonebook::system_phonebook) return same_phonebook(file, kSystemPhonebook);
  // "all the remote access phone-book files in the AllUsers profile and the user's profile"
  // (RasEnumEntries): every file of the two folders, no other.
  return all_users_phonebook(file) || same_folder(file, profile_phonebook(account));
}

}  // namespace rasbroker::sim
