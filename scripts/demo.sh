#!/usr/bin/env bash
# The main job: rasbrokerd (Linux dev host) doing a real dial and hang-up against the
# RAS simulator, driven by the rasbroker client, narrated step by step.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake --preset linux >/dev/null
cmake --build --preset linux --target rasbrokerd rasbroker

bin=build/linux
daemon=$bin/service/host/linux/rasbrokerd
client=$bin/client/rasbroker
work=$(mktemp -d)
export RASBROKER_ENDPOINT=$work/rasbroker.sock
trap 'kill $watch_pid $daemon_pid 2>/dev/null || true; rm -rf "$work"' EXIT
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

step "Start the broker against the simulator (examples/scenario.json); its log goes to stderr"
"$daemon" --simulate examples/scenario.json --listen "$RASBROKER_ENDPOINT" 2> >(sed 's/^/   [rasbrokerd] /' >&2) &
daemon_pid=$!
for _ in $(seq 50); do [ -S "$RASBROKER_ENDPOINT" ] && break; sleep 0.1; done
sleep 0.2

step "What the service sees: phonebook entries, and Branch VPN adopted (someone else dialled it)"
run "$client" entries
run "$client" list

step "Watch every state change in the background"
"$client" watch | sed 's/^/   [watch] /' &
watch_pid=$!
sleep 0.3

step "Dial Office VPN and wait until it is connected"
run "$client" dial "Office VPN" --wait
run "$client" list

step "Hang up: the client returns at once; the service's reaper finishes the teardown"
start=$(date +%s%N)
run "$client" hangup "Office VPN"
echo "   (the client returned after $(( ($(date +%s%N) - start) / 1000000 )) ms; teardown takes 2500 ms)"
run "$client" list
step "A few seconds later the reaper has seen RasGetConnectStatus answer ERROR_INVALID_HANDLE"
sleep 4
run "$client" list

step "A failing dial: the handle RAS returned is still hung up and reaped"
run "$client" dial "Lab VPN" --wait || echo "   (exit code $? = RAS failure, as documented)"
sleep 1.5

step "Stop the service (SIGTERM = the SCM's stop): it checks nothing leaked"
kill -TERM $daemon_pid
wait $daemon_pid && echo "   rasbrokerd exited cleanly"
kill $watch_pid 2>/dev/null || true
