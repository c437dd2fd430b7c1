#pragma once
// Who is asking: what the transport proved about a pipe or socket client when it accepted
// (or, on a pipe, first read from) it. Never taken from a request. Every authorisation
// decision (authz/policy.hpp) is made from this and nothing else.
#include <functional>
#include <string_view>

#include "rasbroker/protocol/types.hpp"

namespace rasbroker::authz {

struct Caller {
  protocol::Owner owner;  // pid and "DOMAIN\\user" (the Linux host: the user name)
  // SYSTEM or a member of Administrators (an enabled group of the client's token: a
  // UAC-filtered token is not); root on the Linux host.
  bool admin = false;
  // Whether the caller is in a group, named as the configuration names it ("CORP\\vpn-users";
  // the Linux host: a group name). Answered by the transport from what it read when it
  // identified the client (the token's groups, the peer's gids), never by asking the client.
  // Empty: in no group.
  std::function<bool(std::string_view group)> member_of;

  bool in_group(std::string_view group) const { return member_of && member_of(group); }
};

}  // namespace rasbroker::authz
