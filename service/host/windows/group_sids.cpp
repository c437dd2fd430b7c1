#include "host/windows/group_sids.hpp"

#include <sddl.h>

#include <vector>

#include "host/windows/win32_util.hpp"
#include "security/pipe_sddl.hpp"

namespace rasbroker::winhost {

std::string sid_to_string(PSID sid) {
  LocalPtr<wchar_t> text;
  if (!ConvertSidToStringSidW(sid, text.out())) throw Win32Error("ConvertSidToStringSid", GetLastError());
  return narrow(text.get());
}

std::optional<ResolvedAccount> resolve_account(const std::string& name, std::string& why) {
  const std::wstring wide = widen(name);
  if (security::is_sid_string(name)) {
    // Scoped: the SID is freed also when sid_to_string throws.
    LocalPtr<void> sid;
    if (!ConvertStringSidToSidW(wide.c_str(), sid.out())) {
      why = "not a valid SID";
      return std::nullopt;
    }
    return ResolvedAccount{sid_to_string(sid.get()), SidTypeGroup};
  }
  DWORD sid_size = 0, domain_size = 0;
  SID_NAME_USE use{};
  LookupAccountNameW(nullptr, wide.c_str(), nullptr, &sid_size, nullptr, &domain_size, &use);
  const DWORD probe_error = GetLastError();
  if (sid_size == 0) {
    why = "LookupAccountName: " + win32_error_text(probe_error);
    return std::nullopt;
  }
  std::vector<BYTE> sid(sid_size);
  std::wstring domain(domain_size, L'\0');
  if (!LookupAccountNameW(nullptr, wide.c_str(), sid.data(), &sid_size, domain.data(), &domain_size, &use)) {
    why = "LookupAccountName: " + win32_error_text(GetLastError());
    return std::nullopt;
  }
  return ResolvedAccount{sid_to_string(sid.data()), use};
}

std::optional<std::string> lookup_group_sid(const std::string& name) {
  std::string why;
  auto account = resolve_account(name, why);
  if (!account || !account->is_group()) return std::nullopt;
  return account->sid;
}

std::optional<std::string> GroupSidCache::sid_of(std::string_view name) {
  std::lock_guard lock(mutex_);
  if (auto it = known_.find(name); it != known_.end()) return it->second;
  auto sid = resolve_(std::string(name));
  known_.emplace(std::string(name), sid);
  return sid;
}

std::function<bool(std::string_view)> member_of_groups(std::set<std::string> enabled_group_sids,
                                                       std::shared_ptr<GroupSidCache> cache) {
  return [groups = std::move(enabled_group_sids), cache = std::move(cache)](std::string_view name) {
    const auto sid = cache->sid_of(name);
    return sid && groups.contains(*sid);
  };
}

}  // namespace rasbroker::winhost
