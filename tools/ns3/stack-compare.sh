#!/usr/bin/env bash
# Builds and runs the ns-3 side of the stack benchmark (needs Debian's libns3-dev 3.37).
# Usage: tools/ns3/stack-compare.sh [seconds]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${TMPDIR:-/tmp}/meshsim-ns3-stack-compare"
mods="ns3-core ns3-network ns3-point-to-point ns3-internet ns3-applications"
# Link the ns-3 libraries by name: Debian's .pc files also drag in GSL, which this program does not use.
libs=""; for m in $mods; do libs="$libs -l${m/ns3-/ns3-}"; done
g++ -O2 -std=c++17 "$here/stack-compare.cc" -o "$out" $(pkg-config --cflags $mods) $libs
"$out" --seconds="${1:-1}"
