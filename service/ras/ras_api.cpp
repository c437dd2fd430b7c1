// Portable helpers of the RAS seam: RASCONNSTATE names as spelled in ras.h.
#include "ras/ras_api.hpp"

#include <array>
#include <charconv>
#include <utility>

namespace rasbroker::ras {
namespace {

using NamedState = std::pair<ConnState, std::string_view>;

constexpr std::array<NamedState, 32> kStateNames{{
    {ConnState::OpenPort, "RASCS_OpenPort"},
    {ConnState::PortOpened, "RASCS_PortOpened"},
    {ConnState::ConnectDevice, "RASCS_ConnectDevice"},
    {ConnState::DeviceConnected, "RASCS_DeviceConnected"},
    {ConnState::AllDevicesConnected, "RASCS_AllDevicesConnected"},
    {ConnState::Authenticate, "RASCS_Authenticate"},
    {ConnState::AuthNotify, "RASCS_AuthNotify"},
    {ConnState::AuthRetry, "RASCS_AuthRetry"},
    {ConnState::AuthCallback, "RASCS_AuthCallback"},
    {ConnState::AuthChangePassword, "RASCS_AuthChangePassword"},
    {ConnState::AuthProject, "RASCS_AuthProject"},
    {ConnState::AuthLinkSpeed, "RASCS_AuthLinkSpeed"},
    {ConnState::AuthAck, "RASCS_AuthAck"},
    {ConnState::ReAuthenticate, "RASCS_ReAuthenticate"},
    {ConnState::Authenticated, "RASCS_Authenticated"},
    {ConnState::PrepareForCallback, "RASCS_PrepareForCallback"},
    {ConnState::WaitForModemReset, "RASCS_WaitForModemReset"},
    {ConnState::WaitForCallback, "RASCS_WaitForCallback"},
    {ConnState::Projected, "RASCS_Projected"},
    {ConnState::StartAuthentication, "RASCS_StartAuthentication"},
    {ConnState::CallbackComplete, "RASCS_CallbackComplete"},
    {ConnState::LogonNetwork, "RASCS_LogonNetwork"},
    {ConnState::SubEntryConnected, "RASCS_SubEntryConnected"},
    {ConnState::SubEntryDisconnected, "RASCS_SubEntryDisconnected"},
    {ConnState::ApplySettings, "RASCS_ApplySettings"},
    {ConnState::Interactive, "RASCS_Interactive"},
    {ConnState::RetryAuthentication, "RASCS_RetryAuthentication"},
    {ConnState::CallbackSetByCaller, "RASCS_CallbackSetByCaller"},
    {ConnState::PasswordExpired, "RASCS_PasswordExpired"},
    {ConnState::InvokeEapUI, "RASCS_InvokeEapUI"},
    {ConnState::Connected, "RASCS_Connected"},
    {ConnState::Disconnected, "RASCS_Disconnected"},
}};

constexpr std::string_view kPrefix = "RASCS_";

}  // namespace

std::string state_name(ConnState s) {
  for (const auto& [state, name] : kStateNames) {
    if (state == s) return std::string(name);
  }
  return std::string(kPrefix) + std::to_string(static_cast<std::uint32_t>(s));
}

bool parse_state_name(std::string_view name, ConnState& out) {
  for (const auto& [state, text] : kStateNames) {
    if (text == name) {
      out = state;
      return true;
    }
  }
  // "RASCS_<n>": the spelling state_name() uses for values ras.h does not name.
  if (name.size() > kPrefix.size() && name.substr(0, kPrefix.size()) == kPrefix) {
    const std::string_view digits = name.substr(kPrefix.size());
    std::uint32_t value = 0;
    const auto* first = digits.data();
    const auto* last = digits.data() + digits.size();
    const auto [ptr, ec] = std::from_chars(first, last, value);
    if (ec == std::errc() && ptr == last && digits.front() != '+') {
      const auto candidate = static_cast<ConnState>(value);
      if (state_name(candidate) == name) {  // rejects "RASCS_5" (named) and "RASCS_007"
        out = candidate;
        return true;
      }
    }
  }
  return false;
}

}  // namespace rasbroker::ras
