#pragma once
// Shared helpers of the simulator tests: virtual-time fixture and a progress recorder.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "simulator/simulator.hpp"

namespace rasbroker::ras {
inline void PrintTo(ConnState s, std::ostream* os) { *os << state_name(s); }
}  // namespace rasbroker::ras

namespace rasbroker::sim::test {

using namespace std::chrono_literals;
using ras::ConnState;
namespace err = ras::err;

struct Progress {
  ras::Handle handle;
  ras::ConnState state;
  std::uint32_t error;
  std::uint32_t sub_entry = 1;  // every callback of a single-link entry comes from link 1
  std::uint32_t extended_error = 0;
  bool operator==(const Progress&) const = default;
  friend void PrintTo(const Progress& p, std::ostream* os) {
    *os << "{" << format_handle(p.handle) << ", " << ras::state_name(p.state) << ", " << p.error << ", link "
        << p.sub_entry << ", extended " << p.extended_error << "}";
  }
};

// A dial of `entry` in the system phonebook; no user name and password: saved credentials.
inline ras::DialRequest dial_request(std::string entry, std::string user = "", std::string pass = "") {
  ras::DialRequest r;
  r.entry = std::move(entry);
  r.username = std::move(user);
  r.password = std::move(pass);
  return r;
}

// Records DialProgressFn calls (manual mode: same thread, no locking needed).
struct Recorder {
  std::vector<Progress> calls;
  ras::DialProgressFn fn() {
    return [this](const ras::DialProgress& p) {
      calls.push_back({p.handle, p.state, p.error, p.sub_entry, p.extended_error});
    };
  }
  std::vector<ras::ConnState> states() const {
    std::vector<ras::ConnState> out;
    for (const auto& c : calls) out.push_back(c.state);
    return out;
  }
};

class VirtualTime : public ::testing::Test {
 protected:
  void SetUp() override { Clock::use_virtual_time(); }
  void TearDown() override { Clock::use_real_time(); }

  static Scenario scenario(const char* json) { return parse_scenario_text(json, ""); }

  static std::size_t advance(Simulator& sim, Clock::duration d) {
    Clock::advance(d);
    return sim.pump();
  }
  // Jumps virtual time from event to event until nothing is pending (bounded).
  static void settle(Simulator& sim) {
    sim.pump();
    for (int i = 0; i < 1000; ++i) {
      const auto next = sim.next_event_due();
      if (!next) return;
      if (*next > Clock::now()) Clock::advance(*next - Clock::now());
      sim.pump();
    }
    ADD_FAILURE() << "simulator never settled";
  }
  static ras::DialRequest request(const char* entry, const char* user = "", const char* pass = "") {
    return dial_request(entry, user, pass);
  }
  // A dial of `entry` from the phonebook file `phonebook` (saved credentials).
  static ras::DialRequest request_in(const char* phonebook, const char* entry) {
    auto r = dial_request(entry);
    r.phonebook = phonebook;
    return r;
  }
  static std::uint32_t status(Simulator& sim, ras::Handle h, ras::ConnectStatus* out = nullptr) {
    ras::ConnectStatus s;
    const auto rc = sim.get_connect_status(h, s);
    if (out != nullptr) *out = s;
    return rc;
  }
};

}  // namespace rasbroker::sim::test
