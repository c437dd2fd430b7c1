#pragma once
// What the host tells the broker about the machine (not about RAS): events after which
// the state of every link is worth a fresh look instead of waiting for the link watch's
// backstop poll. The Windows service gets them from the SCM (SERVICE_CONTROL_POWEREVENT)
// and from the IP helper's change notifications; the dev host has no source of its own.
#include <string_view>

namespace rasbroker::broker {

enum class HostEvent {
  resumed,          // back from sleep or hibernation (PBT_APMRESUMEAUTOMATIC)
  network_changed,  // an interface or address came or went (NotifyIpInterfaceChange)
};

constexpr std::string_view to_string(HostEvent e) {
  switch (e) {
    case HostEvent::resumed: return "resumed from sleep";
    case HostEvent::network_changed: return "network changed";
  }
  return "host event";
}

}  // namespace rasbroker::broker
