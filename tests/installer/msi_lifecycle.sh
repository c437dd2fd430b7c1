#!/usr/bin/env bash
# The MSI's life under Wine, in a fresh prefix of its own: install with every property,
# dial and hang up with the installed client, an administrator's edit, upgrade, a refused
# downgrade, uninstall, and uninstall with PURGE=1. docs/operations.md, "Installing from
# the MSI", says what each step promises.
# Usage: msi_lifecycle.sh V1.MSI V2.MSI RASAPI32.DLL
#   V2.MSI: the same tree built with a higher ProductVersion (tests/installer/CMakeLists.txt).
# WINEPREFIX names the prefix to create (inside a build folder); it is removed at the end
# (MSI_LIFECYCLE_KEEP=1 keeps it, with the MSI logs in drive_c/msi-test, for a post-mortem).
set -uo pipefail
v1_msi=$1 v2_msi=$2 dll=$3
: "${WINEPREFIX:?WINEPREFIX must be set}"
export WINEDEBUG=-all WINEARCH=win64
unset DISPLAY WINEDLLOVERRIDES RASBROKER_ENDPOINT RASBROKER_SIM_SCENARIO RASBROKER_SIM_STATE
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
fixture=$here/../../cmake/wine-fixture.sh
for tool in wine wineserver wixl; do
  command -v "$tool" >/dev/null || { echo "msi_lifecycle: '$tool' not found: install it with scripts/install-deps.sh"; exit 1; }
done
for file in "$v1_msi" "$v2_msi" "$dll"; do
  [ -f "$file" ] || { echo "msi_lifecycle: $file missing: build the windows preset first"; exit 1; }
done
# The versions, from the names the build gives the packages: rasbroker-<version>-x64.msi.
version_of() { basename "$1" | sed -n 's/^rasbroker-\(.*\)-x64\.msi$/\1/p'; }
v1=$(version_of "$v1_msi") v2=$(version_of "$v2_msi")

# fail/pass/eventually/finish and $scenario, shared with the end-to-end flows.
. "$here/../e2e/lib.sh"
poll_interval=0.2   # every check is a Wine process start: give "eventually" 20 s

work=$(mktemp -d)
cleanup() {
  "$fixture" cleanup >/dev/null 2>&1
  [ -n "${MSI_LIFECYCLE_KEEP:-}" ] || rm -rf "$WINEPREFIX" "$WINEPREFIX.lock"
  rm -rf "$work"
}
trap cleanup EXIT

# ---------------------------------------------------------------- helpers
w() { wine "$@" </dev/null; }
reg_query() { w reg query "$@" 2>/dev/null | tr -d '\r'; }
query() { w sc query RasBroker 2>/dev/null | tr -d '\r'; }
state_of() { query | sed -n 's/^ *STATE *: *[0-9]* *\([A-Z_]*\).*/\1/p'; }
is_state() { [ "$(state_of)" = "$1" ]; }
service_gone() { ! w sc query RasBroker >/dev/null 2>&1; }

install_dir=$WINEPREFIX/drive_c/Program\ Files/RasBroker
install_win='C:\Program Files\RasBroker'
data=$WINEPREFIX/drive_c/ProgramData/RasBroker
config=$data/config.json
msi_dir=$WINEPREFIX/drive_c/msi-test   # the packages and their logs, C:\msi-test
msi_win='C:\msi-test'
sim_dir=$WINEPREFIX/drive_c/rasbroker-sim
sim_win='C:\rasbroker-sim'
pipe=rb-msi-test
svc_key='HKLM\SYSTEM\CurrentControlSet\Services\RasBroker'
event_key='HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\RasBroker'
env_key='HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Environment'
uninstall_key='HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall'
machine_path() { reg_query "$env_key" /v Path | sed -n 's/^ *Path *REG_EXPAND_SZ *//Ip'; }

