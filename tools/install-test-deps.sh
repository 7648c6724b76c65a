#!/usr/bin/env bash
# Installs the real components the test suite compares against (Open vSwitch 3.1, tshark,
# tcpdump, libpcap, iproute2, curl, python3, iperf3, Prometheus with promtool; node and npm for HashiCorp's Consul API
# double) when any is missing. Needs root and apt-get;
# without them it says what is missing and the tests that need those parts skip.
set -euo pipefail
need=()
command -v ovs-vsctl >/dev/null 2>&1 || need+=(openvswitch-switch)
command -v tshark    >/dev/null 2>&1 || need+=(tshark)
command -v tcpdump   >/dev/null 2>&1 || need+=(tcpdump)
command -v ip        >/dev/null 2>&1 || need+=(iproute2)
command -v ping      >/dev/null 2>&1 || need+=(iputils-ping)
command -v curl      >/dev/null 2>&1 || need+=(curl)
command -v python3   >/dev/null 2>&1 || need+=(python3)
command -v iperf3    >/dev/null 2>&1 || need+=(iperf3)
command -v promtool  >/dev/null 2>&1 || need+=(prometheus)
command -v node      >/dev/null 2>&1 || need+=(nodejs)
command -v npm       >/dev/null 2>&1 || need+=(npm)
ldconfig -p 2>/dev/null | grep -q 'libpcap.so' || need+=(libpcap0.8)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-test-deps: missing ${need[*]} (run as root on Debian/Ubuntu to install them)" >&2
  exit 0
fi
echo "install-test-deps: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
