#!/usr/bin/env bash
# Two real Unix users on one socket (the dev host's --socket-group): each is who the
# kernel says it is, whatever it claims, and a user outside the group cannot connect.
# Creates two users in a new group and an outsider (unique names), removes them at exit.
# Needs root (as the tests run here and in CI); without it, skipped (exit 77).
# Usage: linux_socket_group.sh RASBROKERD RASBROKER
set -uo pipefail
daemon=$1 client=$2
if [ "$(id -u)" -ne 0 ]; then
  echo "SKIPPED: creating Unix users for this test needs root (running as $(id -un))"
  exit 77
fi
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

tag=$$$RANDOM
group=rbg$tag user_a=rba$tag user_b=rbb$tag outsider=rbo$tag
work=$(mktemp -d)
daemon_pid=''
cleanup() {
  [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
  for u in "$user_a" "$user_b" "$outsider"; do userdel "$u" 2>/dev/null; done
  groupdel "$group" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
groupadd "$group" || { echo "FAIL: groupadd"; exit 1; }
# No home, no group of their own: the socket's group is what admits them.
useradd -M -N -s /usr/sbin/nologin -G "$group" "$user_a" || { echo "FAIL: useradd"; exit 1; }
useradd -M -N -s /usr/sbin/nologin -G "$group" "$user_b" || { echo "FAIL: useradd"; exit 1; }
useradd -M -N -s /usr/sbin/nologin "$outsider" || { echo "FAIL: useradd"; exit 1; }

chmod 0755 "$work"  # the users reach the socket through it
sock=$work/rasbroker.sock
cat >"$work/scenario.json" <<'JSON'
{"entries": [{"name": "A VPN", "connect_ms": 50, "teardown_ms": 50},
             {"name": "B VPN", "connect_ms": 50, "teardown_ms": 50}]}
JSON
"$daemon" --simulate "$work/scenario.json" --listen "$sock" --socket-group "$group" 2>"$work/daemon.log" &
daemon_pid=$!
eventually test -S "$sock" || { cat "$work/daemon.log"; echo "FAIL: daemon never listened"; exit 1; }
[ "$(stat -c '%a %G' "$sock")" = "660 $group" ] && pass "socket mode 0660, group $group" \
  || fail "socket: $(stat -c '%a %G' "$sock")"

# The real client as USER, with the user's own groups (as after a login).
as_user() { local u=$1; shift; setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups "$client" "$@"; }

export RASBROKER_ENDPOINT=$sock
for pair in "$user_a:A VPN" "$user_b:B VPN"; do
  u=${pair%%:*} entry=${pair#*:}
  as_user "$u" --json dial "$entry" --wait >"$work/out" 2>&1; rc=$?
  [ $rc -eq 0 ] && grep -q "\"user\":\"$u\"" "$work/out" && pass "$u dials $entry and owns it" \
    || fail "$u dial: rc=$rc $(cat "$work/out")"
  # The audit reaches the log within log.flush_interval_ms (1 s), not with the answer.
  eventually grep -q "request \"dial\" from pid [0-9]* user '$u'" "$work/daemon.log" && pass "the service logged $u as the dialler" \
    || fail "no dial by $u in the log: $(grep 'request "dial"' "$work/daemon.log")"
done
# Each sees the other's connection with its real owner: the identity came from the kernel.
as_user "$user_a" --json list >"$work/out" 2>&1
grep -q "\"user\":\"$user_b\"" "$work/out" && grep -q "\"user\":\"$user_a\"" "$work/out" \
  && pass "list shows both owners as the kernel named them" || fail "list: $(cat "$work/out")"

# Outside the group the socket does not let the user in: the service never sees it.
# The policy between two users who are not administrators (docs/security.md): each may hang
# up only what it owns, and "hangup --all" means all of its own.
as_user "$user_b" hangup "A VPN" >"$work/out" 2>&1; rc=$?
[ $rc -eq 7 ] && grep -q "belongs to $user_a; only its owner or an administrator may hang it up" "$work/out" \
  && pass "$user_b may not hang up $user_a's connection: exit 7, the owner named" || fail "$user_b hangup A: rc=$rc $(cat "$work/out")"
grep -q "request \"hangup\" from pid [0-9]* user '$user_b'.*refused (unauthorized).*belongs to $user_a" "$work/daemon.log" \
  && pass "the refusal is logged with both identities" || fail "no logged refusal: $(grep 'request "hangup"' "$work/daemon.log")"
as_user "$user_a" --json hangup --all --wait >"$work/out" 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q '"entry":"A VPN"' "$work/out" && ! grep -q '"entry":"B VPN"' "$work/out" \
  && pass "$user_a's hangup --all hangs up only its own" || fail "$user_a hangup --all: rc=$rc $(cat "$work/out")"
"$client" --json list >"$work/out" 2>&1
grep -q '"entry":"B VPN"' "$work/out" && ! grep -q '"entry":"A VPN"' "$work/out" \
  && pass "$user_b's connection is still up" || fail "list after: $(cat "$work/out")"

as_user "$outsider" status >"$work/out" 2>&1; rc=$?
[ $rc -eq 3 ] && pass "$outsider (not in $group) cannot connect: exit 3" || fail "outsider: rc=$rc $(cat "$work/out")"
grep -q "user '$outsider'" "$work/daemon.log" && fail "the service saw $outsider" || pass "the service never saw $outsider"

"$client" hangup --all --wait >/dev/null 2>&1
kill "$daemon_pid"; wait "$daemon_pid"; rc=$?; daemon_pid=''
[ $rc -eq 0 ] && pass "daemon stopped cleanly" || fail "daemon exit $rc"
finish cat "$work/daemon.log"
