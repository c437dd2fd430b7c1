#pragma once
// Between a host's event sources and the broker: one network change reaches the broker
// per burst. A single interface coming up makes Windows call a NotifyIpInterfaceChange
// callback per interface, address family and state step, within a second or two; each
// would make the broker look at every link (and redial every pinned entry found down)
// while the network is still settling. So the first change of a burst opens a window of
// `window`; changes inside it are absorbed; when it closes, the broker hears one
// network_changed, by then about the settled network. A stream that never pauses gets one
// every window: never starved, never a tight loop. `resumed` (one SCM control per resume)
// passes at once.
//
// On the executor's thread only (ServiceRunner posts every host event there). Destroying
// it drops a window still open.
#include <chrono>
#include <functional>

#include <boost/asio/any_io_executor.hpp>

#include "broker/host_event.hpp"
#include "core/timer.hpp"

namespace rasbroker::app {

class HostEventDebounce {
 public:
  // What a burst of network changes takes to settle, as seen on Windows (an adapter coming
  // up: link, then IPv4 and IPv6 interfaces, then addresses).
  static constexpr std::chrono::seconds kNetworkSettle{2};

  using Deliver = std::function<void(broker::HostEvent)>;
  HostEventDebounce(boost::asio::any_io_executor ex, Clock::duration window, Deliver deliver);

  void on_event(broker::HostEvent event);

 private:
  Timer timer_;
  Clock::duration window_;
  Deliver deliver_;
  bool window_open_ = false;
};

}  // namespace rasbroker::app
