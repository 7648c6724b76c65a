#!/usr/bin/env bash
# Records which bucket a real Open vSwitch userspace bridge picks for a select group, packet by packet:
#   tools/ovs/record-bucket-choices.sh 'type=select,bucket=output:2,bucket=output:3' 40 [PROTO]
# prints "GROUP | PROTO SRC SPORT DST DPORT | BUCKET" lines, the format of
# tests/MeshSim.Ovs.Tests/Conformance/Corpus/select-buckets.txt. Needs the OVS of tools/ovs/ovs-start.sh.
# Each packet goes in by packet-out after the datapath's flows are flushed, so it takes an upcall and
# its bucket is credited at once (a megaflow hit is credited later by the revalidator).
set -euo pipefail
cd "$(dirname "$0")/../.."
group="$1"; count="$2"; proto="${3:-6}"
export OVS_RUNDIR="${MESHSIM_OVS_RUNDIR:-/tmp/meshsim-ovs}"
ctl=$(ls "$OVS_RUNDIR"/ovs-vswitchd*.ctl | head -1)
br=rbc0
ovs-vsctl --may-exist add-br $br -- set bridge $br datapath_type=netdev
for i in 1 2 3 4; do
  ovs-vsctl --may-exist add-port $br ${br}p$i -- set interface ${br}p$i type=internal ofport_request=$i
done
trap 'ovs-vsctl --if-exists del-br $br' EXIT
ovs-ofctl del-flows $br
ovs-ofctl -O OpenFlow15 add-group $br "group_id=1,$group"
ovs-ofctl add-flow $br "table=0,in_port=1,actions=group:1"
frame() { # frame SRC DST SPORT DPORT PROTO: Ethernet/IPv4/TCP-or-UDP as hex (OVS does not check checksums)
  python3 - "$@" <<'PY'
import struct, sys
src, dst, sp, dp, proto = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
addr = lambda a: bytes(int(x) for x in a.split('.'))
l4 = struct.pack('!HHIIBBHHH', sp, dp, 1, 0, 5 << 4, 2, 8192, 0, 0) if proto == 6 else struct.pack('!HHHH', sp, dp, 8, 0)
ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(l4), 0, 0, 64, proto, 0, addr(src), addr(dst))
print((bytes.fromhex('000000000002000000000001') + b'\x08\x00' + ip + l4).hex())
PY
}
counts() { ovs-ofctl -O OpenFlow15 dump-group-stats $br | grep -o 'bucket[0-9]*:packet_count=[0-9]*' | sed 's/bucket//; s/:packet_count=/ /'; }
prev=$(counts)
for i in $(seq 1 "$count"); do
  sport=$((1000 + i * 7919 % 60000)); src="10.0.$((i % 7)).$((i % 250 + 1))"
  ovs-appctl -t "$ctl" dpctl/del-flows >/dev/null
  ovs-ofctl packet-out $br "in_port=1 packet=$(frame $src 10.1.0.5 $sport 80 $proto) actions=table"
  cur=$(counts)
  bucket=$(join <(echo "$prev") <(echo "$cur") | awk '$2 != $3 { print $1; exit }')
  echo "$group | $proto $src $sport 10.1.0.5 80 | $bucket"
  prev=$cur
done
