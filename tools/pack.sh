#!/usr/bin/env bash
# Packs every MeshSim package (the libraries under src/, the testing kit and the meshsim tool)
# into one local feed folder, artifacts/feed by default:
#   tools/pack.sh && dotnet tool install --global meshsim --add-source artifacts/feed
# The tool is three packages: meshsim (names the others), meshsim.linux-x64 (Native AOT; needs gcc)
# and meshsim.any (portable, JIT) for every other platform.
set -euo pipefail
cd "$(dirname "$0")/.."
feed=${1:-artifacts/feed}
mkdir -p "$feed"
rm -f "$feed"/*.nupkg
quiet=(-v quiet -nologo -clp:ErrorsOnly)
dotnet pack MeshSim.sln -c Release -o "$feed" "${quiet[@]}"
dotnet pack src/MeshSim.Cli -c Release -r linux-x64 -o "$feed" "${quiet[@]}"
dotnet pack src/MeshSim.Cli -c Release -r any -p:PublishAot=false -o "$feed" "${quiet[@]}"
ls "$feed"/*.nupkg | sed 's|.*/||'
