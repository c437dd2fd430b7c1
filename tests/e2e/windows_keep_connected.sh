#!/usr/bin/env bash
# End to end under Wine, issue 11's story: an entry pinned in the configuration
# (keep_connected) is dialled when the service starts; its simulated link drops (Always
# VPN drops 3 s after connecting: keep_scenario.json); the service hangs it up, reaps it and
# dials it again; `watch` shows the whole story; `sc stop` hangs up the pinned link and
# leaves nothing leaked in the simulated RAS.
# Usage: windows_keep_connected.sh RASBROKERD.EXE RASBROKER.EXE RASAPI32.DLL (windows_lib.sh
# says what WINEPREFIX must be).
set -uo pipefail
daemon=$1 client=$2 dll=$3
. "$(dirname "${BASH_SOURCE[0]}")/windows_lib.sh"
. "$e2e_dir/keep_lib.sh"

install_test_files "$e2e_dir/keep_scenario.json"
keep_config >"$data/config.json"
w sc create RasBroker binPath= "$win\\rasbrokerd.exe" >"$work/out" 2>&1 || fail "sc create: $(cat "$work/out")"
w sc start RasBroker >"$work/out" 2>&1
eventually is_state RUNNING && pass "sc start: RUNNING" || { fail "never RUNNING: $(query) $(cat "$work/out")"; exit 1; }

wine "$win\\rasbroker.exe" --json watch </dev/null >"$work/watch.log" 2>&1 &
watch_pid=$!
keep_story rb "$work/watch.log"
kill "$watch_pid" 2>/dev/null; wait "$watch_pid" 2>/dev/null; watch_pid=

w sc stop RasBroker >"$work/out" 2>&1 || fail "sc stop: $(cat "$work/out")"
eventually is_state STOPPED && query | grep -q "WIN32_EXIT_CODE *: *0 " && pass "sc stop: STOPPED, exit code 0" \
  || fail "stop: $(query)"
# Every handle the service got for Always VPN, the dropped ones and the last one, was hung
# up and polled until gone; the leak report is clean.
state_clean "$dir/service.state.json" "Always VPN" && pass "state file: every Always VPN handle hung up, reaped, clean" \
  || fail "state file not clean: $(cat "$dir/service.state.json" 2>&1)"
grep -q "stopping (SERVICE_CONTROL_STOP)" "$data/logs/rasbroker.log" && pass "log: the stop" \
  || fail "log: $(tail -20 "$data/logs/rasbroker.log")"

w sc delete RasBroker >/dev/null 2>&1
service_log() { echo "---- service log"; cat "$data/logs/rasbroker.log" 2>/dev/null; echo "---- watch"; cat "$work/watch.log"; }
finish service_log
