# shellcheck shell=bash
# Issue 11's story, shared by windows_keep_connected.sh (under Wine's SCM) and
# linux_keep_connected.sh (the dev host), both with keep_scenario.json: Always VPN is pinned
# in the configuration and its link drops 3 s after every connect. The sourcing script
# provides pass/fail/eventually (lib.sh) and $work.

# The service's configuration: Always VPN pinned, with a short back-off so that the redial
# comes within the test's bounds.
keep_config() {
  cat <<'JSON'
{"reaper": {"initial_ms": 100, "max_ms": 500},
 "keep_connected": [{"entry": "Always VPN", "backoff": {"initial_ms": 1000, "max_ms": 2000}}]}
JSON
}

# True when the `watch --json` stream in FILE tells ENTRY's story, in this order: a
# connection of ENTRY lost its link (reason link_lost), then a dial of ENTRY began
# (dialing) and connected. Whether the redial is the same record or a new one is the
# broker's business: the order is what matters.
redial_story() {
  python3 - "$@" <<'PY'
import json, sys
states = []
for line in open(sys.argv[1], encoding="utf-8"):
    try:
        c = json.loads(line)["connection"]
    except (ValueError, KeyError, TypeError):
        continue
    if c.get("entry") == sys.argv[2]:
        states.append("link_lost" if c.get("reason") == "link_lost" and c["state"] != "connected" else c["state"])
try:
    lost = states.index("link_lost")
    dialing = states.index("dialing", lost)
    states.index("connected", dialing)
except ValueError:
    sys.exit(1)
PY
}

# The story, seen by the client command CLIENT (a function or program taking rasbroker's
# arguments) and its `watch --json` stream in WATCH: dialled at start without anyone
# asking, shown as pinned, dropped (link_lost), hung up and reaped, dialled again, connected.
keep_story() {
  local client=$1 watch=$2
  pinned_up() { "$client" --json get "Always VPN" >"$work/get" 2>&1 && grep -q '"state":"connected"' "$work/get"; }
  eventually pinned_up && pass "pinned: Always VPN dialled at start, connected" \
    || fail "pinned at start: $(cat "$work/get")"
  grep -q '"pinned":true' "$work/get" && pass "get: Always VPN is pinned" || fail "get: not pinned: $(cat "$work/get")"
  eventually redial_story "$watch" "Always VPN" \
    && pass "watch: link_lost, then redialled without anyone asking and connected again" \
    || fail "watch: not the whole story: $(cat "$watch")"
}
