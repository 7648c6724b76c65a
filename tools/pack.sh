#!/usr/bin/env bash
# Packs every MeshSim package (the libraries under src/, the testing kit and the meshsim tool)
# into one local feed folder, artifacts/feed by default:
#   tools/pack.sh && dotnet tool install --global meshsim --add-source artifacts/feed
set -euo pipefail
cd "$(dirname "$0")/.."
feed=${1:-artifacts/feed}
mkdir -p "$feed"
rm -f "$feed"/*.nupkg
dotnet pack MeshSim.sln -c Release -o "$feed" -v quiet -nologo -clp:ErrorsOnly
ls "$feed"/*.nupkg | sed 's|.*/||'
