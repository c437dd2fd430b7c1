#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time from its committed seed corpus.
# Usage: run-fuzzer.sh BINARY TARGET SECONDS WORKDIR   (ctest and scripts/fuzz.sh call it)
# The committed corpus (tests/fuzz/corpus/TARGET) is read only: libFuzzer writes the
# inputs it finds to the first corpus folder, here WORKDIR/found, emptied at every start
# so that a run with the same seed (FUZZ_SEED, default 1) starts from the same state.
# A crash, leak, sanitizer report or timeout fails the run and leaves the input in
# WORKDIR/artifacts/ (docs/security.md, "Fuzzing": how to turn it into a regression input).
set -euo pipefail
binary=$1 target=$2 seconds=$3 workdir=$4
here=$(cd "$(dirname "$0")" && pwd)
corpus=$here/corpus/$target
dict=$here/dict/$target.dict

rm -rf "$workdir/found"
mkdir -p "$workdir/found" "$workdir/artifacts"
args=(
  -max_total_time="$seconds"
  -seed="${FUZZ_SEED:-1}"
  -rss_limit_mb=2048          # two targets run side by side on CI's machine
  -malloc_limit_mb=512        # one allocation this big is a finding, not a test input
  -timeout=10                 # seconds for one input: the parsers take microseconds
  -max_len=16384              # past the framer's and the parsers' interesting sizes
  -print_final_stats=1
  -artifact_prefix="$workdir/artifacts/"
)
[ -f "$dict" ] && args+=(-dict="$dict")
echo "run-fuzzer: $target for ${seconds}s, seed ${FUZZ_SEED:-1}, corpus $corpus"
exec "$binary" "${args[@]}" "$workdir/found" "$corpus"
