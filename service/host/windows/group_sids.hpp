#pragma once
// Group names as the configuration writes them ("CORP\\vpn-users", "Administrators", or a
// string SID) resolved to string SIDs, the form a client's token lists its groups in — so
// that authz::Caller::member_of can answer from the token read when the client was
// identified. Shared by the pipe's DACL (pipe_security.hpp) and the callers' membership.
#include <windows.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace rasbroker::winhost {

// A SID as text ("S-1-5-32-544"). Throws Win32Error.
std::string sid_to_string(PSID sid);

struct ResolvedAccount {
  std::string sid;  // string SID
  SID_NAME_USE use{};
  bool is_group() const { return use == SidTypeGroup || use == SidTypeAlias || use == SidTypeWellKnownGroup; }
};

// LookupAccountNameW of `name`; a string SID is taken as written (validated by
// ConvertStringSidToSidW, and reported as a group: a SID says nothing of its kind).
// nullopt with `why` when the name is unknown or not a valid SID.
std::optional<ResolvedAccount> resolve_account(const std::string& name, std::string& why);

// The string SID of a group name, or nullopt when it is unknown or not a group.
std::optional<std::string> lookup_group_sid(const std::string& name);

// Group name -> SID, each name resolved once per service run (a lookup may ask a domain
// controller: never once per request). An unknown name is remembered too. Thread-safe.
class GroupSidCache {
 public:
  using Resolver = std::function<std::optional<std::string>(const std::string& name)>;
  explicit GroupSidCache(Resolver resolve = lookup_group_sid) : resolve_(std::move(resolve)) {}

  std::optional<std::string> sid_of(std::string_view name);

 private:
  Resolver resolve_;
  std::mutex mutex_;
  std::map<std::string, std::optional<std::string>, std::less<>> known_;
};

// authz::Caller::member_of for a client whose token has these enabled group SIDs: the
// group named is resolved through `cache` and looked up in the set.
std::function<bool(std::string_view)> member_of_groups(std::set<std::string> enabled_group_sids,
                                                       std::shared_ptr<GroupSidCache> cache);

}  // namespace rasbroker::winhost
