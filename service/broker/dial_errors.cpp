// The error a failed dial answers with (see dial_errors.hpp).
#include "broker/dial_errors.hpp"

#include <utility>

#include "ras/ras_api.hpp"
#include "rasbroker/protocol/log_text.hpp"

namespace rasbroker::broker {
namespace {

// The service runs as LocalSystem: RasGetCredentials shows it the credentials saved "for
// anyone who uses this computer" and its own, never a user's (docs/operations.md, "Saved
// credentials").
constexpr const char* kSavedCredentialsAdvice =
    "no password was sent, so RAS used the credentials saved for the entry, and the service (LocalSystem) "
    "sees those saved for all users, not those a user saved for themselves: none were saved for all users, "
    "or they were refused. Save them as an administrator with \"Anyone who uses this computer\" "
    "(rasphone.exe) or RasSetCredentials with RASCM_DefaultCreds, or send a user name and password "
    "(rasbroker dial --user U --password-stdin)";

}  // namespace

protocol::RpcError dial_failed_error(const std::string& entry, std::uint32_t ras_error, std::string ras_message,
                                     bool password_sent, std::uint32_t extended_error) {
  std::string advice;
  std::string what = "dial " + protocol::quoted(entry, protocol::kMaxQuotedBytes) + " failed";
  if (ras_error == ras::err::kInteractiveMode) {
    what = "entry " + protocol::quoted(entry, protocol::kMaxQuotedBytes) + " needs interactive sign-in (EAP); the service cannot dial it";
    advice = what + ": dial it from the user's session, or give it an EAP method that signs in without asking";
  } else if (ras_error == ras::err::kAuthenticationFailure && !password_sent) {
    advice = kSavedCredentialsAdvice;
  }
  protocol::RpcError error = protocol::RpcError::ras(ras_error, std::move(ras_message), what, extended_error);
  if (advice.empty()) return error;
  nlohmann::json data = error.data();
  data["advice"] = advice;
  const std::string message = ras_error == ras::err::kInteractiveMode ? std::string(error.what())
                                                                       : std::string(error.what()) + "; " + advice;
  return protocol::RpcError(error.code(), message, std::move(data));
}

}  // namespace rasbroker::broker
