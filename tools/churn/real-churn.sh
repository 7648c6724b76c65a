#!/usr/bin/env bash
# real-churn.sh [vip|normal] [SECONDS]
# The conntrack churn experiment on a real Open vSwitch (issue #17, docs/churn.md): a client in one
# network namespace opens one new TCP connection per HTTP request, 16 at a time, to a server in
# another, through a private userspace ovs-vswitchd, for SECONDS (default 20).
#   vip     the client calls the virtual IP; the bridge runs scenarios/churn/vip.flows
#           (ct(commit,zone=1,nat(dst=server)) on requests, ct(zone=1,nat) on replies)
#   normal  the client calls the server's own address; the bridge runs scenarios/churn/normal.flows
#           (actions=NORMAL: no conntrack at all)
# It prints the kernel and OVS versions, then one row per second (from 0, as meshsim does):
# requests completed, failures, the client's SYN retransmissions and all retransmitted segments
# (nstat TcpExtTCPSynRetrans and TcpRetransSegs in the client's namespace), dpctl/ct-get-nconns
# (entries in the table, expired ones the cleaner has not removed yet included) and the live
# entries dpctl/dump-conntrack lists in zone 1, in all and by state, at the end of that second.
#
# Needs root, iproute2 (ip, nstat), python3 and openvswitch-switch (ovsdb-server, ovs-vswitchd;
# userspace datapath only, no kernel module). Its ovs-vswitchd runs in a namespace of its own with
# its own run directory, so an Open vSwitch already running here is not touched (two userspace
# ovs-vswitchd cannot share one namespace). Everything it creates starts with PREFIX (environment,
# default "mschurn-") and is removed on exit, also on failure or Ctrl-C.
# LEAD (default 3): seconds between the datapath's creation and the client's start.
# CHURN_KEEP=DIR: keep the daemon's log, coverage counters, flows and conntrack table there.
set -euo pipefail
mode="${1:-vip}"; seconds="${2:-20}"; p="${PREFIX:-mschurn-}"
here="$(cd "$(dirname "$0")" && pwd)"; repo="$(cd "$here/../.." && pwd)"
die() { echo "real-churn: $*" >&2; exit 1; }
[[ "$mode" == vip || "$mode" == normal ]] || die "usage: real-churn.sh [vip|normal] [SECONDS]"
[[ $(id -u) -eq 0 ]] || die "needs root (network namespaces)"
for tool in ip nstat python3 ovsdb-server ovs-vswitchd ovsdb-tool ovs-vsctl ovs-ofctl ovs-appctl; do
  command -v "$tool" >/dev/null || die "$tool not found"
done

# The addresses and ports of scenarios/churn/*.yaml, so both sides run the same flows.
CLI_IP=192.168.1.11 SRV_IP=192.168.1.12 VIP=192.168.1.250 VIP_PORT=9000 SRV_PORT=5000
CLI_MAC=00:00:00:00:00:01 SRV_MAC=00:00:00:00:00:02 VIP_MAC=02:00:00:00:00:fa
OVSNS="${p}ovs" CLI="${p}cli" SRV="${p}srv" BR="${p}br"
run=$(mktemp -d); srv_pid=""

cleanup() {
  local rc=$?
  set +e   # best effort: what is already gone must not change the exit status
  if [[ -n "${CHURN_KEEP:-}" && -S "$run/ovs-vswitchd.ctl" ]]; then   # for a closer look afterwards
    mkdir -p "$CHURN_KEEP"
    appctl coverage/show >"$CHURN_KEEP/coverage.txt" 2>&1
    appctl dpctl/dump-conntrack >"$CHURN_KEEP/conntrack.txt" 2>&1
    ovs-ofctl -O OpenFlow13 dump-flows "$BR" >"$CHURN_KEEP/flows.txt" 2>&1
    cp "$run/ovs-vswitchd.log" "$CHURN_KEEP/" 2>/dev/null
  fi
  [[ -n "$srv_pid" ]] && kill "$srv_pid" 2>/dev/null && wait "$srv_pid" 2>/dev/null
  for d in ovs-vswitchd ovsdb-server; do
    [[ -f "$run/$d.pid" ]] && kill "$(cat "$run/$d.pid")" 2>/dev/null
  done
  sleep 0.2
  for ns in "$CLI" "$SRV" "$OVSNS"; do ip netns del "$ns" 2>/dev/null; done
  rm -rf "$run"
  exit $rc
}
trap cleanup EXIT INT TERM

export OVS_RUNDIR="$run" OVS_LOGDIR="$run" OVS_DBDIR="$run" OVS_SYSCONFDIR="$run"
vsctl() { ovs-vsctl --db="unix:$run/db.sock" --timeout=10 "$@"; }
appctl() { ovs-appctl -t "$run/ovs-vswitchd.ctl" "$@"; }

for ns in "$OVSNS" "$CLI" "$SRV"; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
ovsdb-tool create "$run/conf.db" /usr/share/openvswitch/vswitch.ovsschema
ovsdb-server "$run/conf.db" --remote="punix:$run/db.sock" --pidfile="$run/ovsdb-server.pid" \
  --unixctl="$run/ovsdb-server.ctl" --log-file="$run/ovsdb-server.log" -vconsole:off --detach 2>/dev/null
