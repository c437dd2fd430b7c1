// Error texts (wording of current English Windows; raserror.h for the numbers).
#include "simulator/error_text.hpp"

#include <array>
#include <string_view>
#include <utility>

namespace rasbroker::sim {
namespace {

constexpr std::array<std::pair<std::uint32_t, std::string_view>, 33> kTexts{{
    {0, "The operation completed successfully."},
    {6, "The handle is invalid."},                                      // ERROR_INVALID_HANDLE
    {87, "The parameter is incorrect."},                                // ERROR_INVALID_PARAMETER
    {600, "An operation is pending."},                                  // PENDING
    {602, "The port is already open."},                                 // ERROR_PORT_ALREADY_OPEN
    {603, "The caller's buffer is too small."},                         // ERROR_BUFFER_TOO_SMALL
    {616, "An asynchronous request is pending."},                       // ERROR_ASYNC_REQUEST_PENDING
    {617, "The port or device is already disconnecting."},              // ERROR_ALREADY_DISCONNECTING
    {619, "A connection to the remote computer could not be established, so the port used for this "
          "connection was closed."},                                    // ERROR_PORT_DISCONNECTED
    {621, "The system could not open the phone book file."},           // ERROR_CANNOT_OPEN_PHONEBOOK
    {623, "The system could not find the phone book entry for this connection."},
    {628, "The connection was terminated by the remote computer before it could be completed."},
    {629, "The connection was closed by the remote computer."},         // ERROR_REMOTE_DISCONNECTION
    {631, "The connection was closed by the user."},                    // ERROR_USER_DISCONNECTION
    {632, "The structure size is incorrect."},                          // ERROR_INVALID_SIZE
    {640, "A NetBIOS error occurred."},                                 // ERROR_NETBIOS_ERROR
    {645, "An internal authentication error occurred."},                // ERROR_AUTH_INTERNAL
    {650, "The remote access server is not responding."},               // ERROR_SERVER_NOT_RESPONDING
    {651, "The modem (or other connecting device) has reported an error."},  // ERROR_FROM_DEVICE
    {668, "The connection was terminated."},                            // ERROR_NO_CONNECTION
    {678, "The remote computer did not respond."},                      // ERROR_NO_ANSWER
    {691, "The remote connection was denied because the user name and password combination you "
          "provided is not recognized, or the selected authentication protocol is not permitted on "
          "the remote access server."},                                 // ERROR_AUTHENTICATION_FAILURE
    {703, "The connection needs information from you, but the application does not allow user "
          "interaction."},                                              // ERROR_INTERACTIVE_MODE
    {720, "A connection to the remote computer could not be established. You might need to change "
          "the network settings for this connection."},                 // ERROR_PPP_NO_PROTOCOLS_CONFIGURED
    {721, "The remote computer did not respond."},                      // ERROR_PPP_NO_RESPONSE
    {780, "An attempted function is not valid for this connection."},  // ERROR_INVALID_FUNCTION_FOR_ENTRY
    {800, "Unable to establish the VPN connection. The VPN server may be unreachable, or security "
          "parameters may not be configured properly for this connection."},  // ERROR_AUTOMATIC_VPN_FAILED
    {809, "The network connection between your computer and the VPN server could not be established "
          "because the remote server is not responding. This could be because one of the network "
          "devices (e.g. firewalls, NAT, routers, etc.) between your computer and the remote server "
          "is not configured to allow VPN connections."},               // ERROR_VPN_TIMEOUT
    {812, "The connection was prevented because of a policy configured on your RAS/VPN server."},
    {813, "You have attempted to establish a second broadband connection while a previous broadband "
          "connection is already established using the same device or port."},
    {815, "The broadband network connection could not be established on your computer because the "
          "remote server is not responding."},
    {868, "The remote connection was not made because the name of the remote access server did not "
          "resolve."},                                                  // ERROR_DNSNAME_NOT_RESOLVABLE
    {1460, "This operation returned because the timeout period expired."},  // ERROR_TIMEOUT
}};

}  // namespace

std::string ras_error_text(std::uint32_t code) {
  for (const auto& [c, text] : kTexts) {
    if (c == code) return std::string(text);
  }
  return "RAS error " + std::to_string(code);
}

}  // namespace rasbroker::sim
