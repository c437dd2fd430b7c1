#include "host/linux/peer_identity.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

namespace rasbroker::host {

namespace {

// The peer's supplementary groups as the kernel recorded them at connect() (Linux 4.13+).
// Older kernels: the groups its user has in the group database now (getgrouplist), which
// is what the peer got at login unless it changed them since.
std::set<gid_t> peer_groups(int fd, const ucred& cred, const char* user_name) {
  std::set<gid_t> gids{cred.gid};
#ifdef SO_PEERGROUPS
  std::vector<gid_t> buf(64);
  for (int attempt = 0; attempt < 2; ++attempt) {
    socklen_t len = static_cast<socklen_t>(buf.size() * sizeof(gid_t));
    if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, buf.data(), &len) == 0) {
      gids.insert(buf.begin(), buf.begin() + len / sizeof(gid_t));
      return gids;
    }
    if (errno != ERANGE) break;
    buf.resize(len / sizeof(gid_t) + 1);  // the kernel said how many there are
  }
#endif
  if (!user_name) return gids;
  std::vector<gid_t> listed(64);
  int n = static_cast<int>(listed.size());
  if (getgrouplist(user_name, cred.gid, listed.data(), &n) == -1) {
    listed.resize(static_cast<std::size_t>(n));
    if (getgrouplist(user_name, cred.gid, listed.data(), &n) == -1) return gids;
  }
  gids.insert(listed.begin(), listed.begin() + n);
  return gids;
}

}  // namespace

std::optional<gid_t> group_id(const std::string& name) {
  group gr{};
  group* found = nullptr;
  std::vector<char> buf(4096);
  while (getgrnam_r(name.c_str(), &gr, buf.data(), buf.size(), &found) == ERANGE && buf.size() < (1u << 20))
    buf.resize(buf.size() * 2);
  if (!found) return std::nullopt;
  return found->gr_gid;
}

std::function<bool(std::string_view)> member_of_gids(std::set<gid_t> gids) {
  return [gids = std::move(gids)](std::string_view name) {
    const auto gid = group_id(std::string(name));
    return gid && gids.contains(*gid);
  };
}

authz::Caller peer_identity(int socket_fd, uid_t service_uid) {
  authz::Caller who;
  ucred cred{};
  socklen_t len = sizeof cred;
  if (getsockopt(socket_fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return who;
  who.owner.pid = cred.pid;
  who.admin = cred.uid == 0 || cred.uid == service_uid;
  passwd pw{};
  passwd* found = nullptr;
  char buf[1024];
  const bool named = getpwuid_r(cred.uid, &pw, buf, sizeof buf, &found) == 0 && found;
  who.owner.user = named ? found->pw_name : std::to_string(cred.uid);
  who.member_of = member_of_gids(peer_groups(socket_fd, cred, named ? found->pw_name : nullptr));
  return who;
}

}  // namespace rasbroker::host
