#!/usr/bin/env bash
# link-add.sh BRIDGE_A PORT_A BRIDGE_B PORT_B
# Connects two bridges of the same Open vSwitch with a pair of patch ports.
set -euo pipefail
. "$(dirname "$0")/netns-lib.sh"
[[ $# -eq 4 ]] || die "usage: link-add.sh BRIDGE_A PORT_A BRIDGE_B PORT_B"
a="$1"; pa="$2"; b="$3"; pb="$4"
vsctl add-port "$a" "$a-to-$b" -- set interface "$a-to-$b" type=patch options:peer="$b-to-$a" ofport_request="$pa" \
  -- add-port "$b" "$b-to-$a" -- set interface "$b-to-$a" type=patch options:peer="$a-to-$b" ofport_request="$pb"
