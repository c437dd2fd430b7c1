# shellcheck shell=bash
# Sourced by the end-to-end flows under Wine (windows_flow.sh, windows_keep_connected.sh),
# which set daemon, client and dll (RASBROKERD.EXE RASBROKER.EXE RASAPI32.DLL) first: the
# prefix's paths, the Wine and SCM helpers, the clean-up trap, the simulator's state file
# checks and the installation of the test's files. WINEPREFIX must be a prefix prepared by
# cmake/wine-fixture.sh (ctest's "wine" fixture: persistent wineserver, so the SCM
# remembers the service between wine calls).
: "${WINEPREFIX:?WINEPREFIX must be set}"
export WINEDEBUG=-all WINEARCH=win64
unset DISPLAY WINEDLLOVERRIDES RASBROKER_ENDPOINT RASBROKER_SIM_SCENARIO RASBROKER_SIM_STATE

dir=$WINEPREFIX/drive_c/rasbroker-test          # C:\rasbroker-test
win='C:\rasbroker-test'
data=$WINEPREFIX/drive_c/ProgramData/RasBroker   # %ProgramData%\RasBroker: config and logs
work=$(mktemp -d)
watch_pid='' console_pid=''

# Every Wine call reads /dev/null: Wine helpers must never hold ctest's pipes.
w() { wine "$@" </dev/null; }
rb() { wine "$win\\rasbroker.exe" "$@" </dev/null; }
query() { w sc query RasBroker 2>/dev/null | tr -d '\r'; }
state_of() { query | sed -n 's/^ *STATE *: *[0-9]* *\([A-Z_]*\).*/\1/p'; }

cleanup() {
  [ -n "$watch_pid" ] && kill "$watch_pid" 2>/dev/null
  [ -n "$console_pid" ] && kill "$console_pid" 2>/dev/null
  if query | grep -q SERVICE_NAME; then
    w sc stop RasBroker >/dev/null 2>&1
    for _ in $(seq 1 60); do [ "$(state_of)" = STOPPED ] && break; sleep 0.5; done
    w sc delete RasBroker >/dev/null 2>&1
  fi
  # The simulator's registry key is shared with tests/win32: leave none behind.
  w reg delete 'HKLM\Software\RasBroker\Simulator' /f >/dev/null 2>&1
  w reg delete 'HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\RasBroker' /f >/dev/null 2>&1
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# fail/pass/eventually/finish and $scenario, shared with linux_flow.sh.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
poll_interval=0.2   # every check is a Wine process start: give "eventually" 20 s, not 10
is_state() { [ "$(state_of)" = "$1" ]; }
# Checks the simulator's state file: the leak report is clean, and every connection of
# each ENTRY the broker dialled was hung up and reaped (polled until ERROR_INVALID_HANDLE).
# Usage: state_clean FILE ENTRY... "Dialled by the broker" spans processes: a connection a
# killed service dialled and the next one adopted is in the ledger as not external, so it
# is checked like any other. Only the scenario's "connected" links (external: dialled by
# someone else) may stay up; the leak report never counts them.
state_clean() {
  python3 - "$@" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
entries = sys.argv[2:]
def walk(x):
    if isinstance(x, dict):
        yield x
        for v in x.values(): yield from walk(v)
    elif isinstance(x, list):
        for v in x: yield from walk(v)
clean = [o["clean"] for o in walk(doc) if isinstance(o.get("clean"), bool)]
ok = clean == [True] or (clean and all(clean))
for entry in entries:
    ours = [o for o in walk(doc) if o.get("entry") == entry and "reaped" in o and not o.get("external", False)]
    ok = ok and bool(ours) and all(o["reaped"] and o.get("hang_ups", 1) >= 1 for o in ours)
if not ok: print(json.dumps(doc, indent=1))
sys.exit(0 if ok else 1)
PY
}

# True when the simulator's state FILE holds a connection of ENTRY in PHASE (engine
# snapshot) and, with a 4th argument "reaped", every non-external ledger record of ENTRY
# was hung up and reaped.
sim_state() {
  python3 - "$@" <<'PY'
import json, sys
try:
    doc = json.load(open(sys.argv[1], encoding="utf-8"))
except (OSError, ValueError):
    sys.exit(1)
entry, phase = sys.argv[2], sys.argv[3]
eng = doc["engine"]
if phase != "-" and not any(c["entry"] == entry and c["phase"] == phase for c in eng["connections"]):
    sys.exit(1)
if len(sys.argv) > 4 and sys.argv[4] == "reaped":
    recs = [r for r in eng["ledger"] if r["entry"] == entry and not r["external"]]
    sys.exit(0 if recs and all(r["reaped"] and r["hang_ups"] >= 1 for r in recs) else 1)
PY
}

# Fresh copies of the three binaries and SCENARIO in C:\rasbroker-test, a fresh
# %ProgramData%\RasBroker, the simulator's registry key, and no RasBroker service left
# from an earlier run. Usage: install_test_files SCENARIO
install_test_files() {
  rm -rf "$dir" "$data"
  mkdir -p "$dir" "$data"
  cp "$daemon" "$dir/rasbrokerd.exe"
  cp "$client" "$dir/rasbroker.exe"
  cp "$dll" "$dir/rasapi32.dll"   # beside the exe: loaded instead of Wine's only with the override below
  cp "$1" "$dir/scenario.json"   # inside the prefix: the service reads C:\rasbroker-test\scenario.json
  # A service does not inherit our environment: simulator and DLL override via the registry,
  # in place before the service starts.
  w reg add 'HKLM\Software\RasBroker\Simulator' /v Scenario /d "$win\\scenario.json" /f >/dev/null 2>&1
  w reg add 'HKLM\Software\RasBroker\Simulator' /v StateFile /d "$win\\service.state.json" /f >/dev/null 2>&1
  w reg add 'HKCU\Software\Wine\AppDefaults\rasbrokerd.exe\DllOverrides' /v rasapi32 /d native,builtin /f >/dev/null 2>&1
  query | grep -q SERVICE_NAME && { w sc stop RasBroker >/dev/null 2>&1; sleep 2; w sc delete RasBroker >/dev/null 2>&1; }
}
