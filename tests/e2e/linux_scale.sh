#!/usr/bin/env bash
# Scale end to end on Linux: rasbrokerd started with COUNT connections someone else dialled
# (adopted at start), then the real rasbroker client lists them all and hangs them all up
# (issue 10: the client once refused answers this large, and every lookup walked every
# record). Functional only: no timing is asserted. Usage: linux_scale.sh RASBROKERD RASBROKER COUNT
set -uo pipefail
daemon=$1 client=$2 count=$3
work=$(mktemp -d)
daemon_pid=''
trap 'kill $daemon_pid 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
sock=$work/rasbroker.sock
export RASBROKER_ENDPOINT=$sock
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
poll_interval=0.2

# COUNT entries, all connected at start, each tearing down in 0.2 s.
{
  printf '{"entries": ['
  for ((i = 0; i < count; i++)); do
    [ $i -gt 0 ] && printf ','
    printf '{"name": "VPN %d", "teardown_ms": 200}' "$i"
  done
  printf '], "connected": ['
  for ((i = 0; i < count; i++)); do
    [ $i -gt 0 ] && printf ','
    printf '"VPN %d"' "$i"
  done
  printf ']}\n'
} >"$work/scenario.json"

"$daemon" --simulate "$work/scenario.json" --listen "$sock" --log-level warn 2>"$work/daemon.log" &
daemon_pid=$!
eventually "$client" status >/dev/null 2>&1 || { cat "$work/daemon.log"; echo "FAIL: daemon never answered"; exit 1; }

# The table: a header and one line per connection, every one adopted at start.
"$client" list >"$work/list" 2>"$work/err"; rc=$?
lines=$(($(wc -l <"$work/list") - 1))
[ $rc -eq 0 ] && [ "$lines" -eq "$count" ] && pass "list: $count connections" \
  || fail "list: rc=$rc, $lines lines: $(head -c 300 "$work/err")"
"$client" --json list >"$work/list.json" 2>"$work/err"; rc=$?
adopted=$(grep -o '"adopted":true' "$work/list.json" | wc -l)
[ $rc -eq 0 ] && [ "$adopted" -eq "$count" ] && pass "list --json: $count adopted connections" \
  || fail "list --json: rc=$rc, $adopted adopted: $(head -c 300 "$work/err")"
# One of them by entry, in another case (found through the entry index), and by id.
"$client" --json get "vpn $((count / 2))" >"$work/out" 2>&1 && grep -q "\"entry\":\"VPN $((count / 2))\"" "$work/out" \
  && pass "get by entry among $count" || fail "get by entry: $(cat "$work/out")"
"$client" --json get --id "c$count" >"$work/out" 2>&1 && grep -q '"id":"c'"$count"'"' "$work/out" \
  && pass "get by id among $count" || fail "get by id: $(head -c 300 "$work/out")"

"$client" --json hangup --all >"$work/hangup.json" 2>"$work/err"; rc=$?
tearing=$(grep -o '"state":"hanging_up"' "$work/hangup.json" | wc -l)
[ $rc -eq 0 ] && [ "$tearing" -eq "$count" ] && pass "hangup --all: $count hanging up" \
  || fail "hangup --all: rc=$rc, $tearing hanging up: $(head -c 300 "$work/err")"
empty() { "$client" --json list 2>/dev/null | grep -q '"connections":\[\]'; }
eventually empty && pass "all $count reaped" || fail "not all reaped: $("$client" status 2>&1)"

finish cat "$work/daemon.log"
