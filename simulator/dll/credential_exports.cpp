// Saved credentials and EAP identities of the simulated rasapi32.dll: RasGetCredentialsW,
// RasGetEntryDialParamsW, RasGetEapUserIdentityW and RasFreeEapUserIdentityW
// (docs/simulator.md, "Saved credentials" and "EAP identity"). A saved password never
// leaves the engine: callers get the 16-asterisk handle RasDialW exchanges for it.
#include "simulator/dll/credential_exports.hpp"

#include <windows.h>
#include <ras.h>
#include <raserror.h>

#include <cstddef>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "simulator/dll/sim_host.hpp"
#include "simulator/dll/struct_sizes.hpp"
#include "win32/utf16.hpp"
#include "win32/wide_field.hpp"

using rasbroker::copy_to_wide_field;
using rasbroker::narrow;
using rasbroker::sim::CredentialsScope;
using rasbroker::sim::DefaultCredsFlag;
using rasbroker::sim::SavedCredentialsInfo;
using rasbroker::sim::dll::SimHost;

namespace {

// As in ras_exports.cpp: a scenario value the output field cannot hold fails the call the
// way RAS fails on a phonebook it cannot load, rather than being cut.
constexpr DWORD kValueDoesNotFit = ERROR_CANNOT_LOAD_PHONEBOOK;

// The engine for a call on structure `s`: null, with `error` set, when an argument is
// missing (87), when `s` has a dwSize RAS does not know (632) or when the simulator is not
// initialised (its error).
template <typename S>
std::shared_ptr<rasbroker::sim::Simulator> engine_for(const S* s, bool arguments_given, DWORD& error) {
  error = !arguments_given || s == nullptr ? ERROR_INVALID_PARAMETER
          : s->dwSize != sizeof(S)         ? ERROR_INVALID_SIZE
                                           : ERROR_SUCCESS;
  return error == ERROR_SUCCESS ? SimHost::instance().engine(error) : nullptr;
}

std::string phonebook_text(LPCWSTR phonebook) { return phonebook != nullptr ? narrow(phonebook) : std::string(); }

// Writes what RAS returns for saved credentials into the user name, password and domain
// fields of RASCREDENTIALSW or RASDIALPARAMSW: the user name, no domain, and in place of the
// password the handle to it.
template <typename Fields>
DWORD write_saved(Fields& fields, const SavedCredentialsInfo& saved, bool with_user, bool with_password) {
  SecureZeroMemory(fields.szPassword, sizeof fields.szPassword);
  if (!copy_to_wide_field(fields.szUserName, with_user ? saved.username : std::string()) ||
      !copy_to_wide_field(fields.szDomain, "") ||
      (with_password && !copy_to_wide_field(fields.szPassword, rasbroker::sim::kSavedPasswordHandle))) {
    return kValueDoesNotFit;
  }
  return ERROR_SUCCESS;
}

// The RASEAPUSERIDENTITYW buffers handed out, owned here until RasFreeEapUserIdentityW.
// Created on first use and never destroyed (as SimHost: nothing runs at DLL unload).
struct Identities {
  std::mutex mu;
  std::map<const void*, std::unique_ptr<std::byte[]>> buffers;
};
Identities& identities() {
  static Identities* const all = new Identities();
  return *all;
}

}  // namespace

namespace rasbroker::sim::dll {

std::size_t eap_identities_not_freed() {
  std::lock_guard lock(identities().mu);
  return identities().buffers.size();
}

}  // namespace rasbroker::sim::dll

