# Sourced by the end-to-end flows (linux_flow.sh, windows_flow.sh): the scenario both run
# and the bookkeeping of their checks, so both platforms test the same story and count,
# report and finish the same way.
# shellcheck shell=bash

e2e_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The simulator scenario of both flows: Office VPN with a slow (2 s) teardown, Branch VPN
# already connected by someone else (to be adopted), Secure VPN behind a password, Flaky
# VPN whose link drops 3 s after connecting, Slow VPN with an 8 s teardown (long enough for
# a check that polls during a teardown to see it on any machine), Slow Dial VPN dialling for
# 60 s (a service killed while it dials), Home VPN alice's own (per-user) entry, which the
# service (SYSTEM) cannot see.
# shellcheck disable=SC2034  # used by the sourcing script
scenario=$e2e_dir/scenario.json

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

# Seconds between two attempts of `eventually`; a flow may set its own after sourcing.
poll_interval=0.1
# Polls until a command succeeds: bounded (no timing assertion, just "eventually").
eventually() { for _ in $(seq 1 100); do "$@" && return 0; sleep "$poll_interval"; done; return 1; }

# The last line of a flow. Usage: finish [COMMAND...]. With failed checks, runs COMMAND
# (the flow's logs, for the reader of the test output) and exits 1.
finish() {
  if [ "$failures" -gt 0 ]; then
    "$@"
    echo "$failures check(s) failed"; exit 1
  fi
  echo "all checks passed"
}
