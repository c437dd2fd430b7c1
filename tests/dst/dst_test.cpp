// The deterministic simulation's fixed seeds (docs/architecture.md, "Deterministic
// simulation"), bounded for the README's test command; a longer run is rasbroker_dst.
#include <gtest/gtest.h>

#include "tests/dst/simulation.hpp"

namespace rasbroker::dst {
namespace {

using namespace std::chrono_literals;

// Under the sanitizers each step costs many times more: fewer and shorter seeds.
#ifdef RASBROKER_DST_SANITIZED
constexpr std::uint64_t kSeeds = 3;
constexpr Clock::duration kLength = 20min;
#else
constexpr std::uint64_t kSeeds = 12;
constexpr Clock::duration kLength = 1h;
#endif

TEST(DeterministicSimulation, FixedSeedsHoldEveryInvariant) {
  for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
    const auto outcome = run_simulation({.seed = seed, .length = kLength, .trace = nullptr});
    ASSERT_TRUE(outcome.ok) << outcome.failure;
    EXPECT_GT(outcome.requests, 0u);
  }
}

TEST(DeterministicSimulation, ASeedReplaysTheSameTrace) {
  const RunOptions options{.seed = 7, .length = 20min, .trace = nullptr};
  const auto first = run_simulation(options);
  const auto second = run_simulation(options);
  ASSERT_TRUE(first.ok) << first.failure;
  EXPECT_EQ(first.trace_hash, second.trace_hash);
  EXPECT_EQ(first.steps, second.steps);
  EXPECT_EQ(first.requests, second.requests);
}

}  // namespace
}  // namespace rasbroker::dst
