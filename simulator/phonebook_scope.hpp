#pragma once
// Which phonebook entries a RAS caller finds (docs/simulator.md, "Phonebooks and the calling
// account"). RAS keeps all-user connections in %ProgramData%\Microsoft\Network\Connections\Pbk
// and each user's own in that user's %AppData%\Microsoft\Network\Connections\Pbk; with a NULL
// phonebook it reads the all-users phonebooks and the *calling* account's own, so a service
// running as LocalSystem finds no entry a user made for themselves. A phonebook named by its
// path is read whoever owns it: LocalSystem can read every file.
#include <string>
#include <string_view>

#include "simulator/scenario.hpp"

namespace rasbroker::sim {

// The account a LocalSystem service runs as: the default calling account.
inline constexpr std::string_view kSystemAccount = "SYSTEM";

// `account`'s own phonebook, %AppData%\Microsoft\Network\Connections\Pbk\rasphone.pbk of its
// profile: C:\Users\<account>\AppData\Roaming\..., for SYSTEM (any case) its profile under
// C:\Windows\System32\config\systemprofile.
std::string profile_phonebook(std::string_view account);

// The file that holds `e`: its "phonebook", else its user's profile phonebook, else the
// system phonebook.
std::string entry_phonebook(const EntrySpec& e);

// Phonebook paths compare like Windows paths (case-insensitively); "" is the system phonebook.
bool same_phonebook(std::string_view a, std::string_view b);

// True when `path` is a phonebook of the all-users folder (RASENTRYNAME's REN_AllUsers,
// RASCONN's RASCF_AllUsers).
bool all_users_phonebook(std::string_view path);

// Whether RAS, called by `account` with `phonebook` ("" = NULL), reads the file holding `e`.
bool phonebook_visible(const EntrySpec& e, std::string_view phonebook, std::string_view account,
                       NullPhonebook reading);

}  // namespace rasbroker::sim
