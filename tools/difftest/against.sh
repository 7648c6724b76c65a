#!/usr/bin/env bash
# Runs the differential tester against another build of the model: MeshSim's src/ as of git REF
# (a branch, tag or commit) with this checkout's tester (src/MeshSim.Oracles, tools/MeshSim.DiffTest).
#   tools/difftest/against.sh main --cases 500 --seed 1
# Arguments after REF go to the runner (see its --help). Needs what the runner needs (root, OVS 3.1).
set -euo pipefail
[[ $# -ge 1 ]] || { echo "usage: $0 REF [runner options]" >&2; exit 2; }
ref=$1; shift
here=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/meshsim-difftest-build.XXXXXX)
trap 'rm -rf "$work"' EXIT
git -C "$here" archive "$ref" | tar -x -C "$work"
for p in src/MeshSim.Oracles tools/MeshSim.DiffTest; do
  rm -rf "${work:?}/$p"
  mkdir -p "$work/$p"
  (cd "$here/$p" && tar -c --exclude=bin --exclude=obj .) | tar -x -C "$work/$p"
done
dotnet build "$work/tools/MeshSim.DiffTest" -c Release -v quiet -nologo -clp:ErrorsOnly
echo "model: $(git -C "$here" rev-parse --short "$ref") ($ref)"
cd "$here"   # the runner finds tools/ovs/ovs-start.sh from here
dotnet "$work/tools/MeshSim.DiffTest/bin/Release/net10.0/MeshSim.DiffTest.dll" "$@"