extern "C" {

// dwMask is in and out, and what RASCM_DefaultCreds means in it is open to two readings:
// the scenario's "default_creds_flag" picks one (docs/simulator.md, "Saved credentials").
// Only the members asked for are returned; RASCM_Password only when a password was saved.
DWORD WINAPI RasGetCredentialsW(LPCWSTR phonebook, LPCWSTR entry, LPRASCREDENTIALSW creds) {
  DWORD error = 0;
  const auto engine = engine_for(creds, entry != nullptr, error);
  if (!engine) return error;

  const DWORD asked = creds->dwMask;
  creds->dwMask = 0;
  SavedCredentialsInfo saved;
  bool for_all_users = false;
  DWORD rc = ERROR_SUCCESS;
  if (engine->scenario().default_creds_flag == DefaultCredsFlag::input) {
    // The caller asks: the all-users credentials with the flag, its own without.
    for_all_users = (asked & RASCM_DefaultCreds) != 0;
    rc = engine->saved_credentials(phonebook_text(phonebook), narrow(entry),
                                   for_all_users ? CredentialsScope::all_users : CredentialsScope::own, saved);
  } else {
    // RAS reports: the caller's own credentials, else the all-users ones, flagged as such.
    rc = engine->saved_credentials(phonebook_text(phonebook), narrow(entry), CredentialsScope::own, saved);
    if (rc == ERROR_SUCCESS && !saved.found) {
      for_all_users = true;
      rc = engine->saved_credentials(phonebook_text(phonebook), narrow(entry), CredentialsScope::all_users, saved);
    }
  }
  const bool with_password = saved.has_password && (asked & RASCM_Password) != 0;
  if (rc == ERROR_SUCCESS) rc = write_saved(*creds, saved, saved.found && (asked & RASCM_UserName) != 0, with_password);
  if (rc != ERROR_SUCCESS || !saved.found) return rc;
  creds->dwMask = (asked & (RASCM_UserName | RASCM_Domain)) | (with_password ? RASCM_Password : 0) |
                  (for_all_users ? RASCM_DefaultCreds : 0);
  return ERROR_SUCCESS;
}

// The older call: the calling account's own saved credentials (never the all-users ones),
// the password as its handle, *lpfPassword TRUE when one was saved. szPhoneNumber is not
// filled in ("RasGetEntryDialParamsA function").
DWORD WINAPI RasGetEntryDialParamsW(LPCWSTR phonebook, LPRASDIALPARAMSW params, LPBOOL has_password) {
  DWORD error = 0;
  const auto engine = engine_for(params, has_password != nullptr, error);
  if (!engine) return error;

  *has_password = FALSE;
  SavedCredentialsInfo saved;
  const DWORD rc = engine->saved_credentials(phonebook_text(phonebook), rasbroker::wide_field_text(params->szEntryName),
                                             CredentialsScope::own, saved);
  if (rc != ERROR_SUCCESS) return rc;
  if (!copy_to_wide_field(params->szPhoneNumber, "") || !copy_to_wide_field(params->szCallbackNumber, "")) {
    return kValueDoesNotFit;
  }
  if (const DWORD written = write_saved(*params, saved, true, saved.has_password); written != ERROR_SUCCESS) {
    return written;
  }
  *has_password = saved.has_password ? TRUE : FALSE;
  return ERROR_SUCCESS;
}

// 780 for an entry that is not EAP, 703 under RASEAPF_NonInteractive when the method needs
// UI; else a buffer the caller frees with RasFreeEapUserIdentityW. Without the flag an
// interactive method is answered as if the user had signed in (there is no window here).
DWORD WINAPI RasGetEapUserIdentityW(LPCWSTR phonebook, LPCWSTR entry, DWORD flags, HWND,
                                    LPRASEAPUSERIDENTITYW* identity) {
  if (entry == nullptr || identity == nullptr) return ERROR_INVALID_PARAMETER;
  *identity = nullptr;
  DWORD error = 0;
  const auto engine = SimHost::instance().engine(error);
  if (!engine) return error;

  rasbroker::sim::EapIdentity found;
  const DWORD rc = engine->eap_user_identity(phonebook_text(phonebook), narrow(entry),
                                             (flags & RASEAPF_NonInteractive) != 0, found);
  if (rc != ERROR_SUCCESS) return rc;
  const std::size_t size = offsetof(RASEAPUSERIDENTITYW, pbEapInfo) + found.eap_info.size();
  auto buffer = std::make_unique<std::byte[]>(size < sizeof(RASEAPUSERIDENTITYW) ? sizeof(RASEAPUSERIDENTITYW) : size);
  auto* out = reinterpret_cast<RASEAPUSERIDENTITYW*>(buffer.get());
  if (!copy_to_wide_field(out->szUserName, found.username)) return kValueDoesNotFit;
  out->dwSizeofEapInfo = static_cast<DWORD>(found.eap_info.size());
  std::memcpy(out->pbEapInfo, found.eap_info.data(), found.eap_info.size());
  std::lock_guard lock(identities().mu);
  identities().buffers.emplace(out, std::move(buffer));
  *identity = out;
  return ERROR_SUCCESS;
}

// NULL is allowed ("RasFreeEapUserIdentityA function"); a pointer this DLL did not hand out
// is left alone.
VOID WINAPI RasFreeEapUserIdentityW(LPRASEAPUSERIDENTITYW identity) {
  if (identity == nullptr) return;
  std::lock_guard lock(identities().mu);
  identities().buffers.erase(identity);
}

}  // extern "C"
