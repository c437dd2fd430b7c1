#pragma once
// The error a failed dial answers with: RAS's code and text, and, where the failure has a
// known cause the client can act on, what to do about it (data.advice; docs/protocol.md).
#include <cstdint>
#include <string>

#include "rasbroker/protocol/errors.hpp"

namespace rasbroker::broker {

// ras_failure with data {ras_error, ras_message[, ras_extended_error][, advice]}:
// - 703 (ERROR_INTERACTIVE_MODE): the entry needs interactive sign-in (EAP), which a
//   service cannot give;
// - 691 on a dial sent without a password: RAS used the saved credentials the service can
//   see, which are only those saved for all users.
protocol::RpcError dial_failed_error(const std::string& entry, std::uint32_t ras_error, std::string ras_message,
                                     bool password_sent, std::uint32_t extended_error = 0);

}  // namespace rasbroker::broker