# Windows Installer files products under the "packed" UpgradeCode (each group of the
# GUID's hex digits reversed as Windows stores its bytes): one value per installed product.
upgrade_code=$(sed -n 's/.*UpgradeCode="\([0-9A-F-]*\)".*/\1/p' "$here/../../installer/rasbroker.wxs")
packed_upgrade_code=$(python3 -c '
import sys, uuid
u = uuid.UUID(sys.argv[1]).hex.upper()
rev = lambda s: s[::-1]
pairs = lambda s: "".join(s[i+1] + s[i] for i in range(0, len(s), 2))
print(rev(u[0:8]) + rev(u[8:12]) + rev(u[12:16]) + pairs(u[16:32]))' "$upgrade_code")
products_of_our_upgrade_code() {
  reg_query "HKLM\\Software\\Classes\\Installer\\UpgradeCodes\\$packed_upgrade_code" | grep -c REG_SZ
}
arp_entries() { reg_query "$uninstall_key" /s | grep -c 'DisplayName *REG_SZ *RAS Connection Broker$'; }
arp_version() { reg_query "$uninstall_key" /s | grep -A30 'DisplayName *REG_SZ *RAS Connection Broker$' \
                  | sed -n 's/^ *DisplayVersion *REG_SZ *//p' | head -1; }

# msiexec with a verbose log C:\msi-test\NAME.log; its exit code (Wine's, modulo 256).
# The custom actions' own output (the admin verbs' reports) lands in $work/NAME.out.
msi() {
  local name=$1; shift
  w msiexec "$@" /qn /l*v "$msi_win\\$name.log" >"$work/$name.out" 2>&1
}
msi_log() { cat "$msi_dir/$1.log" 2>/dev/null; }
rb() { w "$install_win\\rasbroker.exe" --endpoint "$pipe" "$@"; }

started=$(date +%s.%N) step_started=$started
step() {
  local now; now=$(date +%s.%N)
  awk -v name="$1" -v now="$now" -v prev="$step_started" -v first="$started" \
    'BEGIN { printf "== %-62s (previous step %5.1f s, total %5.1f s)\n", name, now - prev, now - first }'
  step_started=$now
}

# ---------------------------------------------------------------- a fresh prefix
step "fresh prefix (wineboot --init, wineserver -w, persistent server)"
rm -rf "$WINEPREFIX"
WINE_EVENT_TRACE=$work/eventlog.trace "$fixture" setup || { echo "msi_lifecycle: the Wine prefix could not be prepared"; exit 1; }
mkdir -p "$msi_dir" "$sim_dir" "$install_dir"
cp "$v1_msi" "$msi_dir/v1.msi"
cp "$v2_msi" "$msi_dir/v2.msi"
# The simulated RAS, as tests/e2e/windows_flow.sh places it: the DLL beside the service's
# exe (the MSI never ships it: it would shadow the system's rasapi32), its override and
# scenario in the registry, all before the MSI starts the service.
cp "$dll" "$install_dir/rasapi32.dll"
cp "$scenario" "$sim_dir/scenario.json"
w reg add 'HKLM\Software\RasBroker\Simulator' /v Scenario /d "$sim_win\\scenario.json" /f >/dev/null 2>&1
w reg add 'HKLM\Software\RasBroker\Simulator' /v StateFile /d "$sim_win\\service.state.json" /f >/dev/null 2>&1
w reg add 'HKCU\Software\Wine\AppDefaults\rasbrokerd.exe\DllOverrides' /v rasapi32 /d native,builtin /f >/dev/null 2>&1
path_before=$(machine_path)
[ -n "$path_before" ] || fail "the prefix has no machine Path"

# ---------------------------------------------------------------- the package's tables
# Wine runs every deferred action at InstallFinalize, whatever its place: an action
# scheduled in the wrong place works here and fails on Windows. So the places are read
# back from the package (wixl 0.101 has got them wrong before: installer/rasbroker.wxs).
step "the package's tables: sequence, custom action types, downgrade condition"
cp "$here/msi_table.vbs" "$msi_dir/"
table() { w cscript "$msi_win\\msi_table.vbs" "$msi_win\\v1.msi" "$1" 2>/dev/null | tr -d '\r'; }
table "SELECT Action, Sequence FROM InstallExecuteSequence" >"$work/sequence"
table "SELECT Action, Type FROM CustomAction" >"$work/actions"
table "SELECT Condition, Description FROM LaunchCondition" >"$work/conditions"
python3 - "$work/sequence" "$work/actions" >"$work/tables" 2>&1 <<'PY'
import sys
seq = {a: int(n) for a, n in (line.split("|") for line in open(sys.argv[1]) if "|" in line)}
types = {a: int(t) for a, t in (line.split("|") for line in open(sys.argv[2]) if "|" in line)}
def between(action, first, last):
    return action in seq and seq[first] < seq[action] < seq[last]
problems = []
if seq.get("RemoveExistingProducts") != seq["InstallValidate"] + 1:
    problems.append("RemoveExistingProducts is not right after InstallValidate")
for action in ("SetConfig", "SetRecovery"):
    if not between(action, "InstallServices", "StartServices"): problems.append(action + " not between InstallServices and StartServices")
if not between("AddToPath", "StartServices", "InstallFinalize"): problems.append("AddToPath not between StartServices and InstallFinalize")
for action in ("RemoveFromPath", "PurgeData"):
    if not between(action, "DeleteServices", "RemoveFiles"): problems.append(action + " not between DeleteServices and RemoveFiles")
# The settings check: 1, a DLL from the Binary table, immediate; before InstallValidate, so
# before an older version is removed and before anything changes.
if types.pop("ValidateSettings", None) != 1: problems.append("ValidateSettings is not an immediate DLL action (type 1)")
if not seq.get("ValidateSettings", 10**6) < seq["InstallValidate"]: problems.append("ValidateSettings not before InstallValidate")
# 18: an exe from an installed file; +1024 deferred (in the script); +2048 no impersonation.
for action, kind in types.items():
    if kind != 18 + 1024 + 2048: problems.append(f"{action}: type {kind}, not 3090 (deferred, not impersonated)")
print("; ".join(problems) or f"the settings check first, then {len(types)} custom actions, all deferred and not impersonated, in place")
sys.exit(1 if problems else 0)
PY
[ $? -eq 0 ] && pass "tables: $(cat "$work/tables")" \
  || fail "tables: $(cat "$work/tables") $(cat "$work/sequence" "$work/actions")"
grep -q "^NOT WIX_DOWNGRADE_DETECTED|A newer version of \[ProductName\] is already installed" "$work/conditions" \
  && pass "tables: a downgrade is refused by a launch condition with its message" \
  || fail "tables: launch conditions: $(cat "$work/conditions")"

# ---------------------------------------------------------------- a refused value
# ValidateSettings (rasbroker_ca.dll, set-config's own check) refuses it before anything
# changes, with the reason in the log: nothing of the package is left, set-config never runs.
step "install with ONSTOP=sometimes: refused before anything changes"
msi refused /i "$msi_win\\v1.msi" PIPENAME=$pipe ONSTOP=sometimes; rc=$?
# 1603 (67 modulo 256) from ValidateSettings' ERROR_INSTALL_FAILURE.
[ $rc -ne 0 ] && pass "refused: msiexec failed (exit $rc)" || fail "refused: msiexec exit 0"
grep -q 'RasBroker: install stopped: ONSTOP="sometimes": .*"on_stop" must be "hangup" or "leave"' "$msi_dir/refused.log" \
  && ! grep -q "Action start .*SetConfig" "$msi_dir/refused.log" \
  && pass "refused: the MSI log says which property and why; set-config never ran" \
  || fail "refused: $(grep -a -i "RasBroker\|SetConfig\|ValidateSettings" "$msi_dir/refused.log" | head -20)"
service_gone && [ ! -e "$install_dir/rasbrokerd.exe" ] && [ ! -e "$config" ] && [ "$(machine_path)" = "$path_before" ] \
  && [ "$(arp_entries)" = 0 ] && pass "refused: no service, no files, no config.json, PATH and Add/Remove Programs as before" \
  || fail "refused: left behind: $(query) $(ls "$install_dir" "$data" 2>&1) PATH '$(machine_path)' ARP $(arp_entries)"

# ---------------------------------------------------------------- install v1
step "install v1 with ALLOWEDGROUPS, PIPENAME, ONSTOP"
msi install-v1 /i "$msi_win\\v1.msi" ALLOWEDGROUPS=Users PIPENAME=$pipe ONSTOP=leave; rc=$?
[ $rc -eq 0 ] && pass "install: msiexec exit 0" || { fail "install: msiexec exit $rc"; msi_log install-v1 | tail -40; finish; }
[ -f "$install_dir/rasbrokerd.exe" ] && [ -f "$install_dir/rasbroker.exe" ] \
  && pass "install: both executables in $install_win" || fail "install: files: $(ls "$install_dir")"
eventually is_state RUNNING && pass "install: service RUNNING" || fail "install: service: $(query)"

reg_query "$svc_key" >"$work/svc"
grep -q 'DisplayName *REG_SZ *RAS Connection Broker$' "$work/svc" && grep -q 'Description *REG_SZ *Owns every RAS' "$work/svc" \
  && pass "install: display name and description" || fail "install: service key: $(cat "$work/svc")"
grep -q 'DependOnService *REG_MULTI_SZ *RasMan$' "$work/svc" && pass "install: depends on RasMan" \
  || fail "install: dependency: $(cat "$work/svc")"
grep -q 'Start *REG_DWORD *0x2$' "$work/svc" && grep -q 'ObjectName *REG_SZ *LocalSystem$' "$work/svc" \
  && grep -qF "ImagePath    REG_SZ    $install_win\\rasbrokerd.exe" "$work/svc" \
  && pass "install: automatic start, LocalSystem, the installed exe" || fail "install: service key: $(cat "$work/svc")"

reg_query "$event_key" >"$work/event"
grep -qF "EventMessageFile    REG_SZ    $install_win\\rasbrokerd.exe" "$work/event" \
  && grep -q 'TypesSupported *REG_DWORD *0x7$' "$work/event" \
  && pass "install: Event Log source (EventMessageFile, TypesSupported 7), not under WOW6432Node" \
  || fail "install: Event Log source: $(cat "$work/event")"

[ "$(machine_path)" = "$path_before;$install_win" ] && pass "install: the install folder appended to the machine PATH" \
  || fail "install: PATH '$(machine_path)'"
# Wine 8 stores no failure actions (ChangeServiceConfig2W succeeds, QueryServiceConfig2W
# answers ERROR_INVALID_LEVEL; tests/host/windows/admin_test.cpp): what can be checked
# here is that the verb ran as the MSI's deferred action and reported the policy.
grep -q "Action ended .*SetRecovery. Return value 1" "$msi_dir/install-v1.log" \
  && grep -q "recovery set: restart after 5 s, 10 s, 60 s" "$work/install-v1.out" \
  && pass "install: set-recovery ran (Wine stores no failure actions to read back)" \
  || fail "install: recovery: $(grep SetRecovery "$msi_dir/install-v1.log") $(cat "$work/install-v1.out")"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d=={"allowed_groups":["Users"],"pipe_name":sys.argv[2],"on_stop":"leave"} else 1)' \
  "$config" "$pipe" && pass "install: config.json holds the three properties" || fail "install: config: $(cat "$config" 2>&1)"
