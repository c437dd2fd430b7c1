#!/usr/bin/env bash
# The main job: a narrated tour of the real product. The Windows service rasbrokerd.exe,
# installed from its MSI into a throwaway Wine prefix, dials and hangs up against the
# simulated rasapi32.dll, driven by the bundled client rasbroker.exe; then the Event Log
# entries it wrote, and the uninstall. Each step says what it shows and runs the command a
# Windows admin would type. Exits non-zero as soon as a step fails; leaves nothing running.
# The quicker native tour (Linux dev host, no Wine): scripts/demo.sh.
# TOUR_SKIP_DEPS=1 skips the apt-get step (a machine already set up).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

if [ -t 1 ]; then bold=$'\033[1m' dim=$'\033[2m' off=$'\033[0m'; else bold='' dim='' off=''; fi
started=$(date +%s)
step_no=0
step() { step_no=$((step_no + 1)); printf '\n%s== %d. %s%s\n' "$bold" "$step_no" "$*" "$off"; }
say() { printf '   %s\n' "$*"; }
die() { printf '\nTOUR FAILED at step %d: %s\n' "$step_no" "$*" >&2; exit 1; }
trap 'printf "\nTOUR FAILED at step %d (line %d)\n" "$step_no" "$LINENO" >&2' ERR

step "Install the build tools (apt-get, once): MinGW-w64, Wine, wixl, CMake"
[ "${TOUR_SKIP_DEPS:-}" = 1 ] || ./scripts/install-deps.sh

step "Build the Windows binaries and the MSI (MinGW-w64 cross build)"
say "The first build takes 5 to 15 minutes on a 2-core machine; later runs take seconds."
say "Ninja prints [done/total] as it goes."
cmake --preset windows >/dev/null
cmake --build --preset windows --target rasbroker_msi rasapi32_sim
bin=$repo/build/windows
msi=$(ls -t "$bin"/rasbroker-*-x64.msi | head -n 1)
[ -f "$msi" ] || die "the MSI was not built"
sim_dll=$bin/simulator/dll/rasapi32.dll
say "built: ${msi#"$repo"/}"

