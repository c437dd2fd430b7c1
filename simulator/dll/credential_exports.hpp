#pragma once
// Saved credentials and EAP identities of the simulated rasapi32.dll
// (credential_exports.cpp): what the test exports report of them.
#include <cstddef>

namespace rasbroker::sim::dll {

// RASEAPUSERIDENTITYW buffers RasGetEapUserIdentityW handed out that nobody has freed with
// RasFreeEapUserIdentityW (in this process, whichever engine made them).
std::size_t eap_identities_not_freed();

}  // namespace rasbroker::sim::dll
