#!/usr/bin/env bash
# Shared helpers for the namespace-lab scripts. Sourced, not run.
# OVS_RUNDIR selects which Open vSwitch instance to talk to (default /tmp/meshsim-ovs, the
# place tools/ovs/ovs-start.sh uses); every ovs-* call goes through these wrappers.
OVS_RUNDIR="${OVS_RUNDIR:-${MESHSIM_OVS_RUNDIR:-/tmp/meshsim-ovs}}"
export OVS_RUNDIR
vsctl() { ovs-vsctl --db="unix:$OVS_RUNDIR/db.sock" --timeout=10 "$@"; }
ofctl() { ovs-ofctl "$@"; }
die() { echo "$(basename "$0"): $*" >&2; exit 1; }
