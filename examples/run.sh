#!/usr/bin/env bash
# Proves the packed packages work as a user gets them: packs the feed, installs the meshsim tool from
# it, runs the example's passing property (must pass) and its deliberately failing one (must fail
# with a shrunk counterexample), then runs that counterexample scenario with the installed tool
# (must fail with exit 1, as the property did).
set -uo pipefail
cd "$(dirname "$0")/.."
fail() { echo "examples: $*" >&2; exit 1; }
tools/pack.sh >/dev/null || fail "tools/pack.sh failed"
rm -rf artifacts/examples-packages artifacts/tool "$HOME/.nuget/packages/meshsim" "$HOME/.nuget/packages/meshsim.linux-x64" "$HOME/.nuget/packages/meshsim.any"
dotnet tool install meshsim --tool-path artifacts/tool --add-source artifacts/feed --version 0.2.0 >/dev/null || fail "tool install failed"

cd examples/FirstProperty
dotnet test -c Release -nologo --filter "Category!=ExpectedToFail" >../../artifacts/example-pass.log 2>&1 \
  || { cat ../../artifacts/example-pass.log; fail "the passing property failed"; }
dotnet test -c Release -nologo --no-build --filter "Category=ExpectedToFail" >../../artifacts/example-fail.log 2>&1 \
  && fail "the deliberately failing property passed"
cd ../..
log=artifacts/example-fail.log
grep -q "Falsifiable" "$log" || { cat "$log"; fail "no FsCheck counterexample in the output"; }
grep -Eq "\([1-9][0-9]* shrinks?\)" "$log" || { cat "$log"; fail "the counterexample was not shrunk"; }
# The label holds the scenario: from "name: counterexample" to the end of its expect: list.
awk '/^name: counterexample/ {on=1} on && /^$/ {exit} on' "$log" > artifacts/cex.yaml
[ -s artifacts/cex.yaml ] || { cat "$log"; fail "no counterexample scenario in the output"; }
artifacts/tool/meshsim run artifacts/cex.yaml > artifacts/cex-run.txt; code=$?
[ "$code" -eq 1 ] || { cat artifacts/cex.yaml artifacts/cex-run.txt; fail "meshsim run on the counterexample exited $code, expected 1"; }
echo "examples: passing property passed; failing property shrunk to $(grep -c '^  - { name: h' artifacts/cex.yaml) hosts, and meshsim run fails it: $(grep -c '^  FAIL' artifacts/cex-run.txt) expectation(s) failed"