vsctl --no-wait init
ip netns exec "$OVSNS" ovs-vswitchd "unix:$run/db.sock" --pidfile="$run/ovs-vswitchd.pid" \
  --unixctl="$run/ovs-vswitchd.ctl" --log-file="$run/ovs-vswitchd.log" -vconsole:off --detach 2>/dev/null
vsctl add-br "$BR" -- set bridge "$BR" datapath_type=netdev fail_mode=secure protocols=OpenFlow10,OpenFlow13,OpenFlow15
# The first netdev bridge creates the datapath and its conntrack, whose clean thread makes a pass
# now and then every 20 s. The client starts a fixed LEAD seconds later, so the cleaner's pass
# falls at second 20 - LEAD of the run every time (scenarios/churn/*.yaml start their traffic at 3 s).
t_created=$(date +%s.%N); lead="${LEAD:-3}"

# host NAMESPACE OFPORT IP MAC: eth0 in NAMESPACE, its peer on the bridge as OpenFlow port OFPORT.
# Checksum offload off on both ends: the userspace datapath reads frames with AF_PACKET and its
# conntrack marks partial checksums +inv (see tools/netns/no-offload.py).
host() {
  local ns="$1" ofport="$2" ip="$3" mac="$4" peer="${p}p$2"
  ip link add "$peer" type veth peer name eth0 netns "$ns"
  ip link set "$peer" netns "$OVSNS"
  ip -n "$ns" link set eth0 address "$mac"
  ip -n "$ns" addr add "$ip/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$OVSNS" link set "$peer" up
  ip netns exec "$OVSNS" python3 "$repo/tools/netns/no-offload.py" "$peer"
  ip netns exec "$ns" python3 "$repo/tools/netns/no-offload.py" eth0
  vsctl add-port "$BR" "$peer" -- set interface "$peer" ofport_request="$ofport"
}
host "$CLI" 1 "$CLI_IP" "$CLI_MAC"
host "$SRV" 2 "$SRV_IP" "$SRV_MAC"
# The VIP is answered by no one: the client has a static entry for it (the scenario's arp: static).
ip -n "$CLI" neigh replace "$VIP" lladdr "$VIP_MAC" dev eth0 nud permanent
ovs-ofctl -O OpenFlow13 add-flows "$BR" "$repo/scenarios/churn/$mode.flows"

if [[ "$mode" == vip ]]; then target="$VIP $VIP_PORT"; else target="$SRV_IP $SRV_PORT"; fi
ip netns exec "$SRV" python3 "$here/server.py" "$SRV_IP" "$SRV_PORT" & srv_pid=$!
for _ in $(seq 1 50); do ip netns exec "$SRV" ss -ltn | grep -q ":$SRV_PORT " && break; sleep 0.1; done
# One request first, so ARP is resolved and the path proven before anything is counted.
ip netns exec "$CLI" python3 -c "import socket,sys; s=socket.create_connection(('${target% *}', ${target#* }), 3); s.send(b'GET / HTTP/1.1\r\nConnection: close\r\n\r\n'); sys.exit(0 if s.recv(64).startswith(b'HTTP/1.1 200') else 1)" \
  || die "no answer from $target through $BR"
appctl dpctl/flush-conntrack >/dev/null
wait_s=$(awk -v c="$t_created" -v l="$lead" -v n="$(date +%s.%N)" 'BEGIN{w=c+l-n; print (w>0?w:0)}')
awk -v w="$wait_s" 'BEGIN{exit !(w==0)}' && echo "real-churn: setup took longer than LEAD=${lead}s; the cleaner's pass comes earlier in the run" >&2
sleep "$wait_s"

nstat_get() { # nstat_get: "SYNRETRANS RETRANSSEGS", absolute, in the client's namespace
  ip netns exec "$CLI" nstat -az TcpExtTCPSynRetrans TcpRetransSegs \
    | awk '$1=="TcpExtTCPSynRetrans"{s=$2} $1=="TcpRetransSegs"{r=$2} END{print s+0, r+0}'
}

echo "# real-churn $mode: kernel $(uname -r), $(ovs-vswitchd --version | head -1), concurrency 16, ${seconds}s"
echo "# target $target; flows scenarios/churn/$mode.flows; client started ${lead}s after the datapath (cleaner passes at second $((20 - lead)), $((40 - lead)), ...)"
printf '%-6s %7s %6s %11s %8s %8s %8s  %s\n' second conn/s failed syn-retrans retrans ct-nconn ct-live "zone=1 entries by state"
read -r syn0 ret0 < <(nstat_get)
total=0
while read -r sec conns failed; do
  read -r syn ret < <(nstat_get)
  nconn=$(appctl dpctl/ct-get-nconns)
  states=$(appctl dpctl/dump-conntrack zone=1 | { grep -o 'state=[A-Z_0-9]*' || true; } | sort | uniq -c | awk '{sub("state=","",$2); printf "%s%s=%s", sep, $2, $1; sep=" "}')
  live=$(awk '{n=split($0,a," "); t=0; for(i=1;i<=n;i++){split(a[i],b,"="); t+=b[2]} print t}' <<<"$states")
  printf '%-6s %7s %6s %11s %8s %8s %8s  %s\n' "$sec" "$conns" "$failed" $((syn - syn0)) $((ret - ret0)) "$nconn" "$live" "${states:-empty}"
  syn0=$syn ret0=$ret total=$((total + conns))
done < <(ip netns exec "$CLI" python3 "$here/client.py" ${target% *} ${target#* } 16 "$seconds")
echo "# total $total connections in ${seconds}s"
