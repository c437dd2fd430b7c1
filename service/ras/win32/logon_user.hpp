#pragma once
// Who dialled a connection RASCONN.luid names: the user of that logon session, from
// LsaGetLogonSessionData (Windows only). The broker shows it as the owner of a connection
// it adopted ("adopted (CORP\bob)").
#ifdef _WIN32
#include <windows.h>
#include <ntsecapi.h>

#include <cstdint>
#include <string>

namespace rasbroker::ras {

// "DOMAIN\user" for the logon session `luid`; "" when it is unknown: luid 0, a session that
// has ended (STATUS_NO_SUCH_LOGON_SESSION), an LSA that refuses, or one that answers without
// names (Wine's semi-stub does: docs/simulator.md, "Who dialled").
std::string logon_session_user(std::uint64_t luid);

// The name in an LSA answer: "DOMAIN\user", "user" without a domain, "" without a user.
std::string logon_user_name(const SECURITY_LOGON_SESSION_DATA& session);

}  // namespace rasbroker::ras
#endif
