#!/usr/bin/env bash
# bridge-bench.sh [-n COUNT] [-t SECONDS] [-u "RATE ..."] [-p PREFIX]
# Frame loss and added latency of `meshsim emulate` as a bridge between two real network
# namespaces, against two baselines with the same namespaces: a direct veth pair and a plain
# Linux bridge; the simulated path twice, on veth pairs (libpcap) and on TAP devices meshsim creates. For each of the three paths it runs ping at 10 ms and 2 ms intervals and in flood
# mode (COUNT echoes each, default 1000), then iperf3 TCP and iperf3 UDP at each RATE (default
# "10M 50M 200M") for SECONDS each (default 3), and prints one Markdown table. For the simulated
# path it also prints the live bridges' own counters: every frame they could not keep up with
# must be in them.
#
# Needs root, iproute2, iputils ping, iperf3, python3 and the meshsim CLI: $MESHSIM if set (a
# command, e.g. "dotnet path/to/meshsim.dll"), else `meshsim` on PATH, else the repository's build.
# Everything it creates starts with PREFIX (default "msbb-") and is removed on exit, also on
# failure or Ctrl-C.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
count=1000; seconds=3; rates="10M 50M 200M"; p="msbb-"
while getopts "n:t:u:p:" opt; do
  case "$opt" in
    n) count="$OPTARG" ;; t) seconds="$OPTARG" ;; u) rates="$OPTARG" ;; p) p="$OPTARG" ;;
    *) echo "usage: bridge-bench.sh [-n COUNT] [-t SECONDS] [-u \"RATE ...\"] [-p PREFIX]" >&2; exit 2 ;;
  esac
