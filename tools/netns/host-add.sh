#!/usr/bin/env bash
# host-add.sh NAMESPACE BRIDGE OFPORT IP/PREFIX MAC
# Makes a "host": a network namespace whose eth0 is one end of a veth pair; the other end
# is attached to BRIDGE as OpenFlow port OFPORT. Checksum offload is turned off on both ends
# (no-offload.py) because the userspace datapath reads frames with AF_PACKET and NAT must see real checksums.
set -euo pipefail
. "$(dirname "$0")/netns-lib.sh"
[[ $# -eq 5 ]] || die "usage: host-add.sh NAMESPACE BRIDGE OFPORT IP/PREFIX MAC"
ns="$1"; br="$2"; ofport="$3"; addr="$4"; mac="$5"
peer="${ns}-v"
(( ${#peer} <= 15 )) || die "namespace name '$ns' too long: '$peer' exceeds 15 characters"
ip netns add "$ns"
ip link add "$peer" type veth peer name eth0 netns "$ns"
ip -n "$ns" link set eth0 address "$mac"
ip -n "$ns" addr add "$addr" dev eth0
ip -n "$ns" link set lo up
ip -n "$ns" link set eth0 up
ip link set "$peer" up
here="$(cd "$(dirname "$0")" && pwd)"
python3 "$here/no-offload.py" "$peer"
ip netns exec "$ns" python3 "$here/no-offload.py" eth0
vsctl add-port "$br" "$peer" -- set interface "$peer" ofport_request="$ofport"
