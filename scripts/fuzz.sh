#!/usr/bin/env bash
# Runs one libFuzzer target for longer than the ctest smoke run (docs/security.md, "Fuzzing").
# Usage: scripts/fuzz.sh TARGET [SECONDS]     (default 600 s; FUZZ_SEED=N for another seed)
#        scripts/fuzz.sh                      (lists the targets)
# Configures and builds the linux-fuzz preset when needed. Inputs that find new code go to
# build/linux-fuzz/fuzz-long/TARGET/found (not into the committed corpus); a crash, leak,
# sanitizer report or timeout stops the run and leaves its input in .../artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=$(ls tests/fuzz/corpus)
if [ $# -lt 1 ]; then
  echo "usage: scripts/fuzz.sh TARGET [SECONDS]; targets:" $targets >&2
  exit 2
fi
target=$1 seconds=${2:-600}
if ! grep -qx "$target" <<<"$targets"; then
  echo "fuzz.sh: no target '$target'; targets:" $targets >&2
  exit 2
fi
[ -f build/linux-fuzz/CMakeCache.txt ] || cmake --preset linux-fuzz
cmake --build build/linux-fuzz --target "fuzz_$target"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export FUZZ_SEED=${FUZZ_SEED:-$RANDOM}
exec tests/fuzz/run-fuzzer.sh "build/linux-fuzz/tests/fuzz/fuzz_$target" "$target" "$seconds" \
  "build/linux-fuzz/fuzz-long/$target"
