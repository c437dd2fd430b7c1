#pragma once
// Who is on the other end of a Unix socket, from the kernel: SO_PEERCRED (pid, uid, gid,
// as they were when the peer called connect()) and SO_PEERGROUPS (its supplementary
// groups then). A process cannot make the kernel report another uid or other groups, so
// the identity cannot be forged by the client. See docs/security.md.
#include <sys/types.h>

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "authz/caller.hpp"

namespace rasbroker::host {

// The peer of a connected socket. admin: root, or `service_uid` (the account the service
// runs as stands where SYSTEM does on Windows: it may do everything, as root may).
// member_of answers from the peer's gids. On failure an empty caller (no user, no groups,
// not admin).
authz::Caller peer_identity(int socket_fd, uid_t service_uid);

// The gid of a group name (getgrnam_r); nullopt when there is no such group.
std::optional<gid_t> group_id(const std::string& name);

// authz::Caller::member_of for a peer with these gids: the group named is looked up
// (getgrnam_r: /etc/group or NSS, as for any other program) and its gid found in the set.
std::function<bool(std::string_view)> member_of_gids(std::set<gid_t> gids);

}  // namespace rasbroker::host
