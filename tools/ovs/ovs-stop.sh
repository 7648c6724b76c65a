#!/usr/bin/env bash
# Stop the private Open vSwitch started by ovs-start.sh. Idempotent. Bridges created by tests are
# deleted first so that a later start does not resurrect them; pass --purge to delete the database too.
set -uo pipefail

RUNDIR="${MESHSIM_OVS_RUNDIR:-/tmp/meshsim-ovs}"
export OVS_RUNDIR="$RUNDIR"

stop() { # stop NAME: ask politely through the control socket, then by pid
  local pidfile="$RUNDIR/$1.pid" pid
  [[ -f "$pidfile" ]] || return 0
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    ovs-appctl -t "$RUNDIR/$1.ctl" exit >/dev/null 2>&1 || kill "$pid" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
  fi
  rm -f "$pidfile"
}

if [[ -S "$RUNDIR/db.sock" ]]; then
  for br in $(ovs-vsctl --db="unix:$RUNDIR/db.sock" --timeout=2 list-br 2>/dev/null); do
    ovs-vsctl --db="unix:$RUNDIR/db.sock" --timeout=2 --if-exists del-br "$br" >/dev/null 2>&1 || true
  done
fi
stop ovs-vswitchd
stop ovsdb-server
if [[ "${1:-}" == "--purge" ]]; then rm -rf "$RUNDIR"; fi
exit 0
