#!/usr/bin/env bash
# Runs every rasbroker test: installs the dependencies, then configures, builds and
# runs ctest for each preset (native Linux, Windows under Wine, fuzzing, sanitizers).
# Usage: scripts/test-all.sh [PRESET...]   (default: every preset)
# The summary at the end names each failed step and test and repeats the end of each
# failed test's output: CI shows the tail of this script's output, not all of it.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh

presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(linux windows linux-fuzz linux-asan linux-tsan)

# Whatever happens, leave no Wine process of ours behind.
cleanup() {
  if [ -d build/windows/wineprefix ]; then
    WINEPREFIX="$PWD/build/windows/wineprefix" ./cmake/wine-fixture.sh cleanup || true
  fi
}
trap cleanup EXIT

# Prints the last lines of TEST's output from ctest's LastTest.log in folder DIR.
failed_output() {
  local dir=$1 test=$2
  awk -v t="$test" '
    $0 ~ /^[0-9]+\/[0-9]+ Test: / { sub(/^[0-9]+\/[0-9]+ Test: /, ""); inside = ($0 == t); next }
    inside && /^"/ && / end time: / { inside = 0 }
    inside { print }' "$dir/Testing/Temporary/LastTest.log" 2>/dev/null | tail -n 60 | sed 's/^/    | /'
}

failed=()
for preset in "${presets[@]}"; do
  echo "==================== preset: $preset ===================="
  dir=build/$preset
  rm -f "$dir/Testing/Temporary/LastTestsFailed.log"
  step=configure
  if cmake --preset "$preset" && step=build && cmake --build --preset "$preset" \
     && step=test && ctest --preset "$preset"; then
    continue
  fi
  failed+=("$preset ($step)")
done

echo "==================== summary ===================="
if [ ${#failed[@]} -eq 0 ]; then
  echo "all presets passed: ${presets[*]}"
  exit 0
fi
for entry in "${failed[@]}"; do
  preset=${entry%% *}
  echo "FAILED: $entry"
  list=build/$preset/Testing/Temporary/LastTestsFailed.log
  [ -f "$list" ] || continue
  # Lines are "NUMBER:NAME".
  while IFS= read -r line; do
    test=${line#*:}
    echo "  failed test: $test"
    failed_output "build/$preset" "$test"
  done <"$list"
done
exit 1
