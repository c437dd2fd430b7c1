// Fuzz target: the simulator's scenario file (simulator/scenario.hpp), JSON with comments
// that tests, the dev host and the simulated rasapi32.dll read. A bad scenario must be a
// ScenarioError naming the key, never a crash or another exception; an accepted one keeps
// its promise that every entry is found again by its own name.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "simulator/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto scenario = rasbroker::sim::parse_scenario_text(text, "scenario.json");
    for (const auto& entry : scenario.entries) {
      if (scenario.find(entry.name) == nullptr) std::abort();
    }
    if (scenario.connected_origins.size() != scenario.connected.size()) std::abort();
  } catch (const rasbroker::sim::ScenarioError&) {
    // the documented refusal
  }
  return 0;
}
