#!/usr/bin/env bash
# Runs every rasbroker test: installs the dependencies, then configures, builds and
# runs ctest for each preset (native Linux, sanitizers, Windows under Wine).
# Usage: scripts/test-all.sh [PRESET...]   (default: every preset)
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh

presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(linux windows linux-asan linux-tsan)

# Whatever happens, leave no Wine process of ours behind.
cleanup() {
  if [ -d build/windows/wineprefix ]; then
    WINEPREFIX="$PWD/build/windows/wineprefix" ./cmake/wine-fixture.sh cleanup || true
  fi
}
trap cleanup EXIT

failed=()
for preset in "${presets[@]}"; do
  echo "==================== preset: $preset ===================="
  if ! cmake --workflow --preset "$preset"; then
    failed+=("$preset")
  fi
done

echo "==================== summary ===================="
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED presets: ${failed[*]}"
  exit 1
fi
echo "all presets passed: ${presets[*]}"
