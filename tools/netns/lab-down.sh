#!/usr/bin/env bash
# lab-down.sh PREFIX
# Removes every namespace and bridge whose name starts with PREFIX (e.g. "msc-"), and the
# veth ends that belonged to them. Idempotent and never fails, so it is safe in cleanup paths.
set -uo pipefail
. "$(dirname "$0")/netns-lib.sh"
[[ $# -eq 1 && -n "$1" ]] || die "usage: lab-down.sh PREFIX"
prefix="$1"
for br in $(vsctl list-br 2>/dev/null); do
  [[ "$br" == "$prefix"* ]] && vsctl --if-exists del-br "$br" >/dev/null 2>&1
done
for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
  [[ "$ns" == "$prefix"* ]] || continue
  ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
  ip netns del "$ns" 2>/dev/null
done
for dev in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1); do
  [[ "$dev" == "$prefix"* ]] && ip link del "$dev" 2>/dev/null
done
exit 0