# ---------------------------------------------------------------- a throwaway Windows
work=$(mktemp -d "${TMPDIR:-/tmp}/rasbroker-tour.XXXXXX")
export WINEPREFIX=$work/prefix WINEARCH=win64 WINEDEBUG=-all
unset DISPLAY WINEDLLOVERRIDES RASBROKER_ENDPOINT
cleanup() {
  wineserver -k 2>/dev/null || true
  wineserver -w 2>/dev/null || true
  kill "${watch_pid:-}" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
w() { wine "$@" </dev/null; }
show() { printf '%s> %s%s\n' "$dim" "$*" "$off"; }
# Runs a Windows command as an admin would type it (printed first), CRs stripped.
win() { show "$*"; w "$@" 2>&1 | tr -d '\r' | sed 's/^/   /'; return "${PIPESTATUS[0]}"; }

step "A throwaway Windows: a fresh Wine prefix in $work"
wine wineboot --init </dev/null >/dev/null 2>&1
wineserver -w   # the first session must end before any service or MSI work
# One persistent session from here on, so the Service Control Manager keeps the service
# running between commands. Wine keeps no Event Log: ReportEventW only traces each event
# (its ID, then its insertion strings) on the debug channels turned on below; the service
# inherits them from services.exe, started by this first command.
wineserver -p
WINEDEBUG=-all,fixme+advapi,+eventlog wine wineboot </dev/null >/dev/null 2>"$work/eventlog.trace"

# ---------------------------------------------------------------- simulated RAS
step "Put the simulated RAS in place (tests do this too; the MSI never contains it)"
say "Wine has no RAS: rasbrokerd.exe will load our simulator, a drop-in rasapi32.dll, from its"
say "install folder, with the scenario examples/scenario.json: Office VPN (1.2 s to connect,"
say "2.5 s to tear down), Branch VPN (already connected by someone else) and Lab VPN (fails 691)."
install_dir=$WINEPREFIX/drive_c/Program\ Files/RasBroker
mkdir -p "$install_dir" "$WINEPREFIX/drive_c/tour"
cp "$sim_dll" "$install_dir/rasapi32.dll"
cp examples/scenario.json "$WINEPREFIX/drive_c/tour/scenario.json"
w reg add 'HKLM\Software\RasBroker\Simulator' /v Scenario /d 'C:\tour\scenario.json' /f >/dev/null 2>&1
w reg add 'HKLM\Software\RasBroker\Simulator' /v StateFile /d 'C:\tour\ras.state.json' /f >/dev/null 2>&1
w reg add 'HKCU\Software\Wine\AppDefaults\rasbrokerd.exe\DllOverrides' /v rasapi32 /d native,builtin /f >/dev/null 2>&1

# ---------------------------------------------------------------- install
step "Install the MSI silently, as Group Policy or Intune would"
cp "$msi" "$WINEPREFIX/drive_c/tour/"
msi_win="C:\\tour\\$(basename "$msi")"
win msiexec /i "$msi_win" /qn /l*v 'C:\tour\install.log' ONSTOP=hangup \
  || die "msiexec failed; see the log: $(tail -n 20 "$WINEPREFIX/drive_c/tour/install.log")"
say "exit code 0: installed, service registered and started"

step "The service, as the Service Control Manager sees it"
win sc query RasBroker
w sc query RasBroker | grep -q RUNNING || die "RasBroker is not RUNNING"
say "Its registration (what sc qc shows on Windows; Wine's sc has no qc):"
show 'reg query HKLM\SYSTEM\CurrentControlSet\Services\RasBroker'
w reg query 'HKLM\SYSTEM\CurrentControlSet\Services\RasBroker' 2>/dev/null | tr -d '\r' \
  | grep -E 'DisplayName|Description|DependOnService|Start |ObjectName|ImagePath' | sed 's/^ */   /'

rb='C:\Program Files\RasBroker\rasbroker.exe'
rbw() { win "$rb" "$@"; }

step "What the service can dial, and what is already up"
rbw entries || die "rasbroker entries failed"
rbw list || die "rasbroker list failed"

step "Watch every state change in the background (rasbroker watch)"
wine "$rb" watch </dev/null 2>&1 | sed -u 's/\r$//' | tee "$work/watch.log" | sed -u 's/^/   [watch] /' &
watch_pid=$!
sleep 2

step "Dial Office VPN and wait until it is connected"
rbw dial "Office VPN" --wait || die "the dial failed"
rbw list

step "Hang up: the client returns at once; the service's reaper finishes the teardown"
t0=$(date +%s%N)
rbw hangup "Office VPN" || die "the hang-up failed"
client_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
log=$WINEPREFIX/drive_c/ProgramData/RasBroker/logs/rasbroker.log
gone() { grep -q "\"$1\".* gone " "$work/watch.log"; }
for _ in $(seq 1 100); do gone "Office VPN" && break; sleep 0.2; done
gone "Office VPN" || die "the teardown never completed"
# From the watch's timestamps: the service's "hanging_up" to its "gone".
teardown_ms=$(python3 - "$work/watch.log" <<'PY'
import datetime, re, sys
def at(state):
    for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
        m = re.match(r"(\S+)\s+\S+\s+\"Office VPN\"\s+" + state + r"\s", line)
        if m: return datetime.datetime.fromisoformat(m.group(1).replace("Z", "+00:00"))
print(int((at("gone") - at("hanging_up")).total_seconds() * 1000))
PY
)
say "the client returned after ${client_ms} ms (most of it Wine starting the process);"
say "the teardown ran ${teardown_ms} ms inside the service, polled until ERROR_INVALID_HANDLE."
rbw list

step "A failing dial (Lab VPN, 691): the handle RAS returned is still hung up and reaped"
rc=0; rbw dial "Lab VPN" --wait || rc=$?
[ "$rc" -ne 0 ] || die "Lab VPN was expected to fail"
say "exit code $rc: a RAS failure, as documented"
for _ in $(seq 1 100); do grep -q '"Lab VPN" c[0-9]* is gone after' "$log" 2>/dev/null && break; sleep 0.2; done
grep -q '"Lab VPN" c[0-9]* is gone after' "$log" || die "the failed dial's handle was never reaped"
say "the service log:"
grep -E '"Lab VPN": c[0-9]+ (handle|failed)|hangup "Lab VPN"|"Lab VPN" c[0-9]+ is gone' "$log" | cut -c1-160 | sed 's/^/   | /'
kill "$watch_pid" 2>/dev/null || true; watch_pid=''

step "Uninstall, as an admin or a GPO removal would (msiexec /x)"
# The Event Log source's message file, kept for the last step (it goes with the uninstall).
message_file=$(w reg query 'HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\RasBroker' /v EventMessageFile \
  | tr -d '\r' | sed -n 's/^ *EventMessageFile *REG_[A-Z_]* *//p')
cp "$(winepath -u "$message_file" 2>/dev/null)" "$work/message-file.exe" || die "no Event Log source registered"
win msiexec /x "$msi_win" /qn /l*v 'C:\tour\uninstall.log' || die "the uninstall failed"
if w sc query RasBroker >/dev/null 2>&1; then die "the service is still registered"; fi
say "the service is gone: its stop hung up and reaped what it owned"
[ ! -e "$install_dir/rasbrokerd.exe" ] || die "rasbrokerd.exe is still installed"
say "kept, as documented (a purge removes them: msiexec /x ... PURGE=1):"
ls "$WINEPREFIX/drive_c/ProgramData/RasBroker" | sed 's/^/   %ProgramData%\\RasBroker\\/'

say "the simulated RAS's own report: every handle it gave out was hung up and reaped"
python3 - "$WINEPREFIX/drive_c/tour/ras.state.json" <<'PY' || die "the simulator reports a leaked handle"
import json, sys
state = json.load(open(sys.argv[1], encoding="utf-8"))   # the DLL's state file: its leak report, its engine
ours = [r for r in state["engine"]["ledger"] if not r["external"]]
for r in ours:
    print(f"   {r['entry']}: hung up {r['hang_ups']} time(s), reaped: {'yes' if r['reaped'] else 'NO'}")
for leak in state["leaks"]:
    print(f"   LEAK: {leak['entry']} {leak['handle']}: {leak['problem']}")
sys.exit(0 if state["clean"] and all(r["reaped"] for r in ours) else 1)
PY

step "The Event Log entries the service wrote, from its start to its stop"
say "Wine keeps no Event Log, so here are the service's ReportEventW calls as Wine traced them,"
say "each with its text from the message table in rasbrokerd.exe, as Event Viewer shows it on Windows:"
python3 scripts/wine_events.py "$work/eventlog.trace" "$work/message-file.exe" | sed 's/^/   /' \
  || die "no event was written"

step "Done in $(( $(date +%s) - started )) s; the throwaway prefix is removed"