[ "$(products_of_our_upgrade_code)" = 1 ] && [ "$(arp_entries)" = 1 ] && [ "$(arp_version)" = "$v1" ] \
  && pass "install: one product of our UpgradeCode, one Add/Remove Programs entry" \
  || fail "install: products $(products_of_our_upgrade_code), ARP entries $(arp_entries)"

# ---------------------------------------------------------------- the installed client
step "dial and hang up with the installed rasbroker.exe, pipe $pipe"
rb dial "Office VPN" --wait >"$work/out" 2>&1 && grep -q Connected "$work/out" \
  && pass "client: dial --wait connected" || fail "client: dial: $(cat "$work/out")"
rb --json list >"$work/out" 2>&1 && grep -q '"entry":"Office VPN".*"state":"connected"' "$work/out" \
  && pass "client: list shows Office VPN connected" || fail "client: list: $(cat "$work/out")"
rb hangup "Office VPN" --wait >"$work/out" 2>&1 && pass "client: hangup --wait" || fail "client: hangup: $(cat "$work/out")"
rb --json list >"$work/out" 2>&1 && ! grep -q '"entry":"Office VPN"' "$work/out" \
  && pass "client: Office VPN gone from the list" || fail "client: still listed: $(cat "$work/out")"

# The Event Log: Wine traces each ReportEventW (the fixture turned the channels on); the
# text comes from the message table of the file the installed source names.
message_file=$(reg_query "$event_key" /v EventMessageFile | sed -n 's/^ *EventMessageFile *REG_[A-Z_]* *//p')
eventually grep -q "ReportEventW" "$work/eventlog.trace"
python3 "$here/../../scripts/wine_events.py" "$work/eventlog.trace" "$(winepath -u "$message_file" 2>/dev/null)" \
  >"$work/events" 2>&1