done
die() { echo "bridge-bench: $*" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || die "needs root (network namespaces)"
for tool in ip ping iperf3 python3; do command -v "$tool" >/dev/null || die "$tool not found"; done
if [[ -n "${MESHSIM:-}" ]]; then meshsim=($MESHSIM)
elif command -v meshsim >/dev/null; then meshsim=(meshsim)
else
  dll=$(ls -t "$repo"/src/MeshSim.Cli/bin/{Release,Debug}/net*/meshsim.dll 2>/dev/null | head -1)
  [[ -n "$dll" ]] || die "no meshsim: set MESHSIM, put meshsim on PATH or build src/MeshSim.Cli"
  meshsim=(dotnet "$dll")
fi

A="${p}a"; B="${p}b"; work=$(mktemp -d); emu_pid=""
cleanup() {
  local rc=$?
  set +e   # best effort: what is already gone must not change the exit status
  [[ -n "$emu_pid" ]] && kill -TERM "$emu_pid" 2>/dev/null && wait "$emu_pid" 2>/dev/null
  for ns in "$A" "$B"; do ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null; done
  "$here/lab-down.sh" "$p" >/dev/null 2>&1
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
"$here/lab-down.sh" "$p" >/dev/null 2>&1

# host NS IP MAC DEV: namespace NS whose eth0 is the peer of DEV (left in the root namespace).
host() {
  ip netns add "$1"
  ip link add "$4" type veth peer name eth0 netns "$1"
  ip -n "$1" link set eth0 address "$3"
  ip -n "$1" addr add "$2/24" dev eth0
  ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
  sysctl -qw "net.ipv6.conf.$4.disable_ipv6=1"
  ip -n "$1" link set lo up; ip -n "$1" link set eth0 up; ip link set "$4" up
  # The same for every path: no offloads (the simulation checks checksums as a NIC would).
  ip netns exec "$1" python3 "$here/no-offload.py" eth0; python3 "$here/no-offload.py" "$4"
}
two_hosts() { host "$A" 10.99.0.1 02:00:00:99:00:01 "${p}ra"; host "$B" 10.99.0.2 02:00:00:99:00:02 "${p}rb"; }
teardown() {
  for ns in "$A" "$B"; do ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true; done
  "$here/lab-down.sh" "$p" >/dev/null 2>&1
}

rows=()
# ping_row PATH LABEL ARGS...: one ping run, one table row.
ping_row() {
  local path="$1" label="$2"; shift 2
  local out; out=$(ip netns exec "$A" ping -q -c "$count" -W 1 "$@" 10.99.0.2 2>&1 || true)
  local sent recv loss rtt
  sent=$(sed -nE 's/^([0-9]+) packets transmitted.*/\1/p' <<<"$out")
  recv=$(sed -nE 's/.* ([0-9]+) received.*/\1/p' <<<"$out")
  loss=$(sed -nE 's/.* ([0-9.]+)% packet loss.*/\1/p' <<<"$out")
  rtt=$(sed -nE 's#^rtt min/avg/max/mdev = ([0-9.]+)/([0-9.]+)/([0-9.]+)/([0-9.]+) ms.*#\2 \4 \3#p' <<<"$out")
  read -r avg mdev max <<<"${rtt:-- - -}"
  rows+=("| $path | $label | ${sent:-?} | $(( ${sent:-0} - ${recv:-0} )) | ${loss:-?} % | ${avg} ms (mdev ${mdev}, max ${max}) | |")
}
# iperf_rows PATH: TCP, then UDP at each rate.
iperf_rows() {
  local path="$1"
  ip netns exec "$B" iperf3 -s -B 10.99.0.2 -D --pidfile "$work/iperf3.pid" >/dev/null
  for _ in $(seq 1 50); do ip netns exec "$B" ss -ltnH 'sport = :5201' | grep -q 5201 && break; sleep 0.1; done
  local j
  j=$(ip netns exec "$A" iperf3 -c 10.99.0.2 -t "$seconds" -J 2>/dev/null || true)
  rows+=("$(python3 - "$path" "$j" <<'EOF'
import json, sys
path, text = sys.argv[1], sys.argv[2]
try:
    end = json.loads(text)["end"]
    bps = end["sum_received"]["bits_per_second"]; retr = end["sum_sent"].get("retransmits", 0)
    print(f"| {path} | iperf3 TCP | | | {retr} retransmits | | {bps/1e6:.0f} Mbit/s |")
except Exception as e:
    print(f"| {path} | iperf3 TCP | failed: {e} | | | | |")
EOF
)")
  for rate in $rates; do
    j=$(ip netns exec "$A" iperf3 -c 10.99.0.2 -u -b "$rate" -l 1400 -t "$seconds" -J 2>/dev/null || true)
    rows+=("$(python3 - "$path" "$rate" "$j" <<'EOF'
import json, sys
path, rate, text = sys.argv[1], sys.argv[2], sys.argv[3]
try:
    s = json.loads(text)["end"]["sum"]
    print(f"| {path} | iperf3 UDP {rate}bit/s | {s['packets']} | {s['lost_packets']} | {s['lost_percent']:.2f} % | jitter {s['jitter_ms']:.3f} ms | {s['bits_per_second']/1e6:.0f} Mbit/s |")
except Exception as e:
    print(f"| {path} | iperf3 UDP {rate}bit/s | failed: {e} | | | | |")
EOF
)")
  done
  [[ -f "$work/iperf3.pid" ]] && kill "$(cat "$work/iperf3.pid")" 2>/dev/null || true
  rm -f "$work/iperf3.pid"
}
measure() {
  # Warm-up, not measured: ARP, and for meshsim the JIT compiling its packet path.
  ip netns exec "$A" ping -q -c 100 -i 0.01 -W 1 10.99.0.2 >/dev/null 2>&1 || true
  ping_row "$1" "ping -i 0.01" -i 0.01
  ping_row "$1" "ping -i 0.002" -i 0.002
  ping_row "$1" "ping -f" -f
  iperf_rows "$1"
}

# 1. direct veth pair between the namespaces
ip netns add "$A"; ip netns add "$B"
ip link add "${p}x" netns "$A" type veth peer name "${p}y" netns "$B"
ip -n "$A" link set "${p}x" name eth0; ip -n "$B" link set "${p}y" name eth0
for ns in "$A" "$B"; do ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1; ip -n "$ns" link set lo up; ip -n "$ns" link set eth0 up; done
ip -n "$A" addr add 10.99.0.1/24 dev eth0; ip -n "$B" addr add 10.99.0.2/24 dev eth0
ip netns exec "$A" python3 "$here/no-offload.py" eth0; ip netns exec "$B" python3 "$here/no-offload.py" eth0
measure "veth"
teardown

# 2. Linux bridge
two_hosts
ip link add "${p}br" type bridge; ip link set "${p}br" up
ip link set "${p}ra" master "${p}br"; ip link set "${p}rb" master "${p}br"
measure "Linux bridge"
teardown

# 3. meshsim emulate: one simulated OVS switch running the compiled mesh rules
two_hosts
cat >"$work/bench.yaml" <<'EOF'
name: bridge-bench
seed: 1
until: 1s
hosts:
  - { name: a, ip: 10.99.0.1/24, mac: "02:00:00:99:00:01", external: true }
  - { name: b, ip: 10.99.0.2/24, mac: "02:00:00:99:00:02", external: true }
switches:
  - { name: s1, kind: ovs }
links:
  - { a: "a", b: "s1:1", latency: 0us, rate: 10Gbps }
  - { a: "b", b: "s1:2", latency: 0us, rate: 10Gbps }
EOF
"${meshsim[@]}" emulate -s "$work/bench.yaml" --attach "a=${p}ra" --attach "b=${p}rb" >"$work/emulate.log" 2>&1 &
emu_pid=$!
for _ in $(seq 1 200); do grep -q "running in real time" "$work/emulate.log" && break; kill -0 "$emu_pid" 2>/dev/null || break; sleep 0.1; done
grep -q "running in real time" "$work/emulate.log" || die "meshsim emulate did not start: $(cat "$work/emulate.log")"
measure "meshsim emulate"
# SIGTERM, not SIGINT: a background job of a script starts with SIGINT ignored.
kill -TERM "$emu_pid"; wait "$emu_pid" || true; emu_pid=""
teardown

# 4. meshsim emulate on TAP devices: the same switch, each namespace's interface a TAP that
# meshsim creates (in the root namespace; a TAP keeps its descriptor when moved to another one).
for ns in "$A" "$B"; do ip netns add "$ns"; ip -n "$ns" link set lo up; ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1; done
"${meshsim[@]}" emulate -s "$work/bench.yaml" --tap "a=${p}ta" --tap "b=${p}tb" >"$work/emulate-tap.log" 2>&1 &
emu_pid=$!
for _ in $(seq 1 200); do grep -q "running in real time" "$work/emulate-tap.log" && break; kill -0 "$emu_pid" 2>/dev/null || break; sleep 0.1; done
grep -q "running in real time" "$work/emulate-tap.log" || die "meshsim emulate --tap did not start: $(cat "$work/emulate-tap.log")"
ip link set "${p}ta" netns "$A"; ip link set "${p}tb" netns "$B"
ip -n "$A" link set "${p}ta" address 02:00:00:99:00:01 up; ip -n "$A" addr add 10.99.0.1/24 dev "${p}ta"
ip -n "$B" link set "${p}tb" address 02:00:00:99:00:02 up; ip -n "$B" addr add 10.99.0.2/24 dev "${p}tb"
measure "meshsim emulate (TAP)"
# Interfaces down first, so nothing arrives while the run stops and every counter is final.
ip -n "$A" link set "${p}ta" down; ip -n "$B" link set "${p}tb" down
kill -TERM "$emu_pid"; wait "$emu_pid" || true; emu_pid=""
teardown

echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), kernel $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "ping: $count echoes per row, 56-byte payload; iperf3: $seconds s per row, UDP datagrams of 1400 bytes"
echo
echo "| path | test | sent | lost | loss / retransmits | RTT avg (mdev, max) / jitter | throughput |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "meshsim emulate's own figures (veth, then TAP):"
cat "$work/emulate.log" "$work/emulate-tap.log" | grep '^\*\*\* ' | grep -v "<->\|running in real time" || true
