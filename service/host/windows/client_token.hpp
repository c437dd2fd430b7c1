#pragma once
// What a client's access token says about it, for authz::Caller: its user, whether it is
// an administrator, and the groups it may act as. Read from the token the pipe client
// itself presents (pipe_identity.hpp) — never from anything the client says.
#include <windows.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace rasbroker::winhost {

// The token's TokenUser and TokenGroups as GetTokenInformation wrote them. Read while
// impersonating (the shorter the better); made sense of afterwards, as the service.
struct RawToken {
  std::vector<BYTE> user;    // TOKEN_USER
  std::vector<BYTE> groups;  // TOKEN_GROUPS
};

// Reads both from a token opened with TOKEN_QUERY; nullopt with `why` when it cannot.
std::optional<RawToken> read_raw_token(HANDLE token, std::string& why);

struct ClientToken {
  std::string user;  // "DOMAIN\\name" (account_name)
  // The user is SYSTEM, or Administrators is an ENABLED group. A UAC-filtered token lists
  // Administrators as deny-only: such a client is not an administrator, as Windows
  // itself would not let it act as one.
  bool admin = false;
  // The enabled groups as string SIDs; deny-only and disabled groups are left out, as
  // an access check leaves them out.
  std::set<std::string> enabled_groups;
};

// Names the user (LookupAccountSidW) and reads the groups.
ClientToken client_token(const TOKEN_USER& user, const TOKEN_GROUPS& groups);
ClientToken client_token(const RawToken& raw);

}  // namespace rasbroker::winhost
