// rasbroker_dst: runs the deterministic simulation for a range of seeds.
//   rasbroker_dst --seed 17 --trace          replay one seed, printing every step
//   rasbroker_dst --seeds 1-10000 --hours 24 a long run
// Exit code 0 when every seed held every invariant; 1 at the first failing seed (printed
// with its step, the steps before it and the command that replays it); 2 on bad arguments.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>

#include "tests/dst/simulation.hpp"

namespace {

int usage() {
  std::cerr << "usage: rasbroker_dst [--seed N | --seeds A-B] [--hours H] [--trace]\n"
               "  --seed N     run seed N (default 1)\n"
               "  --seeds A-B  run seeds A to B, stopping at the first that fails\n"
               "  --hours H    virtual hours per seed (default 1; fractions allowed)\n"
               "  --trace      print every step of every seed\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t first = 1, last = 1;
  double hours = 1;
  bool trace = false;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      const bool has_value = i + 1 < argc;
      if (arg == "--seed" && has_value) {
        first = last = std::stoull(argv[++i]);
      } else if (arg == "--seeds" && has_value) {
        const std::string range = argv[++i];
        const auto dash = range.find('-');
        if (dash == std::string::npos) return usage();
        first = std::stoull(range.substr(0, dash));
        last = std::stoull(range.substr(dash + 1));
      } else if (arg == "--hours" && has_value) {
        hours = std::stod(argv[++i]);
      } else if (arg == "--trace") {
        trace = true;
      } else {
        return usage();
      }
    }
  } catch (const std::exception&) {
    return usage();
  }
  if (first > last || hours <= 0) return usage();

  rasbroker::dst::RunOptions options;
  options.length = std::chrono::duration_cast<rasbroker::Clock::duration>(std::chrono::duration<double, std::ratio<3600>>(hours));
  if (trace) options.trace = &std::cout;
  std::uint64_t steps = 0, requests = 0, handles = 0, restarts = 0;
  const auto started = std::chrono::steady_clock::now();
  for (std::uint64_t seed = first; seed <= last; ++seed) {
    options.seed = seed;
    const auto outcome = rasbroker::dst::run_simulation(options);
    if (!outcome.ok) {
      std::cout << outcome.failure << std::flush;
      return 1;
    }
    steps += outcome.steps;
    requests += outcome.requests;
    handles += outcome.ras_handles;
    restarts += outcome.restarts;
    if (last > first && (seed - first + 1) % 100 == 0) std::cout << "seeds " << first << "-" << seed << " passed" << std::endl;
  }
  const auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "seeds " << first << "-" << last << " passed: " << steps << " steps, " << requests << " requests, "
            << handles << " RAS handles, " << restarts << " service restarts, " << hours * double(last - first + 1)
            << " virtual hours in " << took << " s\n";
  return 0;
}
