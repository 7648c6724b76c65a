#!/usr/bin/env bash
# bridge-add.sh BRIDGE DPID
# Creates a userspace (datapath_type=netdev) bridge with no controller and no flows, so only
# the flows we load decide anything (fail_mode=secure: an empty table drops).
set -euo pipefail
. "$(dirname "$0")/netns-lib.sh"
[[ $# -eq 2 ]] || die "usage: bridge-add.sh BRIDGE DPID (e.g. msc-s1 1)"
br="$1"; dpid=$(printf '%016x' "$2")
vsctl --may-exist add-br "$br" -- set bridge "$br" datapath_type=netdev fail_mode=secure \
  protocols=OpenFlow10,OpenFlow13,OpenFlow15 other_config:datapath-id="$dpid"
ofctl del-flows "$br"
