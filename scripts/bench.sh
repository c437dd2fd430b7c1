#!/usr/bin/env bash
# The benchmark (docs/benchmarks.md): installs the dependencies, builds natively (and for
# Windows, for figure 1 under Wine), runs every figure against its same-run baseline,
# prints the table and writes docs/benchmarks.md.
#   scripts/bench.sh            the full run (5-11 min on 2 cores after the builds, with the load)
#   scripts/bench.sh --quick    a smoke run of every figure (2-6 min, with the load), into build/linux/bench/benchmarks-quick.md
#   --native                    skip Wine (figure 1 over the named pipe); with Wine, the run uses and
#                               afterwards stops the windows build's ctest prefix: not beside its ctest
#   --out FILE                  write the Markdown elsewhere
#   --figures 1,1w,2,3,4,5,6    only these figures (1w: figure 1 under Wine)
# Not a test: nothing here fails on a missed goal (the table says met / not met).
set -euo pipefail
cd "$(dirname "$0")/.."

command="scripts/bench.sh${*:+ $*}"
mode=full wine=yes out='' figures=''
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) mode=quick ;;
    --native) wine=no ;;
    --out) out=$2; shift ;;
    --figures) figures=$2; shift ;;
    *) echo "usage: scripts/bench.sh [--quick] [--native] [--out FILE] [--figures LIST]" >&2; exit 2 ;;
  esac
  shift
done
[ -n "$out" ] || { [ $mode = full ] && out=docs/benchmarks.md || out=build/linux/bench/benchmarks-quick.md; }

./scripts/install-deps.sh
jobs=$(nproc)
cmake --preset linux >/dev/null
cmake --build build/linux -j"$jobs" --target rasbrokerd rasbroker ping_bench line_echo journal_bench
args=(--bin-dir build/linux --out "$out" --command "$command")
if [ $wine = yes ]; then
  cmake --preset windows >/dev/null
  cmake --build build/windows -j"$jobs" --target rasbrokerd rasapi32_sim ping_bench line_echo
  # ctest's Wine prefix of the windows build (cmake/WineFixture.cmake): one prefix per build folder.
  args+=(--win-bin-dir build/windows --wineprefix "$PWD/build/windows/wineprefix")
fi
[ $mode = quick ] && args+=(--quick)
[ -n "$figures" ] && args+=(--figures "$figures")
exec python3 -B bench/bench.py "${args[@]}"
