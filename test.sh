#!/usr/bin/env bash
# Runs every test. Starts a private userspace Open vSwitch first when OVS is installed, so the
# conformance tests run against the real thing (.ci/run installs it on a fresh machine).
set -uo pipefail
cd "$(dirname "$0")"

tools/install-test-deps.sh
if command -v ovs-vsctl >/dev/null 2>&1 && [ -x tools/ovs/ovs-start.sh ]; then
  tools/ovs/ovs-start.sh || { echo "test.sh: could not start Open vSwitch" >&2; exit 1; }
fi

# HashiCorp's Consul API double: its npm packages are installed once (npm ci, cached by the lock
# file); the controller's tests start and stop the server themselves.
if command -v npm >/dev/null 2>&1; then
  tools/consul-api-double/double.sh install || { echo "test.sh: npm ci of tools/consul-api-double failed" >&2; exit 1; }
fi

dotnet build MeshSim.sln -c Release -v quiet -nologo -clp:ErrorsOnly || exit 1
log=$(mktemp)
dotnet test MeshSim.sln -c Release --no-build -nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# One closing line for the whole suite, summed over the test assemblies.
awk '/(Passed|Failed)!/ {
       for (i = 1; i <= NF; i++) {
         if ($i == "Failed:")  f += $(i+1)
         if ($i == "Passed:")  p += $(i+1)
         if ($i == "Skipped:") s += $(i+1)
       }
     }
     END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' FS='[ ,]+' "$log"
rm -f "$log"

# The packages as a user gets them: packed, the tool installed from the feed, the example project's
# passing property passing and its failing one failing with a counterexample meshsim run reproduces.
if [ "$status" -eq 0 ] && [ "$#" -eq 0 ]; then
  examples/run.sh || status=1
fi
exit "$status"
