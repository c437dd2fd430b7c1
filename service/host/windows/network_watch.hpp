#pragma once
// The IP helper's change notifications as the broker's `network_changed`: an interface
// (NotifyIpInterfaceChange) or a unicast address (NotifyUnicastIpAddressChange, e.g. a
// DHCP lease after a Wi-Fi reconnect) came, went or changed. Both families (AF_UNSPEC).
// The IP helper calls back on a thread of its own, once per interface, family and step:
// `changed` must only post (ServiceRunner::notify_host_event, whose debounce turns the
// burst into one event).
//
// Not being told is never fatal: a registration the system refuses is logged and the
// broker keeps its backstop poll. Wine's iphlpapi registers without a handle and never
// calls back (a stub): logged too, so nobody waits for events that cannot come.
#include <windows.h>

#include <functional>
#include <memory>

#include <spdlog/logger.h>

namespace rasbroker::winhost {

// Whether a change on an interface of type `if_type` (NET_LUID's IfType) is news about the
// machine's network. A RAS link's own interface — dial-up, PPTP, L2TP, SSTP and IKEv2 links
// are all IF_TYPE_PPP ("PPP adapter" in ipconfig) — comes and goes with every dial the
// service makes: were that a network change, a pinned entry whose dial fails fast would be
// retried at once after each attempt, by its own attempt, instead of backing off.
bool is_network_change(unsigned long if_type);

class NetworkChangeWatch {
 public:
  NetworkChangeWatch(std::function<void()> changed, std::shared_ptr<spdlog::logger> log);
  // CancelMibChangeNotify2 for each registration: no callback runs once it has returned.
  // Never from the callback's own thread (it would wait for itself).
  ~NetworkChangeWatch();
  NetworkChangeWatch(const NetworkChangeWatch&) = delete;
  NetworkChangeWatch& operator=(const NetworkChangeWatch&) = delete;

  // How many of the two registrations gave a handle to cancel (0 under Wine).
  int registered() const { return (interfaces_ != nullptr) + (addresses_ != nullptr); }

  // What the IP helper's callbacks call (public for tests: as the IP helper would).
  void on_change() const { changed_(); }

 private:
  std::function<void()> changed_;
  std::shared_ptr<spdlog::logger> log_;
  HANDLE interfaces_ = nullptr;
  HANDLE addresses_ = nullptr;
};

}  // namespace rasbroker::winhost
