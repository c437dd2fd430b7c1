#pragma once
// The reaper's schedule tests: teardowns measured in virtual time, in 1 ms steps — how many
// polls each took and how long after its real end the broker said `gone` (the lag). These are
// virtual-time figures, deterministic; docs/architecture.md ("The reaper") quotes them.
#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "ras_faults.hpp"

namespace rasbroker::testing {

// The test's RAS around the simulator: counts status polls per handle, and can make a
// teardown last longer than the scenario says. Each hang-up takes next_length: until then
// the status keeps answering RASCS_Disconnected, after it the simulator answers (for an entry
// with teardown_ms 0, its teardown is long over). While `hold` is set no teardown ends (a
// stuck one). The broker learns only from what these calls answer.
class TeardownRas final : public ForwardingRas {
 public:
  using ForwardingRas::ForwardingRas;
  std::uint32_t hang_up(ras::Handle h) override {
    ends_[h] = Clock::now() + next_length;
    return ForwardingRas::hang_up(h);
  }
  std::uint32_t get_connect_status(ras::Handle h, ras::ConnectStatus& out) override {
    ++polls[h];
    if (const auto it = ends_.find(h); it != ends_.end() && (hold || Clock::now() < it->second)) {
      out.state = ras::ConnState::Disconnected;
      out.error = 0;
      return ras::err::kSuccess;
    }
    return ForwardingRas::get_connect_status(h, out);
  }

  // RAS's one-connection termination signal comes from the simulator, which knows nothing of
  // next_length or hold: passed on only when a test asks, else refused as by a RAS without it.
  std::uint32_t watch_termination(ras::Handle h, std::function<void()> terminated) override {
    constexpr std::uint32_t kNotSupported = 50;  // ERROR_NOT_SUPPORTED
    return signals ? ForwardingRas::watch_termination(h, std::move(terminated)) : kNotSupported;
  }

  Clock::duration next_length{};
  bool hold = false;
  bool signals = false;
  std::map<ras::Handle, std::uint32_t> polls;

 private:
  std::map<ras::Handle, Clock::time_point> ends_;
};

// One teardown as the reaper saw it.
struct Reaped {
  std::uint32_t polls = 0;
  Clock::duration lag{};  // from its real end to `gone`
};

class ReaperHarness : public RasFaults {
 protected:
  // The broker on the simulator through a TeardownRas; `gone` events are timed.
  void make_timed(const nlohmann::json& scenario, broker::BrokerConfig config) {
    make_sim(scenario);
    auto ras = std::make_unique<TeardownRas>(*sim_);
    ras_ = ras.get();
    wrapper_ = std::move(ras);
    broker_ = make_broker(std::move(config), wrapper_.get());
    gone_token_ = broker_->subscribe([this](const Connection& c) {
      if (c.state == ConnectionState::gone) gone_at_[c.id] = Clock::now();
    });
  }

  // Dials `entry`, hangs it up, and runs in `step`s until it is gone (the lag's resolution);
  // `length` is how long its teardown really takes (the scenario's teardown_ms, or
  // TeardownRas::next_length).
  Reaped teardown(const std::string& entry, Clock::duration length, Clock::duration step = std::chrono::milliseconds(1)) {
    const auto id = connect(entry);
    const auto handle = handle_of(entry);
    const auto polls_before = ras_->polls[handle];
    const auto hung_up = Clock::now();
    auto h = hangup(hangup_entry(entry));
    EXPECT_TRUE(h->done && h->value);
    EXPECT_TRUE(run_until([&] { return gone_at_.contains(id); }, 300s, step)) << entry << " never gone";
    return {ras_->polls[handle] - polls_before, gone_at_[id] - (hung_up + length)};
  }

  // The worst lag and the most polls of `runs`.
  static Reaped worst(const std::vector<Reaped>& runs) {
    Reaped w;
    for (const auto& r : runs) {
      w.polls = std::max(w.polls, r.polls);
      w.lag = std::max(w.lag, r.lag);
    }
    return w;
  }

  TeardownRas* ras_ = nullptr;
  std::map<std::string, Clock::time_point> gone_at_;
  std::shared_ptr<void> gone_token_;
};

// Entries named `prefix` + length in ms, each tearing down in that long (0 with `jittered`: the
// test's TeardownRas decides), connecting in 10 ms; RAS's notifications all missed (DotRas
// issue #105: the schedule alone must find every end).
inline nlohmann::json timed_entries(const std::string& prefix, const std::vector<int>& lengths_ms, bool jittered) {
  nlohmann::json entries = nlohmann::json::array();
  for (int ms : lengths_ms)
    entries.push_back({{"name", prefix + std::to_string(ms)}, {"connect_ms", 10}, {"teardown_ms", jittered ? 0 : ms}});
  return {{"entries", entries}, {"notifications", {{"drop_every", 1}}}};
}

}  // namespace rasbroker::testing
