#pragma once
// The credentials a RasDialW call carries, chosen as a LocalSystem service must
// (docs/ras-rules.md#credentials): an EAP entry's identity from its EAP method, else the
// client's user name and password, else the credentials saved for the entry.
#include <windows.h>
#include <ras.h>

#include "ras/ras_api.hpp"
#include "win32/handles.hpp"

namespace rasbroker::ras::win32 {

// RasGetEapUserIdentityW's buffer, freed with RasFreeEapUserIdentityW whatever happens.
struct EapUserIdentityTraits {
  using pointer = RASEAPUSERIDENTITYW*;
  static pointer none() noexcept { return nullptr; }
  static bool valid(pointer p) noexcept { return p != nullptr; }
  static bool close(pointer p) noexcept {
    RasFreeEapUserIdentityW(p);
    return true;  // RasFreeEapUserIdentity reports nothing
  }
};
using EapUserIdentity = ScopedHandle<EapUserIdentityTraits>;

// Lives until RasDialW has returned: RASDIALEXTENSIONS points into the EAP identity.
class DialCredentials {
 public:
  DialCredentials() { extensions_.dwSize = sizeof extensions_; }
  DialCredentials(const DialCredentials&) = delete;
  DialCredentials& operator=(const DialCredentials&) = delete;

  // Fills szUserName, szPassword and szDomain of `params` (szEntryName already set) for
  // `request`. Returns 0, or the error dial() ends with before RasDialW, without a handle:
  // ERROR_INTERACTIVE_MODE (703) for an EAP entry whose method needs a user at a screen,
  // ERROR_INVALID_PARAMETER for a value longer than its field, or a lookup's error (623).
  DWORD fill(LPCWSTR phonebook, const DialRequest& request, RASDIALPARAMSW& params);

  // For RasDialW: RASDIALEXTENSIONS carrying the EAP information of an EAP entry (and no
  // other option: no RDEOPT_PausedStates), else null (RAS's defaults).
  LPRASDIALEXTENSIONS extensions() { return eap_ ? &extensions_ : nullptr; }

 private:
  EapUserIdentity eap_;
  RASDIALEXTENSIONS extensions_{};
};

}  // namespace rasbroker::ras::win32
