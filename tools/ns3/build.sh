#!/usr/bin/env bash
# Builds the ns-3 hold-model benchmark against Debian's libns3-dev (ns-3.37).
# Usage: tools/ns3/build.sh [output-binary]   (default: tools/ns3/bin/hold-model)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/bin/hold-model}"
if ! pkg-config --exists ns3-core 2>/dev/null && [ ! -d /usr/include/ns3.37 ] && [ ! -d /usr/include/ns3 ]; then
  echo "ns-3 headers not found: install them with 'apt-get install -y libns3-dev'" >&2
  exit 2
fi
mkdir -p "$(dirname "$out")"
# Only the core library is needed; pkg-config's --libs would also demand GSL's development links.
cflags="$(pkg-config --cflags ns3-core 2>/dev/null || true)"
# -O2 -DNDEBUG: the optimised build Debian ships; NS3_LOG/ASSERT stay off in the library itself.
g++ -std=c++17 -O2 -DNDEBUG -o "$out" "$here/hold-model.cc" $cflags -lns3-core
echo "$out"
