#pragma once
// The authorisation settings (configuration key "authorization" and the allow-list
// "allowed_entries"; docs/operations.md lists them with their defaults). authz::Policy
// (policy.hpp) applies them.
#include <map>
#include <string>
#include <vector>

#include "rasbroker/protocol/entry_name.hpp"

namespace rasbroker::authz {

// Which connections `list` and `watch` show a user who is not an administrator.
enum class ListScope { all, own };

// Who, besides the owner, may hang up a connection of a given kind.
enum class HangupRight { admins, anyone };

struct Rules {
  // The allow-list, keyed by entry name as RAS compares them. Each entry maps to the groups
  // whose members may dial it; no groups: every admitted user. An entry that is not listed is
  // dialled by no one, administrators included (it is the administrator's own statement of
  // what the service dials). Empty: every entry, for every admitted user.
  std::map<std::string, std::vector<std::string>, protocol::EntryNameLess> entries;
  ListScope list = ListScope::all;
  // false: other users' connections are listed without their owner (pid, user).
  bool show_other_owners = true;
  // Connections the service dialled for another user.
  HangupRight hangup_others = HangupRight::admins;
  // Connections the service did not dial (found by enumeration), whoever dialled them.
  HangupRight hangup_adopted = HangupRight::admins;
};

}  // namespace rasbroker::authz
