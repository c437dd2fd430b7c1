#include "host/windows/client_token.hpp"

#include "host/windows/group_sids.hpp"
#include "host/windows/pipe_identity.hpp"
#include "host/windows/win32_util.hpp"

namespace rasbroker::winhost {

namespace {

constexpr const char* kLocalSystemSid = "S-1-5-18";
constexpr const char* kAdministratorsSid = "S-1-5-32-544";

std::optional<std::vector<BYTE>> token_information(HANDLE token, TOKEN_INFORMATION_CLASS what, std::string& why) {
  DWORD size = 0;
  GetTokenInformation(token, what, nullptr, 0, &size);
  if (size == 0) {
    why = "GetTokenInformation: " + win32_error_text(GetLastError());
    return std::nullopt;
  }
  std::vector<BYTE> buffer(size);
  if (!GetTokenInformation(token, what, buffer.data(), size, &size)) {
    why = "GetTokenInformation: " + win32_error_text(GetLastError());
    return std::nullopt;
  }
  return buffer;
}

}  // namespace

std::optional<RawToken> read_raw_token(HANDLE token, std::string& why) {
  auto user = token_information(token, TokenUser, why);
  if (!user) return std::nullopt;
  auto groups = token_information(token, TokenGroups, why);
  if (!groups) return std::nullopt;
  return RawToken{std::move(*user), std::move(*groups)};
}

ClientToken client_token(const TOKEN_USER& user, const TOKEN_GROUPS& groups) {
  ClientToken token;
  token.user = account_name(user.User.Sid);
  for (DWORD i = 0; i < groups.GroupCount; ++i) {
    const DWORD attributes = groups.Groups[i].Attributes;
    if ((attributes & SE_GROUP_ENABLED) == 0 || (attributes & SE_GROUP_USE_FOR_DENY_ONLY) != 0) continue;
    token.enabled_groups.insert(sid_to_string(groups.Groups[i].Sid));
  }
  token.admin = sid_to_string(user.User.Sid) == kLocalSystemSid || token.enabled_groups.contains(kAdministratorsSid);
  return token;
}

ClientToken client_token(const RawToken& raw) {
  return client_token(*reinterpret_cast<const TOKEN_USER*>(raw.user.data()),
                      *reinterpret_cast<const TOKEN_GROUPS*>(raw.groups.data()));
}

}  // namespace rasbroker::winhost
