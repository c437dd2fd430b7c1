#pragma once
// Pinned entries under test (tests/broker/pins_*_test.cpp): the harness with a seeded jitter,
// a RAS that refuses the next dials, and the pin's state as list and status show it.
#include <string>

#include "ras_faults.hpp"

namespace rasbroker::testing {

// Forwards to the simulator, except that the next `refuse` dials fail at once with `error`
// and no handle (as RasDial does for 6xx errors it finds before dialling).
class RefusingRas : public ForwardingRas {
 public:
  using ForwardingRas::ForwardingRas;
  ras::DialResult dial(const ras::DialRequest& r, ras::DialProgressFn p) override {
    ++dials;
    if (refuse > 0) {
      --refuse;
      return ras::DialResult{error, ras::kNullHandle};
    }
    return ForwardingRas::dial(r, std::move(p));
  }
  int refuse = 0;
  std::uint32_t error = 678;  // ERROR_NO_ANSWER: retrying may fix it
  int dials = 0;
};

class PinsHarness : public RasFaults {
 protected:
  static broker::BrokerConfig pin_config(std::vector<std::string> pinned = {}) {
    auto c = fast_config();
    c.pin_jitter_seed = 42;  // schedules repeat from run to run
    for (auto& e : pinned) c.keep_connected.push_back({std::move(e), "", {}});
    return c;
  }
  // The broker on a RefusingRas around the simulator, refusing the first `refuse` dials.
  RefusingRas& make_refusing(const nlohmann::json& scenario, broker::BrokerConfig config, int refuse = 0) {
    make_sim(scenario);
    auto ras = std::make_unique<RefusingRas>(*sim_);
    auto& refusing = *ras;
    refusing.refuse = refuse;
    wrapper_ = std::move(ras);
    broker_ = make_broker(std::move(config), wrapper_.get());
    return refusing;
  }
  // The pin of `entry` as an administrator's status shows it.
  std::optional<protocol::Pin> pin_of(const std::string& entry) const {
    for (auto& p : broker_->pins(admin()))
      if (p.entry == entry) return p;
    return std::nullopt;
  }
  protocol::PinState state_of(const std::string& entry) const {
    auto p = pin_of(entry);
    EXPECT_TRUE(p) << entry << " is not pinned";
    return p ? p->state : protocol::PinState::stopped;
  }
  bool run_until_pin(const std::string& entry, protocol::PinState state, Clock::duration limit = 120s) {
    return run_until([&] {
      auto p = pin_of(entry);
      return p && p->state == state;
    }, limit);
  }
  protocol::Pin pin(const std::string& entry, const authz::Caller& who = admin()) {
    protocol::PinParams params;
    params.entry = entry;
    return broker_->pin(params, who);
  }
};

}  // namespace rasbroker::testing
