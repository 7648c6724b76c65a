#!/usr/bin/env bash
# Side-by-side timing of Mininet and meshsim as whole processes: start, pingall, stop.
#   Mininet: `mn --test pingall` on a userspace Open vSwitch (datapath=user, standalone fail mode,
#            no controller), once on 4 hosts behind one switch (the thesis lab's size) and once on
#            `--topo tree,depth=2,fanout=3` (9 hosts, 4 switches).
#   meshsim: `meshsim pingall` on the thesis lab and on scenarios/tree-9.yaml (same tree).
# Needs root, mininet, openvswitch-switch and hyperfine (all Debian packages).
#
# The userspace datapath creates a tap device named ovs-netdev, so a second ovs-vswitchd in the
# same network namespace fails ("creating tap device failed: Device or resource busy"). The script
# therefore runs its own vswitchd, and Mininet, inside a fresh network namespace, and removes both.
#
# Usage: tools/mininet/compare.sh [MESHSIM_CMD]
#   MESHSIM_CMD defaults to a Native AOT build published to $OUT/meshsim (needs gcc; a ReadyToRun
#   build, -p:PublishReadyToRun=true, starts about 8x slower, a plain `dotnet meshsim.dll` 15x).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
NS="meshsim-mnbench"
OUT="${OUT:-$(mktemp -d /tmp/meshsim-compare.XXXXXX)}"
RUNS="${RUNS:-10}"
export MESHSIM_OVS_RUNDIR="$OUT/ovs"

for tool in mn hyperfine ovs-vswitchd ip; do
  command -v "$tool" >/dev/null || { echo "compare: $tool not found (apt-get install mininet hyperfine openvswitch-switch iproute2)" >&2; exit 1; }
done
[[ $EUID -eq 0 ]] || { echo "compare: Mininet needs root" >&2; exit 1; }

cleanup() {
  ip netns exec "$NS" env MESHSIM_OVS_RUNDIR="$MESHSIM_OVS_RUNDIR" bash "$REPO/tools/ovs/ovs-stop.sh" >/dev/null 2>&1 || true
  ip netns del "$NS" 2>/dev/null || true
}
trap cleanup EXIT

if [[ $# -ge 1 ]]; then
  MESHSIM="$1"
else
  echo "*** publishing meshsim (Native AOT) to $OUT/meshsim" >&2
  dotnet publish "$REPO/src/MeshSim.Cli" -c Release -r linux-x64 \
    -p:PublishAot=true -p:CppCompilerAndLinker=gcc -o "$OUT/meshsim" >/dev/null
  MESHSIM="$OUT/meshsim/meshsim"
fi

ip netns add "$NS"
ip netns exec "$NS" ip link set lo up
ip netns exec "$NS" bash "$REPO/tools/ovs/ovs-start.sh" >/dev/null 2>&1
IN_NS="ip netns exec $NS env OVS_RUNDIR=$MESHSIM_OVS_RUNDIR"
MN="mn --switch ovs,datapath=user,failMode=standalone --controller none --test pingall"

# A Mininet run that fails to reach every host is not a valid timing: check once first.
for topo in "single,4" "tree,depth=2,fanout=3"; do
  $IN_NS $MN --topo "$topo" 2>&1 | grep -q "Results: 0% dropped" || { echo "compare: Mininet pingall on $topo dropped pings" >&2; exit 1; }
done
(cd "$REPO" && $MESHSIM pingall >/dev/null && $MESHSIM pingall -s scenarios/tree-9.yaml >/dev/null)

cd "$REPO"
hyperfine --warmup 2 --runs "$RUNS" --export-markdown "$OUT/single.md" \
  -n "mininet single,4" "$IN_NS $MN --topo single,4" \
  -n "meshsim pingall (thesis lab, 4 hosts, 2 switches)" "$MESHSIM pingall"
hyperfine --warmup 2 --runs "$RUNS" --export-markdown "$OUT/tree.md" \
  -n "mininet tree,depth=2,fanout=3" "$IN_NS $MN --topo tree,depth=2,fanout=3" \
  -n "meshsim pingall (tree-9)" "$MESHSIM pingall -s scenarios/tree-9.yaml"
cat "$OUT/single.md" "$OUT/tree.md"
