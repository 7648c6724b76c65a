#!/usr/bin/env bash
# replay-capture.sh RULES_DIR OUT_DIR [PREFIX]
# Takes the captures that `meshsim replay` is checked against: switch s1 of the thesis lab made
# real (a userspace OVS bridge running RULES_DIR/s1.flows and s1.groups, as `meshsim compile
# scenarios/thesis-lab.yaml` writes them), hosts h1 and h2 on ports 1 and 2 and, on port 3 where
# the link to s2 would be, a namespace that plays h3. Real programs then make traffic that meets
# most of the rules' fates: ARP answered by the switch, plain IPv4 forwarding, connections through
# the virtual IP (hairpin, to h2, across port 3), a denied pair, a port with no upstream, ICMP to
# the virtual IP, a SYN towards db1 that nobody answers, a bare ACK and a SYN-ACK that match no
# connection (conntrack: new and invalid), and an unsolicited SYN-ACK across the reply path.
#
# OUT_DIR gets, per port N, pN-in.pcap (what entered the bridge there) and pN-out.pcap (what the
# bridge sent there), all with nanosecond timestamps from the same clock, and s1.dump, the
# bridge's `ovs-ofctl dump-flows` afterwards. Everything created carries PREFIX (default "msrc-")
# and is removed on exit, also on failure or Ctrl-C.
set -euo pipefail
. "$(dirname "$0")/netns-lib.sh"
[[ $# -ge 2 && $# -le 3 ]] || die "usage: replay-capture.sh RULES_DIR OUT_DIR [PREFIX]"
rules="$1"; out="$2"; p="${3:-msrc-}"
here="$(cd "$(dirname "$0")" && pwd)"
[[ -f "$rules/s1.flows" && -f "$rules/s1.groups" ]] || die "$rules: expected s1.flows and s1.groups (meshsim compile output)"
for tool in tcpdump curl ping python3 ovs-ofctl; do command -v "$tool" >/dev/null || die "$tool not found"; done
mkdir -p "$out"
br="${p}s1"
vip=192.168.1.250
dumps=()

cleanup() {
  for pid in "${dumps[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
  "$here/lab-down.sh" "$p"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
"$here/../ovs/ovs-start.sh" >/dev/null   # idempotent: reuses a running private OVS
"$here/lab-down.sh" "$p"

"$here/bridge-add.sh" "$br" 1
"$here/host-add.sh" "${p}h1" "$br" 1 192.168.1.11/24 00:00:00:00:00:01
"$here/host-add.sh" "${p}h2" "$br" 2 192.168.1.12/24 00:00:00:00:00:02
"$here/host-add.sh" "${p}h3" "$br" 3 192.168.1.13/24 00:00:00:00:00:03   # stands where s2 would be
# No IPv6: router solicitations and MLD reports at random moments would only add noise, and the
# root ends must send nothing of their own (their "out" capture is what the bridge sent).
for n in 1 2 3; do
  sysctl -qw "net.ipv6.conf.${p}h$n-v.disable_ipv6=1"
  ip netns exec "${p}h$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.eth0.disable_ipv6=1
done

ofctl -O OpenFlow15 add-groups "$br" "$rules/s1.groups"
ofctl -O OpenFlow15 --bundle replace-flows "$br" "$rules/s1.flows"
# Every netdev bridge of the daemon shares one conntrack table: entries an earlier run left (its
# connections used these same addresses and ports) would turn this run's new connections into
# established ones on the real bridge, while the replay starts from an empty table.
ovs-appctl -t "$OVS_RUNDIR/ovs-vswitchd.ctl" dpctl/flush-conntrack

# Servers for the upstreams the rules name: public-api on h1, product-api on h2, payments-api on h3.
serve() { # serve N IP PORT
  ip netns exec "${p}h$1" python3 -m http.server --bind "$2" --directory "$here" "$3" >/dev/null 2>&1 &
  for _ in $(seq 1 100); do
    ip netns exec "${p}h$1" ss -ltnH "sport = :$3" | grep -q ":$3" && return 0
    sleep 0.05
  done
  die "http.server on $2:$3 did not start"
}
serve 1 192.168.1.11 20863
serve 2 192.168.1.12 19572
serve 3 192.168.1.13 13427
sleep 0.5   # let the namespaces fall silent before the captures start

capture() { # capture N DIRECTION: tcpdump on port N's root end, running until cleanup
  local log="$out/p$1-$2.log"
  tcpdump -i "${p}h$1-v" -Q "$2" -w "$out/p$1-$2.pcap" -U --immediate-mode -s 0 -nn --time-stamp-precision=nano 2>"$log" &
  dumps+=($!)
  for _ in $(seq 1 100); do grep -q "listening on" "$log" && return 0; sleep 0.05; done
  die "tcpdump on ${p}h$1-v did not start: $(cat "$log")"
}
for n in 1 2 3; do capture "$n" in; capture "$n" out; done

in_ns() { local n="$1"; shift; ip netns exec "${p}h$n" "$@"; }
get() { # get N URL SECONDS: one curl; a refused or unanswered connection is expected here
  in_ns "$1" curl -s -o /dev/null -m "$3" "$2" || true
}
in_ns 1 ping -c 2 -i 0.2 -W 1 192.168.1.12 >/dev/null          # ARP answered by the switch, ICMP both ways
get 1 "http://$vip:9191/" 3                                    # frontend -> public-api: hairpin on h1
get 1 "http://$vip:9341/" 3                                    # public-api -> product-api on h2
get 1 "http://$vip:9340/" 3                                    # public-api -> payments-api across port 3
get 2 "http://$vip:9340/" 1.5                                  # product-api -> payments-api: denied
get 2 "http://$vip:9567/" 1.5                                  # product-api -> postgres: db1 is not there
get 1 "http://$vip:9999/" 0.5                                  # no upstream on this port
in_ns 1 ping -c 1 -W 0.5 "$vip" >/dev/null || true             # ICMP to the virtual IP
# A bare ACK with no connection: OVS's userspace conntrack lets it start one (+new), as it picks up
# connections mid-stream; a SYN-ACK cannot start one (+inv), so the rules drop it.
in_ns 1 python3 "$here/send-tcp.py" eth0 00:00:00:00:00:01 02:00:00:00:00:fa 192.168.1.11 "$vip" 40999 9191 A
in_ns 1 python3 "$here/send-tcp.py" eth0 00:00:00:00:00:01 02:00:00:00:00:fa 192.168.1.11 "$vip" 40998 9191 SA
in_ns 3 python3 "$here/send-tcp.py" eth0 00:00:00:00:00:03 00:00:00:00:00:01 192.168.1.13 192.168.1.11 13427 41000 SA  # no connection
in_ns 3 ping -c 2 -i 0.2 -W 1 192.168.1.12 >/dev/null          # h3 -> h2 through port 3
sleep 1   # the last frames reach the capture files

# Datapath statistics reach the flows when the revalidator runs: wait for two full rounds (one missed
# the last packet once on a loaded machine). Not revalidator/purge: it pushes the statistics through a
# fresh translation, which files a packet whose conntrack state has changed since under another rule.
ovs-appctl -t "$OVS_RUNDIR/ovs-vswitchd.ctl" revalidator/wait
sleep 0.5
ovs-appctl -t "$OVS_RUNDIR/ovs-vswitchd.ctl" revalidator/wait
ofctl -O OpenFlow15 dump-flows "$br" >"$out/s1.dump"
for pid in "${dumps[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
for pid in "${dumps[@]}"; do wait "$pid" 2>/dev/null || true; done
dumps=()
rm -f "$out"/p*-*.log
