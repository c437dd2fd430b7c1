#pragma once
// A test's RAS around another (usually the simulator): forwards every call. A test that owns
// the backend keeps the simulator for its ledger; a test that needs RAS to answer otherwise
// derives and overrides just that call.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "ras/ras_api.hpp"

namespace rasbroker::ras::test {

class ForwardingRas : public RasApi {
 public:
  explicit ForwardingRas(RasApi& to) : to_(to) {}
  std::string backend_name() const override { return to_.backend_name(); }
  DialResult dial(const DialRequest& r, DialProgressFn p) override { return to_.dial(r, std::move(p)); }
  std::uint32_t hang_up(Handle h) override { return to_.hang_up(h); }
  std::uint32_t get_connect_status(Handle h, ConnectStatus& out) override { return to_.get_connect_status(h, out); }
  std::uint32_t enum_connections(std::vector<ActiveConnection>& out) override { return to_.enum_connections(out); }
  std::uint32_t enum_entries(const std::string& pb, std::vector<PhonebookEntry>& out) override {
    return to_.enum_entries(pb, out);
  }
  std::string error_string(std::uint32_t code) override { return to_.error_string(code); }
  void set_connection_notifier(std::function<void()> changed) override {
    to_.set_connection_notifier(std::move(changed));
  }
  std::uint32_t watch_termination(Handle h, std::function<void()> terminated) override {
    return to_.watch_termination(h, std::move(terminated));
  }
  void unwatch_termination(Handle h) override { to_.unwatch_termination(h); }

 private:
  RasApi& to_;
};

}  // namespace rasbroker::ras::test
