// Who the peer of a Unix socket is (host/linux/peer_identity.hpp), from the kernel: over a
// real connected socket pair, this process on both ends. Two real users on one socket:
// tests/e2e/linux_socket_group.sh.
#include <gtest/gtest.h>

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/local/stream_protocol.hpp>

#include "host/linux/peer_identity.hpp"

using namespace rasbroker;

namespace {

struct SocketPair {
  boost::asio::io_context io;
  boost::asio::local::stream_protocol::socket service{io}, client{io};
  SocketPair() { boost::asio::local::connect_pair(service, client); }
};

std::string name_of_group(gid_t gid) {
  const group* gr = getgrgid(gid);
  return gr ? gr->gr_name : "";
}

}  // namespace

TEST(PeerIdentity, TheKernelSaysWhoThePeerIs) {
  SocketPair pair;
  const auto who = host::peer_identity(pair.service.native_handle(), ::geteuid());
  EXPECT_EQ(who.owner.pid, ::getpid());
  const passwd* pw = getpwuid(::geteuid());
  ASSERT_NE(pw, nullptr);
  EXPECT_EQ(who.owner.user, pw->pw_name);
  EXPECT_TRUE(who.admin) << "the service's own account may do everything";
  const std::string primary = name_of_group(::getegid());
  ASSERT_FALSE(primary.empty());
  EXPECT_TRUE(who.in_group(primary)) << primary;
  EXPECT_FALSE(who.in_group("no-such-group-7e1f"));
}

TEST(PeerIdentity, ItsSupplementaryGroupsCount) {
  std::vector<gid_t> groups(static_cast<std::size_t>(getgroups(0, nullptr)));
  getgroups(static_cast<int>(groups.size()), groups.data());
  SocketPair pair;
  const auto who = host::peer_identity(pair.service.native_handle(), ::geteuid());
  for (gid_t gid : groups) {
    const std::string name = name_of_group(gid);
    if (!name.empty()) {
      EXPECT_TRUE(who.in_group(name)) << name;
    }
  }
  // A group this process is not in (when there is one) is no group of its.
  for (const char* other : {"nogroup", "daemon", "mail"}) {
    const auto gid = host::group_id(other);
    if (!gid || *gid == ::getegid() || std::find(groups.begin(), groups.end(), *gid) != groups.end()) continue;
    EXPECT_FALSE(who.in_group(other)) << other;
  }
}

// Another uid than root and the service's own is no administrator. (As root, every peer
// this process can make is root: then only the service-uid half can be shown.)
TEST(PeerIdentity, OnlyRootAndTheServicesOwnAccountAreAdministrators) {
  SocketPair pair;
  const auto who = host::peer_identity(pair.service.native_handle(), ::geteuid() + 1);
  EXPECT_EQ(who.admin, ::geteuid() == 0);
}

TEST(PeerIdentity, GroupIdsByName) {
  EXPECT_EQ(host::group_id(name_of_group(::getegid())), std::optional<gid_t>(::getegid()));
  EXPECT_FALSE(host::group_id("no-such-group-7e1f"));
}
