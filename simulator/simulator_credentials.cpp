// Saved credentials and EAP identities as rasapi32 keeps them, what RasDial checks of them,
// and what a correct backend does with them before RasDial (docs/simulator.md, "Saved
// credentials" and "EAP identity"; docs/ras-rules.md#credentials).
#include <utility>

#include "core/ascii_case.hpp"
#include "rasbroker/protocol/secret.hpp"
#include "simulator/simulator.hpp"

namespace rasbroker::sim {
namespace {

namespace err = ras::err;

// The credentials saved for `entry` in `scope`: those saved for all users, or those the
// account saved for itself (account names compare without case, as on Windows).
const SavedCredentials* saved_in(const EntrySpec& entry, CredentialsScope scope, const std::string& account) {
  for (const auto& saved : entry.saved_credentials) {
    const bool for_all = saved.saved_for == kAllUsers;
    const bool own = !for_all && equals_ignoring_ascii_case(saved.saved_for, account);
    if (scope == CredentialsScope::all_users ? for_all : own) return &saved;
  }
  return nullptr;
}

// The password kSavedPasswordHandle stands for in a RasDial: the one saved with the dial's
// user name among the credentials the account sees, the all-users ones first (the order
// Win32Ras reads them in). RAS does not say which saved password the handle designates
// when there are several: our assumption.
const std::string* saved_password_for(const EntrySpec& entry, std::string_view username,
                                      const std::string& account) {
  for (const auto scope : {CredentialsScope::all_users, CredentialsScope::own}) {
    const SavedCredentials* saved = saved_in(entry, scope, account);
    if (saved != nullptr && saved->password && equals_ignoring_ascii_case(saved->username, username)) {
      return &*saved->password;
    }
  }
  return nullptr;
}

// What the simulated EAP method hands out for an entry and an account: RasDial can tell
// EAP information that came from RasGetEapUserIdentity from anything else.
std::vector<std::uint8_t> eap_info_of(const EntrySpec& entry, const std::string& account) {
  const std::string text = "rasbroker-sim-eap:" + entry.name + ":" + account;
  return {text.begin(), text.end()};
}

}  // namespace

std::uint32_t Simulator::saved_credentials(const std::string& phonebook, const std::string& entry,
                                           CredentialsScope scope, SavedCredentialsInfo& out) const {
  out = {};
  const EntrySpec* spec = find_entry(entry, phonebook);
  if (spec == nullptr) return err::kCannotFindPhonebookEntry;
  if (const SavedCredentials* saved = saved_in(*spec, scope, options_.account)) {
    out.found = true;
    out.username = saved->username;
    out.has_password = saved->password.has_value();
  }
  return err::kSuccess;
}

std::uint32_t Simulator::eap_user_identity(const std::string& phonebook, const std::string& entry,
                                           bool non_interactive, EapIdentity& out) const {
  out = {};
  const EntrySpec* spec = find_entry(entry, phonebook);
  if (spec == nullptr) return err::kCannotFindPhonebookEntry;
  if (spec->eap == EapMode::none) return err::kInvalidFunctionForEntry;
  if (spec->eap == EapMode::interactive && non_interactive) return err::kInteractiveMode;
  // "Identity information for the current user": the calling account's.
  out.username = options_.account;
  out.eap_info = eap_info_of(*spec, options_.account);
  return err::kSuccess;
}

std::uint32_t Simulator::authentication_error(const EntrySpec& entry, const RasDialCall& call) const {
  const ras::DialRequest& dial = call.params;
  if (entry.eap != EapMode::none) {
    // Without its EAP identity the method would have to ask the user, and RasDial may not:
    // 703, as an unattended rasdial of an EAP entry gets (VPNCredentialsHelper issue #3).
    if (!call.eap_info) return err::kInteractiveMode;
    const bool identity_given = *call.eap_info == eap_info_of(entry, options_.account) &&
                                equals_ignoring_ascii_case(dial.username, options_.account);
    return identity_given ? err::kSuccess : err::kAuthenticationFailure;
  }
  if (!entry.username) return err::kSuccess;  // the "server" accepts anyone
  if (!equals_ignoring_ascii_case(dial.username, *entry.username)) return err::kAuthenticationFailure;
  const std::string* password = &dial.password;
  if (dial.password == kSavedPasswordHandle) {
    if (const std::string* saved = saved_password_for(entry, dial.username, options_.account)) password = saved;
  }
  return *password == *entry.password ? err::kSuccess : err::kAuthenticationFailure;
}

bool Simulator::dialled_with_default_credentials(const EntrySpec& entry, const RasDialCall& call) const {
  // The password handle stood for the password saved for all users (saved_password_for
  // prefers those): RASCONN reports RASCF_GlobalCreds, "the default credentials".
  if (call.params.password != kSavedPasswordHandle) return false;
  const SavedCredentials* all = saved_in(entry, CredentialsScope::all_users, options_.account);
  return all != nullptr && all->password && equals_ignoring_ascii_case(all->username, call.params.username);
}

void Simulator::use_saved_credentials(const std::string& phonebook, ras::DialRequest& params) const {
  // As Win32Ras: the credentials saved for all users first, then the account's own.
  SavedCredentialsInfo saved;
  if (saved_credentials(phonebook, params.entry, CredentialsScope::all_users, saved) != err::kSuccess ||
      !saved.has_password) {
    if (saved_credentials(phonebook, params.entry, CredentialsScope::own, saved) != err::kSuccess) return;
  }
  // A saved password belongs to the saved user name: another user dials without one.
  const bool saved_user = params.username.empty() || equals_ignoring_ascii_case(params.username, saved.username);
  if (params.username.empty()) params.username = saved.username;
  if (saved.has_password && saved_user) params.password = kSavedPasswordHandle;
}

ras::DialResult Simulator::dial(const ras::DialRequest& request, ras::DialProgressFn progress) {
  RasDialCall call{.params = request, .eap_info = std::nullopt};
  EapIdentity identity;
  const auto eap = eap_user_identity(request.phonebook, request.entry, /*non_interactive=*/true, identity);
  ras::DialResult result{.error = eap, .handle = ras::kNullHandle};
  // 703: the EAP method needs a user at a screen, and a service has none: no RasDial.
  if (eap != err::kInteractiveMode) {
    if (eap == err::kSuccess) {
      // The EAP identity replaces the user name; the method carries its own secrets.
      call.params.username = std::move(identity.username);
      protocol::wipe(call.params.password);
      call.params.domain.clear();
      call.eap_info = std::move(identity.eap_info);
    } else if (request.password.empty()) {
      use_saved_credentials(request.phonebook, call.params);
    }
    result = ras_dial(call, std::move(progress));
  }
  protocol::wipe(call.params.password);
  return result;
}

}  // namespace rasbroker::sim