grep -qF "Event 100 (Information): The RasBroker service started (version $v1). Clients connect to \\\\.\\pipe\\$pipe;" "$work/events" \
  && pass "event log: event 100 written, its text read back through the installed exe's message table" \
  || fail "event log: $(cat "$work/events") $(grep -c ReportEventW "$work/eventlog.trace") call(s) traced"

# An administrator's edit of a key no property sets.
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["max_clients"]=7; json.dump(d, open(sys.argv[1],"w"), indent=2)' "$config"
cp "$config" "$work/config.edited"

# ---------------------------------------------------------------- upgrade
step "upgrade to v2 without properties"
msi upgrade /i "$msi_win\\v2.msi"; rc=$?
[ $rc -eq 0 ] && pass "upgrade: msiexec exit 0" || { fail "upgrade: msiexec exit $rc"; msi_log upgrade | tail -40; }
eventually is_state RUNNING && pass "upgrade: service RUNNING" || fail "upgrade: service: $(query)"
[ "$(reg_query 'HKLM\SYSTEM\CurrentControlSet\Services' | grep -ic '\\RasBroker$')" = 1 ] \
  && pass "upgrade: one RasBroker service" || fail "upgrade: services: $(reg_query 'HKLM\SYSTEM\CurrentControlSet\Services' | grep -i rasbroker)"
