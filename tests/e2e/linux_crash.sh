#!/usr/bin/env bash
# Crash tests on Linux (issue 9): the real rasbrokerd killed with SIGKILL and started again,
# its simulator's state kept across the processes (--sim-state) and its journal in its data
# folder (--data-dir), driven by the real rasbroker client. Usage: linux_crash.sh RASBROKERD RASBROKER
#
# The timings come from crash_scenario.json and are long enough to hit each phase at the
# kill on any machine: "Slow Dial VPN" dials for 60 s (mid-dial), "Slow Down VPN" tears
# down for 5 s (mid-teardown), "Office VPN" is connected (mid-connected).
set -uo pipefail
daemon=$1 client=$2
work=$(mktemp -d)
daemon_pid=''   # set before the trap: an early exit must still clean up
trap 'kill -9 $daemon_pid 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
sock=$work/rasbroker.sock
export RASBROKER_ENDPOINT=$sock
# fail/pass/eventually/finish, shared with the other flows.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
crash_scenario=$e2e_dir/crash_scenario.json
poll_interval=0.2   # `eventually` waits up to 20 s: a 5 s teardown and the reaper's backoff fit
run=0

# start_daemon ARGS...: a new rasbrokerd on $sock, logging to $work/daemon.<n>.log ($log).
start_daemon() {
  run=$((run + 1)) log=$work/daemon.$run.log
  "$daemon" --simulate "$crash_scenario" --listen "$sock" "$@" 2>"$log" &
  daemon_pid=$!
  eventually "$client" status >/dev/null 2>&1 || { cat "$log"; echo "FAIL: daemon $run never answered"; exit 1; }
}
kill_daemon() { kill -9 "$daemon_pid"; wait "$daemon_pid" 2>/dev/null; daemon_pid=''; }
# stop_daemon: SIGTERM (the graceful stop); sets $rc to the exit code.
stop_daemon() { kill -TERM "$daemon_pid"; wait "$daemon_pid"; rc=$?; daemon_pid=''; }

# Fields of one connection, from `--json get --id ID` (or of a `--json dial` reply in a file).
conn_json() { "$client" --json get --id "$1" 2>/dev/null; }
field() { grep -o "\"$1\":[^,}]*" | head -1; }
owner_of() { grep -o '"owner":{[^}]*}' | head -1; }
id_of() { grep -o '"id":"c[0-9]*"' | head -1 | grep -o 'c[0-9]*'; }
gone() { ! conn_json "$1" >/dev/null; }

# --- Without a data folder: the simulator's state survives the kill, ownership does not ------
# (the dev host as it was before the journal: plain adoption, and the killed process's dial
# reference is never hung up, which the simulator reports as a leak at the end).
start_daemon --sim-state "$work/plain-state.json"
"$client" dial "Office VPN" --wait >/dev/null 2>&1 || fail "plain: dial: $(cat "$log")"
kill_daemon
start_daemon --sim-state "$work/plain-state.json"
"$client" --json list >"$work/out" 2>&1
grep -q '"entry":"Office VPN"' "$work/out" && grep -q '"adopted":true' "$work/out" \
  && pass "no data folder: the killed instance's connection is found again, adopted" \
  || fail "no data folder: $(cat "$work/out")"
grep -q "simulator: state restored from $work/plain-state.json" "$log" && pass "simulator state restored" \
  || fail "no 'state restored' line: $(cat "$log")"
stop_daemon
[ $rc -eq 4 ] && grep -q "(Office VPN): 1 of 1 dial reference(s) never hung up" "$log" \
  && pass "no data folder: the adopted connection is left up and reported leaked (exit 4)" \
  || fail "no data folder: exit $rc: $(tail -5 "$log")"

