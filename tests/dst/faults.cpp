#include "tests/dst/faults.hpp"

#include <chrono>
#include <cstdint>

namespace rasbroker::dst {

namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// RAS errors a dial can fail with at a state of its walk: authentication (691), no answer
// (678), the remote end hung up (629), the server did not respond (650 has an extended error,
// so it stays out: the scenario only accepts one where RAS sets it), a VPN that could not connect (800).
constexpr std::uint32_t kDialErrors[] = {691, 678, 629, 800, 718};
// Why an established link drops.
constexpr std::uint32_t kDropErrors[] = {628, 629, 619};

template <class T, std::size_t N>
T pick_of(const T (&values)[N], Rng& rng) {
  return values[rng.below(N)];
}

// A walk state before RASCS_Connected.
ras::ConnState state_before_connected(Rng& rng) {
  const auto& walk = sim::dial_walk();
  return walk[rng.below(walk.size() - 1)];
}

const std::string& random_entry(const sim::Simulator& ras, Rng& rng) {
  const auto& entries = ras.scenario().entries;
  return entries[rng.below(entries.size())].name;
}

}  // namespace

const std::vector<EntryFault>& entry_faults() {
  static const std::vector<EntryFault> faults = {
      {"fails_at_a_state", [](sim::EntrySpec& e, Rng& rng) { e.fail_state = state_before_connected(rng); e.fail_error = pick_of(kDialErrors, rng); }},
      {"refuses_credentials_691", [](sim::EntrySpec& e, Rng&) { e.fail_state = ras::ConnState::Authenticate; e.fail_error = 691; }},
      {"drops_after_connecting", [](sim::EntrySpec& e, Rng& rng) { e.drop_after = milliseconds(rng.between(1'000, 1'800'000)); e.drop_error = pick_of(kDropErrors, rng); }},
      {"drop_keeps_the_handle", [](sim::EntrySpec& e, Rng&) { e.drop_mode = sim::DropMode::disconnected_state; }},
      {"teardown_never_ends", [](sim::EntrySpec& e, Rng&) { e.teardown_never = true; }},
      {"slow_connect", [](sim::EntrySpec& e, Rng& rng) { e.connect = milliseconds(rng.between(10'000, 120'000)); }},
      {"slow_teardown", [](sim::EntrySpec& e, Rng& rng) { e.teardown = milliseconds(rng.between(5'000, 90'000)); }},
      {"multilink", [](sim::EntrySpec& e, Rng& rng) { e.links = static_cast<std::uint32_t>(rng.between(2, 3)); }},
      {"link_fails", [](sim::EntrySpec& e, Rng& rng) { e.links = 2; e.link_fail = sim::LinkFailure{}; e.link_error_ends_dial = rng.chance(50); }},
  };
  return faults;
}

const std::vector<ScenarioFault>& scenario_faults() {
  static const std::vector<ScenarioFault> faults = {
      {"enum_lists_dials_in_progress", [](sim::Scenario& s, Rng&) { s.enum_lists = sim::EnumLists::not_hung_up; }},
      {"late_notifications", [](sim::Scenario& s, Rng& rng) { s.notifications.delay = milliseconds(rng.between(100, 10'000)); }},
      {"lost_notifications", [](sim::Scenario& s, Rng& rng) { s.notifications.drop_every = static_cast<std::uint32_t>(rng.between(1, 4)); }},
      {"termination_signalled_as_teardown_starts", [](sim::Scenario& s, Rng&) { s.notifications.one_connection = sim::TerminationSignal::hang_up; }},
      {"connected_by_someone_else", [](sim::Scenario& s, Rng& rng) { s.connected = {s.entries[rng.below(s.entries.size())].name}; }},
  };
  return faults;
}

const std::vector<RasEvent>& ras_events() {
  static const std::vector<RasEvent> events = {
      {"link_drop", [](sim::Simulator& ras, Rng& rng) { const auto& e = random_entry(ras, rng); return "link of " + e + " drops: " + std::to_string(ras.drop_link(e)); }},
      {"external_hang_up", [](sim::Simulator& ras, Rng& rng) { const auto& e = random_entry(ras, rng); return "someone else hangs up " + e + ": " + std::to_string(ras.external_hang_up(e)); }},
      {"stuck_teardowns_end", [](sim::Simulator& ras, Rng&) { return "stuck teardowns end: " + std::to_string(ras.finish_stuck_teardowns()); }},
  };
  return events;
}

sim::Scenario random_scenario(Rng& rng, std::vector<std::string>& described) {
  static const char* const kNames[] = {"Office VPN", "Branch VPN", "Lab VPN", "Home DSL", "Backup ISDN"};
  sim::Scenario s;
  const auto count = static_cast<std::size_t>(rng.between(2, 5));
  for (std::size_t i = 0; i < count; ++i) {
    sim::EntrySpec e;
    e.name = kNames[i];
    e.connect = milliseconds(rng.between(100, 20'000));
    e.teardown = milliseconds(rng.between(100, 10'000));
    std::string faults;
    for (const auto& f : entry_faults())
      if (rng.chance(20)) {
        f.apply(e, rng);
        faults += " " + std::string(f.name);
      }
    described.push_back("entry \"" + e.name + "\": connect " + std::to_string(e.connect.count()) + " ms, teardown " +
                        std::to_string(e.teardown.count()) + " ms;" + (faults.empty() ? " no faults" : faults));
    s.entries.push_back(std::move(e));
  }
  for (const auto& f : scenario_faults())
    if (rng.chance(25)) {
      f.apply(s, rng);
      described.push_back("RAS: " + std::string(f.name));
    }
  return s;
}

}  // namespace rasbroker::dst
