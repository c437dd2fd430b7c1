// The steps of a simulated dial (see dial_steps.hpp).
#include "simulator/dial_steps.hpp"

#include <algorithm>

namespace rasbroker::sim {

std::size_t dial_step_count(const EntrySpec& entry) {
  const std::size_t walk = dial_walk().size();
  if (entry.links <= 1) return walk;
  // Every link walks the states before Connected, then reports SubEntryConnected; then Connected.
  return (walk - 1) * entry.links + entry.links + 1;
}

DialStep dial_step(const EntrySpec& entry, std::size_t i) {
  const auto& walk = dial_walk();
  if (entry.links <= 1) return {1, walk[i]};
  const std::size_t links = entry.links;
  const std::size_t walked = (walk.size() - 1) * links;
  if (i < walked) return {static_cast<std::uint32_t>(i % links + 1), walk[i / links]};
  if (i < walked + links) return {static_cast<std::uint32_t>(i - walked + 1), ras::ConnState::SubEntryConnected};
  return {1, ras::ConnState::Connected};
}

std::size_t walk_index(ras::ConnState state) {
  const auto& walk = dial_walk();
  return static_cast<std::size_t>(std::find(walk.begin(), walk.end(), state) - walk.begin());
}

}  // namespace rasbroker::sim