# --- With a data folder: kill -9 mid-connected, mid-teardown and mid-dial -----------------
state=$work/sim-state.json data=$work/data
journal=$data/journal.json
start_daemon --sim-state "$state" --data-dir "$data"
"$client" --json dial "Office VPN" --wait >"$work/office" 2>&1 || fail "dial Office VPN: $(cat "$work/office")"
"$client" --json dial "Slow Down VPN" --wait >"$work/down" 2>&1 || fail "dial Slow Down VPN: $(cat "$work/down")"
"$client" --json dial "Slow Dial VPN" >"$work/dialing" 2>&1 || fail "dial Slow Dial VPN: $(cat "$work/dialing")"
office=$(id_of <"$work/office") down=$(id_of <"$work/down") dialing=$(id_of <"$work/dialing")
office_owner=$(owner_of <"$work/office") office_dialed=$(field dialed_at <"$work/office")
down_owner=$(owner_of <"$work/down")
"$client" --json hangup --id "$down" >"$work/out" 2>&1 && grep -q '"state":"hanging_up"' "$work/out" \
  || fail "hangup $down: $(cat "$work/out")"
conn_json "$dialing" | grep -q '"state":"dialing"' || fail "$dialing is not dialing at the kill"
# The journal is written a little after a change (coalesced): the kill comes once it holds
# all three, as a crash a moment later would find it.
eventually grep -q "Slow Dial VPN" "$journal" && eventually grep -q "hanging_up" "$journal" \
  || fail "the journal never held the three connections: $(cat "$journal" 2>&1)"
kill_daemon
pass "killed with $office connected, $down tearing down, $dialing dialling"

start_daemon --sim-state "$state" --data-dir "$data"
conn_json "$office" >"$work/out"
grep -q '"entry":"Office VPN"' "$work/out" && grep -q '"adopted":false' "$work/out" \
  && grep -qF "$office_owner" "$work/out" && grep -qF "$office_dialed" "$work/out" \
  && pass "connected: $office is ours again, same id, owner and dial time" || fail "restored $office: $(cat "$work/out")"
"$client" --json list >"$work/out" 2>&1
[ "$(grep -o '"adopted":true' "$work/out" | wc -l)" -eq 0 ] && pass "nothing adopted after the restart" \
  || fail "adopted after the restart: $(cat "$work/out")"
conn_json "$down" >"$work/out"
grep -q '"state":"hanging_up"' "$work/out" && grep -qF "$down_owner" "$work/out" \
  && pass "mid-teardown: $down is still hanging up, ours" || fail "restored $down: $(cat "$work/out")"
eventually gone "$down" && pass "mid-teardown: $down reaped" || fail "$down never reaped: $(conn_json "$down")"
eventually gone "$dialing" && pass "mid-dial: $dialing (failed with the old process) hung up and reaped" \
  || fail "$dialing still there: $(conn_json "$dialing")"
"$client" --json dial "Fresh VPN" --wait >"$work/fresh" 2>&1 || fail "dial Fresh VPN: $(cat "$work/fresh")"
fresh=$(id_of <"$work/fresh")
for old in "$office" "$down" "$dialing"; do
  [ "${fresh#c}" -gt "${old#c}" ] || fail "new id $fresh does not come after $old"
done
pass "a new dial gets a new id ($fresh): ids never repeat across restarts"

# A second crash: what the restarted instance took back is journalled as its own.
eventually grep -q "Fresh VPN" "$journal" || fail "the journal never held $fresh: $(cat "$journal" 2>&1)"
kill_daemon
start_daemon --sim-state "$state" --data-dir "$data"
for id in "$office" "$fresh"; do
  conn_json "$id" | grep -q '"adopted":false' && pass "second restart: $id still ours" \
    || fail "second restart: $id: $(conn_json "$id")"
done

# on_stop "hangup" covers everything, and the simulator saw every handle hung up and reaped,
# across all three processes.
stop_daemon
[ $rc -eq 0 ] && grep -q "simulator: no handle leaked" "$log" && pass "clean stop: everything hung up, nothing leaked" \
  || fail "final stop: exit $rc: $(tail -20 "$log")"
grep -q '"clean": true' "$state" && pass "the simulator's state file reports no leak" || fail "state file: $(head -20 "$state")"

daemon_logs() { for f in "$work"/daemon.*.log; do echo "---- $f"; cat "$f"; done; }
finish daemon_logs
