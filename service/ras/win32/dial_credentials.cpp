// The credentials of a RasDialW call (see dial_credentials.hpp).
#include "ras/win32/dial_credentials.hpp"

#include <raserror.h>

#include "win32/utf16.hpp"
#include "win32/wide_field.hpp"

namespace rasbroker::ras::win32 {
namespace {

constexpr DWORD kCredentialTooLong = ERROR_INVALID_PARAMETER;
// RAS handed back a field without its terminating NUL: nothing to dial with.
constexpr DWORD kUnreadableAnswer = ERROR_INVALID_DATA;

// RASCREDENTIALSW, wiped when done: its password field holds RAS's handle to the saved
// password, which RasDial exchanges for the password itself.
struct WipedCredentials {
  RASCREDENTIALSW creds{};
  explicit WipedCredentials(DWORD mask) {
    creds.dwSize = sizeof creds;
    creds.dwMask = mask;
  }
  ~WipedCredentials() { SecureZeroMemory(&creds, sizeof creds); }
  WipedCredentials(const WipedCredentials&) = delete;
  WipedCredentials& operator=(const WipedCredentials&) = delete;
};

// The credentials saved for the entry, as LocalSystem can see them: those saved "for anyone
// who uses this computer" (RASCM_DefaultCreds) first, then the service account's own.
// dwMask is in and out, and Microsoft's text leaves open whether RASCM_DefaultCreds asks for
// the all-users credentials or reports them: the flag is set to ask, and only the returned
// mask is trusted (RASCM_Password: a password was saved), which works under either reading.
// The password comes back as a handle (16 asterisks) that RasDialW exchanges for the saved
// password: it is passed back unchanged, never compared, logged or kept.
DWORD use_saved_credentials(LPCWSTR phonebook, const DialRequest& request, RASDIALPARAMSW& p) {
  constexpr DWORD kWanted = RASCM_UserName | RASCM_Password | RASCM_Domain;
  WipedCredentials all_users(kWanted | RASCM_DefaultCreds);
  WipedCredentials own(kWanted);
  const RASCREDENTIALSW* saved = &all_users.creds;
  // A failure here (an entry that takes no all-users credentials, say) is not the dial's:
  // the service account's own credentials are asked for next, and that answer counts.
  if (RasGetCredentialsW(phonebook, p.szEntryName, &all_users.creds) != ERROR_SUCCESS ||
      (all_users.creds.dwMask & RASCM_Password) == 0) {
    if (const DWORD rc = RasGetCredentialsW(phonebook, p.szEntryName, &own.creds); rc != ERROR_SUCCESS) return rc;
    saved = &own.creds;
  }
  if (((saved->dwMask & RASCM_UserName) != 0 && !copy_wide_field(p.szUserName, saved->szUserName)) ||
      ((saved->dwMask & RASCM_Password) != 0 && !copy_wide_field(p.szPassword, saved->szPassword)) ||
      ((saved->dwMask & RASCM_Domain) != 0 && !copy_wide_field(p.szDomain, saved->szDomain))) {
    return kUnreadableAnswer;
  }
  if (!request.username.empty()) {
    // A saved password belongs to the saved user name (compared as Windows does, without
    // case): another user dials with no password, and RAS says whether that works.
    const std::wstring user = widen(request.username);
    const bool same_user = CompareStringOrdinal(user.c_str(), -1, p.szUserName, -1, TRUE) == CSTR_EQUAL;
    if (!same_user) SecureZeroMemory(p.szPassword, sizeof p.szPassword);
    if (!copy_to_wide_field(p.szUserName, request.username)) return kCredentialTooLong;
  }
  if (!request.domain.empty() && !copy_to_wide_field(p.szDomain, request.domain)) return kCredentialTooLong;
  return ERROR_SUCCESS;
}

}  // namespace

DWORD DialCredentials::fill(LPCWSTR phonebook, const DialRequest& request, RASDIALPARAMSW& params) {
  // An EAP entry authenticates with the identity its EAP method finds, never by asking: a
  // service has no user to show a window to (MS: "RasGetEapUserIdentityA function").
  const DWORD eap = RasGetEapUserIdentityW(phonebook, params.szEntryName, RASEAPF_NonInteractive, nullptr, eap_.out());
  if (eap == ERROR_SUCCESS) {
    // What "RasDialA function" says to pass: the identity's user name in RASDIALPARAMS and
    // its EAP information in RASDIALEXTENSIONS. The client's user name and password are not
    // the EAP method's.
    if (!eap_ || !copy_wide_field(params.szUserName, eap_.get()->szUserName)) return kUnreadableAnswer;
    extensions_.RasEapInfo.dwSizeofEapInfo = eap_.get()->dwSizeofEapInfo;
    extensions_.RasEapInfo.pbEapInfo = eap_.get()->pbEapInfo;
    return ERROR_SUCCESS;
  }
  eap_.reset();
  // ERROR_INVALID_FUNCTION_FOR_ENTRY: not EAP, or EAP through the standard credentials
  // dialog; either way nothing to pass. Anything else (ERROR_INTERACTIVE_MODE: the method
  // needs UI) ends the dial before RasDialW.
  if (eap != ERROR_INVALID_FUNCTION_FOR_ENTRY) return eap;

  if (request.password.empty()) return use_saved_credentials(phonebook, request, params);
  if (!copy_to_wide_field(params.szUserName, request.username) ||
      !copy_to_wide_field(params.szPassword, request.password) ||
      !copy_to_wide_field(params.szDomain, request.domain)) {
    return kCredentialTooLong;
  }
  return ERROR_SUCCESS;
}

}  // namespace rasbroker::ras::win32
