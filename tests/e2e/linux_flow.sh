#!/usr/bin/env bash
# End to end on Linux: the real rasbrokerd on a Unix socket, driven by the real
# rasbroker client processes. Usage: linux_flow.sh RASBROKERD RASBROKER
set -uo pipefail
daemon=$1 client=$2
work=$(mktemp -d)
daemon_pid='' watch_pid=''   # set before the trap: an early exit must still clean up
trap 'kill $daemon_pid $watch_pid 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
sock=$work/rasbroker.sock
export RASBROKER_ENDPOINT=$sock
# fail/pass/eventually/finish and $scenario, shared with windows_flow.sh.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# A command-line error is exit 1, as documented (CLI11's own codes are not).
"$daemon" --no-such-option >"$work/out" 2>&1; rc=$?
[ $rc -eq 1 ] && pass "daemon: bad command line, exit 1" || fail "daemon: bad command line: rc=$rc $(cat "$work/out")"

# Not running yet: a clear "service unreachable" with its own exit code.
"$client" status >"$work/out" 2>&1; rc=$?
[ $rc -eq 3 ] && grep -q "rasbrokerd" "$work/out" && pass "unreachable service: exit 3 with a hint" \
  || fail "unreachable service: rc=$rc $(cat "$work/out")"

"$daemon" --simulate "$scenario" --listen "$sock" 2>"$work/daemon.log" &
daemon_pid=$!
eventually test -S "$sock" || { cat "$work/daemon.log"; echo "FAIL: daemon never listened"; exit 1; }
[ "$(stat -c %a "$sock")" = "600" ] && pass "socket mode 0600" || fail "socket mode $(stat -c %a "$sock")"

# A second daemon on the same socket is refused; the first keeps running.
"$daemon" --simulate "$scenario" --listen "$sock" 2>"$work/second.log"; rc=$?
[ $rc -eq 3 ] && grep -q "already listening" "$work/second.log" && pass "second daemon refused: exit 3" \
  || fail "second daemon: rc=$rc $(cat "$work/second.log")"

"$client" --json status >"$work/out" && grep -q '"backend":"sim"' "$work/out" && pass "status" || fail "status: $(cat "$work/out")"
"$client" entries >"$work/out" && grep -q "Office VPN" "$work/out" && ! grep -q "Home VPN" "$work/out" \
  && pass "entries: all-user entries, not alice's own" || fail "entries: $(cat "$work/out")"
# A per-user entry of another account: not found (exit 6), with why and what to do.
"$client" dial "Home VPN" >"$work/out" 2>&1; rc=$?
[ $rc -eq 6 ] && grep -q "LocalSystem" "$work/out" && grep -q -- "-AllUserConnection" "$work/out" \
  && pass "dial of alice's own entry refused with the helpful message" || fail "per-user dial: rc=$rc $(cat "$work/out")"
"$client" --json list >"$work/out" && grep -q '"adopted":true' "$work/out" && pass "adopted Branch VPN listed" \
  || fail "adoption: $(cat "$work/out")"

"$client" --json watch >"$work/watch.log" 2>&1 &
watch_pid=$!
eventually grep -q . "$work/watch.log" 2>/dev/null || sleep 0.5

"$client" dial "Office VPN" --wait >"$work/out" 2>&1 && grep -q "Connected" "$work/out" && pass "dial --wait" \
  || fail "dial --wait: $(cat "$work/out")"

# The heart of it: hang-up returns while RAS is still tearing down (2 s): its reply says
# hanging_up (a `list` afterwards would race the teardown on a loaded machine)...
"$client" --json hangup "Office VPN" >"$work/out" 2>&1 && grep -q '"state":"hanging_up"' "$work/out" \
  && pass "hangup returned while the teardown runs (hanging_up)" || fail "hangup: $(cat "$work/out")"
# ...and gone arrives later through watch.
eventually grep -q '"state":"gone"' "$work/watch.log" && pass "watch saw gone" || fail "watch never saw gone: $(cat "$work/watch.log")"
grep -q '"state":"hanging_up"' "$work/watch.log" && pass "watch saw hanging_up first" || fail "watch missed hanging_up"

# Credentials: password from stdin only, never in any output or log.
echo "wrong-Pa55" | "$client" dial "Secure VPN" --user alice --password-stdin --wait >"$work/out" 2>&1; rc=$?
[ $rc -eq 5 ] && grep -q "691" "$work/out" && pass "bad password: RAS failure 691, exit 5" || fail "bad password: rc=$rc $(cat "$work/out")"
echo "s3cret-Pa55" | "$client" dial "Secure VPN" --user alice --password-stdin --wait >"$work/out" 2>&1 \
  && pass "good password connects" || fail "good password: $(cat "$work/out")"
"$client" hangup "Secure VPN" --wait >"$work/out" 2>&1 && grep -q "gone" "$work/out" && pass "hangup --wait" \
  || fail "hangup --wait: $(cat "$work/out")"

"$client" get "Nope VPN" >"$work/out" 2>&1; rc=$?
[ $rc -eq 6 ] && pass "unknown connection: exit 6" || fail "get unknown: rc=$rc $(cat "$work/out")"

# rasdial.exe compatibility: scripts migrate by one word.
"$client" rasdial "Office VPN" >"$work/out" 2>&1 && grep -q "Command completed successfully" "$work/out" \
  && pass "rasdial ENTRY" || fail "rasdial: $(cat "$work/out")"
"$client" rasdial >"$work/out" 2>&1 && grep -q "Office VPN" "$work/out" && pass "rasdial (list)" || fail "rasdial list: $(cat "$work/out")"
"$client" rasdial "Office VPN" /DISCONNECT >"$work/out" 2>&1 && pass "rasdial /DISCONNECT" || fail "rasdial /DISCONNECT: $(cat "$work/out")"

# Graceful stop: hangs up what it dialled, waits for the reaper, reports no leak.
"$client" dial "Office VPN" --wait >/dev/null 2>&1
kill -TERM $daemon_pid
wait $daemon_pid; rc=$?
[ $rc -eq 0 ] && grep -q "no handle leaked" "$work/daemon.log" && pass "SIGTERM: graceful stop, nothing leaked" \
  || fail "daemon exit $rc: $(tail -20 "$work/daemon.log")"
[ ! -e "$sock" ] && pass "socket removed" || fail "socket left behind"
for secret in s3cret-Pa55 wrong-Pa55; do
  grep -q -- "$secret" "$work/daemon.log" "$work/watch.log" && fail "password $secret leaked into a log"
done

daemon_log() { echo "---- daemon log"; cat "$work/daemon.log"; }
finish daemon_log
