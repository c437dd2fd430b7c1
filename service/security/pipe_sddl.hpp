#pragma once
// The security policy of \\.\pipe\rasbroker as an SDDL string. Portable (string in,
// string out) so the policy is unit-tested natively; docs/operations.md documents it.
//
//   D:P                      protected DACL: nothing inherited, no one else
//   (D;;FA;;;NU)             NETWORK logons denied (with PIPE_REJECT_REMOTE_CLIENTS: twice locked)
//   (A;;FA;;;SY)             LocalSystem: full control
//   (A;;FA;;;BA)             BUILTIN\Administrators: full control
//   (A;;0x12019b;;;NO)       BUILTIN\Network Configuration Operators (S-1-5-32-556): read/write
//   (A;;0x12019b;;;<SID>)    each configured allowed_groups entry: read/write
//
// 0x12019b is FILE_GENERIC_READ | FILE_GENERIC_WRITE without FILE_CREATE_PIPE_INSTANCE:
// GENERIC_WRITE on a pipe includes the right to create further instances of it, which
// would let a group member run its own server instance and capture clients. Specific
// rights (FA, not GA) also keep the DACL as written: Windows maps generic rights when it
// applies a descriptor, so a read-back would not match a GA/GRGW policy.
#include <string>
#include <string_view>
#include <vector>

namespace rasbroker::security {

inline constexpr std::string_view kPipeSddlBase = "D:P(D;;FA;;;NU)(A;;FA;;;SY)(A;;FA;;;BA)(A;;0x12019b;;;NO)";
inline constexpr std::string_view kPipeClientRights = "0x12019b";
inline constexpr std::string_view kNetworkConfigurationOperatorsSid = "S-1-5-32-556";

// True for "S-1-<authority>-<sub>..." (decimal numbers, 1 to 15 sub-authorities).
bool is_sid_string(std::string_view s);

// The pipe's SDDL for these extra read/write groups (string SIDs, in order; duplicates
// and Network Configuration Operators, already in the base, are left out). Throws std::invalid_argument
// for anything that is not a string SID, so nothing can be injected into the SDDL.
std::string pipe_sddl(const std::vector<std::string>& group_sids);

}  // namespace rasbroker::security
