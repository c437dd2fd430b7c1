#pragma once
// The one source of randomness of a simulation run: everything the driver decides (the
// scenario, each step, each request) comes from this generator seeded once, so a seed
// replays exactly. std::mt19937_64's sequence is fixed by the standard; the helpers below
// avoid the standard distributions, whose results differ between library implementations.
#include <cstddef>
#include <cstdint>
#include <random>

namespace rasbroker::dst {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : gen_(seed) {}

  // 0 … n-1 (0 when n is 0). The modulo bias is far below anything a run could notice.
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : gen_() % n; }
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo) + 1));
  }
  bool chance(unsigned percent) { return below(100) < percent; }
  template <class Container>
  auto& pick(Container& c) {
    return c[static_cast<std::size_t>(below(c.size()))];
  }

 private:
  std::mt19937_64 gen_;
};

}  // namespace rasbroker::dst