[ "$(products_of_our_upgrade_code)" = 1 ] && [ "$(arp_entries)" = 1 ] && [ "$(arp_version)" = "$v2" ] \
  && pass "upgrade: one product of our UpgradeCode, one Add/Remove Programs entry, version $v2" \
  || fail "upgrade: products $(products_of_our_upgrade_code), ARP entries $(arp_entries), version $(arp_version)"
# Windows removes the old version with UPGRADINGPRODUCTCODE set, so its RemoveFromPath
# does not run; Wine 8's RemoveExistingProducts does not set it: there the old version
# takes the entry out and the new one puts it back. Either way it is there once.
grep -q "PATH: .* removed" "$work/upgrade.out" \
  && echo "note: upgrade: Wine's RemoveExistingProducts sets no UPGRADINGPRODUCTCODE: the old version removed the PATH entry, the new one added it again"
cmp -s "$config" "$work/config.edited" && pass "upgrade: config.json kept as the administrator left it" \
  || fail "upgrade: config changed: $(cat "$config")"
[ "$(machine_path)" = "$path_before;$install_win" ] && pass "upgrade: PATH holds the folder once" \
  || fail "upgrade: PATH '$(machine_path)'"
rb --json status >"$work/out" 2>&1 && grep -q '"backend":"win32"' "$work/out" \
  && pass "upgrade: the service answers on the installed pipe name" || fail "upgrade: status: $(cat "$work/out")"

