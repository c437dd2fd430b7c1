#include "app/host_event_debounce.hpp"

#include <utility>

namespace rasbroker::app {

HostEventDebounce::HostEventDebounce(boost::asio::any_io_executor ex, Clock::duration window, Deliver deliver)
    : timer_(std::move(ex)), window_(window), deliver_(std::move(deliver)) {}

void HostEventDebounce::on_event(broker::HostEvent event) {
  if (event != broker::HostEvent::network_changed) {
    deliver_(event);
    return;
  }
  if (window_open_) return;  // part of the burst the open window already stands for
  window_open_ = true;
  timer_.expires_after(window_);
  // A cancelled wait (the debounce destroyed) returns before touching `this`.
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    window_open_ = false;
    deliver_(broker::HostEvent::network_changed);
  });
}

}  // namespace rasbroker::app
