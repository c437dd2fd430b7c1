#pragma once
// The steps of a simulated dial, one progress callback each (docs/simulator.md, "Dial" and
// "Multilink"). A single-link entry walks dial_walk() as sub-entry 1. A multilink entry
// walks each state of dial_walk() before Connected on every link in turn (sub-entries
// 1 … links), then reports RASCS_SubEntryConnected for every link, then RASCS_Connected.
// RAS promises no order of states (MS: "RASDIALFUNC2 callback function"); this one is ours.
#include <cstddef>
#include <cstdint>

#include "ras/ras_api.hpp"
#include "simulator/scenario.hpp"

namespace rasbroker::sim {

struct DialStep {
  std::uint32_t sub_entry = 1;
  ras::ConnState state = ras::ConnState::OpenPort;
};

// How many steps a dial of `entry` takes, RASCS_Connected (the last) included.
std::size_t dial_step_count(const EntrySpec& entry);
// Step `i` (< dial_step_count). RASCS_Connected is given as sub-entry 1: the engine names
// another link when the first one has gone.
DialStep dial_step(const EntrySpec& entry, std::size_t i);
// The position of `state` in dial_walk(); dial_walk().size() for a state the walk lacks.
std::size_t walk_index(ras::ConnState state);

}  // namespace rasbroker::sim
