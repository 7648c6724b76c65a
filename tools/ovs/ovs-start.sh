#!/usr/bin/env bash
# Start a private Open vSwitch (ovsdb-server + ovs-vswitchd) that uses only the userspace
# datapath, so no kernel module is needed. Idempotent: if the daemons in the run directory
# are already alive, it only prints the directory.
#
# Run directory: $MESHSIM_OVS_RUNDIR, default /tmp/meshsim-ovs. Clients find it through
# OVS_RUNDIR, e.g.  OVS_RUNDIR=/tmp/meshsim-ovs ovs-vsctl show
# The conformance tests look in the same default place.
set -euo pipefail

RUNDIR="${MESHSIM_OVS_RUNDIR:-/tmp/meshsim-ovs}"
SCHEMA="${OVS_SCHEMA:-/usr/share/openvswitch/vswitch.ovsschema}"
DB="$RUNDIR/conf.db"
export OVS_RUNDIR="$RUNDIR" OVS_LOGDIR="$RUNDIR" OVS_DBDIR="$RUNDIR" OVS_SYSCONFDIR="$RUNDIR"

for tool in ovsdb-server ovs-vswitchd ovsdb-tool ovs-vsctl; do
  command -v "$tool" >/dev/null 2>&1 || { echo "ovs-start: $tool not found (install openvswitch-switch)" >&2; exit 1; }
done

alive() { # alive NAME: true when NAME's pidfile in RUNDIR names a running process
  local pidfile="$RUNDIR/$1.pid"
  [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

mkdir -p "$RUNDIR"

if ! alive ovsdb-server; then
  [[ -f "$DB" ]] || ovsdb-tool create "$DB" "$SCHEMA"
  ovsdb-server "$DB" \
    --remote="punix:$RUNDIR/db.sock" \
    --remote=db:Open_vSwitch,Open_vSwitch,manager_options \
    --pidfile="$RUNDIR/ovsdb-server.pid" --unixctl="$RUNDIR/ovsdb-server.ctl" \
    --log-file="$RUNDIR/ovsdb-server.log" --detach
  ovs-vsctl --db="unix:$RUNDIR/db.sock" --no-wait init
fi

if ! alive ovs-vswitchd; then
  ovs-vswitchd "unix:$RUNDIR/db.sock" \
    --pidfile="$RUNDIR/ovs-vswitchd.pid" --unixctl="$RUNDIR/ovs-vswitchd.ctl" \
    --log-file="$RUNDIR/ovs-vswitchd.log" --detach
fi

# Wait until vswitchd has connected to the database and answers (normally well under a second).
for _ in $(seq 1 100); do
  if ovs-vsctl --db="unix:$RUNDIR/db.sock" --timeout=2 show >/dev/null 2>&1 \
     && ovs-appctl -t "$RUNDIR/ovs-vswitchd.ctl" version >/dev/null 2>&1; then
    echo "$RUNDIR"
    exit 0
  fi
  sleep 0.05
done
echo "ovs-start: ovs-vswitchd did not come up; see $RUNDIR/ovs-vswitchd.log" >&2
exit 1
