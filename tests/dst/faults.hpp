#pragma once
// The RAS behaviour a simulation run draws from: what the simulator's scenario can express
// per entry and for the whole of RAS, and what happens to RAS from outside while the broker
// runs. Each kind is one line of a table (faults.cpp); a fault the simulator learns becomes
// one more line.
#include <string>
#include <string_view>
#include <vector>

#include "simulator/scenario.hpp"
#include "simulator/simulator.hpp"
#include "tests/dst/rng.hpp"

namespace rasbroker::dst {

// How one entry misbehaves (each entry draws every kind with some probability).
struct EntryFault {
  std::string_view name;
  void (*apply)(sim::EntrySpec& entry, Rng& rng);
};
// How RAS as a whole behaves (each drawn once per run).
struct ScenarioFault {
  std::string_view name;
  void (*apply)(sim::Scenario& scenario, Rng& rng);
};
// Something that happens to RAS while the broker runs; returns what it did, for the trace.
struct RasEvent {
  std::string_view name;
  std::string (*fire)(sim::Simulator& ras, Rng& rng);
};

const std::vector<EntryFault>& entry_faults();
const std::vector<ScenarioFault>& scenario_faults();
const std::vector<RasEvent>& ras_events();

// A scenario of 2 to 5 entries with random timings and faults; `described` gets one line
// per entry and per scenario-wide fault, for the trace.
sim::Scenario random_scenario(Rng& rng, std::vector<std::string>& described);

}  // namespace rasbroker::dst