# ---------------------------------------------------------------- downgrade
step "install v1 over v2: refused"
msi downgrade /i "$msi_win\\v1.msi"; rc=$?
[ $rc -ne 0 ] && pass "downgrade: msiexec refused (exit $rc; 1603 modulo 256 is 67)" || fail "downgrade: msiexec exit 0"
# Windows writes the launch condition's message (checked in the tables above) into the
# log; Wine 8 under /qn does not: the log shows the condition that refused it.
grep -q "WIX_DOWNGRADE_DETECTED = {" "$msi_dir/downgrade.log" && ! grep -q "Action start .*InstallFiles" "$msi_dir/downgrade.log" \
  && pass "downgrade: the log shows the newer version detected, nothing installed" \
  || fail "downgrade: log: $(msi_log downgrade | tail -30)"
[ "$(arp_entries)" = 1 ] && [ "$(arp_version)" = "$v2" ] && pass "downgrade: v2 still the one installed" \
  || fail "downgrade: ARP entries $(arp_entries), version $(arp_version)"
is_state RUNNING && rb status >"$work/out" 2>&1 && pass "downgrade: the service still running and answering" \
  || fail "downgrade: $(query) $(cat "$work/out")"

# ---------------------------------------------------------------- uninstall
step "uninstall"
msi uninstall /x "$msi_win\\v2.msi"; rc=$?
[ $rc -eq 0 ] && pass "uninstall: msiexec exit 0" || { fail "uninstall: msiexec exit $rc"; msi_log uninstall | tail -40; }
eventually service_gone && pass "uninstall: service gone" || fail "uninstall: service: $(query)"
# The folder keeps only what the test put there, the simulated DLL.
[ "$(ls "$install_dir")" = rasapi32.dll ] && pass "uninstall: the executables gone" || fail "uninstall: files: $(ls "$install_dir")"
[ "$(machine_path)" = "$path_before" ] && pass "uninstall: machine PATH exactly as before" \
  || fail "uninstall: PATH '$(machine_path)' (before: '$path_before')"
reg_query "$event_key" | grep -q . && fail "uninstall: Event Log source left: $(reg_query "$event_key")" \
  || pass "uninstall: Event Log source gone"
[ "$(arp_entries)" = 0 ] && pass "uninstall: no Add/Remove Programs entry" || fail "uninstall: ARP $(arp_entries)"
cmp -s "$config" "$work/config.edited" && pass "uninstall: config.json kept" || fail "uninstall: config: $(cat "$config" 2>&1)"
[ -d "$data/logs" ] && pass "uninstall: logs kept" || fail "uninstall: no logs folder"

# ---------------------------------------------------------------- purge
step "install again, uninstall with PURGE=1"
msi reinstall /i "$msi_win\\v2.msi"; rc=$?
[ $rc -eq 0 ] && eventually is_state RUNNING && cmp -s "$config" "$work/config.edited" \
  && pass "reinstall: running on the kept configuration" || fail "reinstall: exit $rc, $(query) $(cat "$config")"
msi purge /x "$msi_win\\v2.msi" PURGE=1; rc=$?
[ $rc -eq 0 ] && pass "purge: msiexec exit 0" || { fail "purge: msiexec exit $rc"; msi_log purge | tail -40; }
grep -q "Action ended .*PurgeData. Return value 1" "$msi_dir/purge.log" && [ ! -e "$data" ] \
  && pass "purge: %ProgramData%\\RasBroker gone" || fail "purge: $(ls -R "$data" 2>&1) $(grep PurgeData "$msi_dir/purge.log")"
eventually service_gone && [ "$(machine_path)" = "$path_before" ] && [ ! -e "$install_dir/rasbrokerd.exe" ] \
  && pass "purge: service, PATH entry and files gone too" || fail "purge: $(query) PATH '$(machine_path)'"

step "done"
logs() {
  for log in "$msi_dir"/*.log; do echo "---- $(basename "$log") (errors)"; grep -i -B2 -A2 "error\|fail\|return value 3" "$log" | tail -30; done
  for out in "$work"/*.out; do echo "---- $(basename "$out")"; cat "$out"; done
  echo "---- service log"; cat "$data/logs/rasbroker.log" 2>/dev/null
}
finish logs
