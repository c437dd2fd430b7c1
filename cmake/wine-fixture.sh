#!/usr/bin/env bash
# The Wine test fixture: a throwaway prefix in the build folder and one persistent
# wineserver per run.  Usage (WINEPREFIX must be set, and lie inside a build folder):
#   wine-fixture.sh setup     create the prefix once, start the persistent server, warm up
#   wine-fixture.sh cleanup   stop every Wine process of this prefix (wineserver -k)
# With WINE_EVENT_TRACE=FILE, setup starts the services with the Event Log traced to FILE.
# Facts behind the steps: ../shared/notes/windows-on-linux.md.
set -euo pipefail
: "${WINEPREFIX:?WINEPREFIX must be set}"
export WINEDEBUG=-all WINEARCH=win64
unset DISPLAY
case "$WINEPREFIX" in
  */build/*|*/build-*|*/_build/*) ;;
  *) echo "wine-fixture: refusing to touch a prefix outside a build folder: $WINEPREFIX" >&2; exit 2 ;;
esac

case "${1:-}" in
  setup)
    mkdir -p "$(dirname "$WINEPREFIX")"
    # The lock fd must not leak into Wine processes (they outlive us): 9>&- on each.
    exec 9>"$WINEPREFIX.lock"
    flock 9
    if [ ! -f "$WINEPREFIX/.rasbroker-ready" ]; then
      rm -rf "$WINEPREFIX"
      # The init session must end before any service or MSI work (wineserver -w).
      wine wineboot --init </dev/null >/dev/null 2>&1 9>&-
      wineserver -w 9>&-
      touch "$WINEPREFIX/.rasbroker-ready"
    fi
    # One persistent server for the whole run, so the service control manager keeps
    # running services between wine calls. A second -p while one runs is harmless.
    # Helpers started here must not hold the caller's output pipe: stdio on /dev/null.
    if [ ! -f "$WINEPREFIX/.rasbroker-server" ] || ! pgrep -f -u "$(id -u)" wineserver >/dev/null; then
      wineserver -p </dev/null >/dev/null 2>&1 9>&- &
      if [ -n "${WINE_EVENT_TRACE:-}" ]; then
        # Wine keeps no Event Log: its ReportEventW traces each event on these channels.
        # services.exe, started here, passes them and this stderr on to every service
        # (scripts/wine_events.py reads the trace back).
        WINEDEBUG=-all,fixme+advapi,+eventlog wine wineboot </dev/null >/dev/null 2>"$WINE_EVENT_TRACE" 9>&-
      else
        wine wineboot </dev/null >/dev/null 2>&1 9>&-
      fi
      touch "$WINEPREFIX/.rasbroker-server"
    fi
    ;;
  cleanup)
    wineserver -k 2>/dev/null || true
    wineserver -w 2>/dev/null || true
    rm -f "$WINEPREFIX/.rasbroker-server"
    ;;
  *) echo "usage: wine-fixture.sh setup|cleanup" >&2; exit 2 ;;
esac
