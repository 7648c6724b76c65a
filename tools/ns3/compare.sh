#!/usr/bin/env bash
# Side-by-side hold-model comparison: MeshSim's event queue against ns-3.37's Map, Calendar and Heap
# schedulers (Debian libns3-dev), same model, same generator, same machine, one run.
#
# Runs are interleaved (ns-3 Map, Calendar, Heap, MeshSim, repeated) and the best of the repetitions
# is kept for each, so a burst of load from other processes penalises no side in particular.
#
# Usage: tools/ns3/compare.sh [--reps=3] [--events=3000000] [--populations="1000 100000"]
# Prints a table of events/s and MeshSim's ratio to ns-3's best scheduler at each population;
# exit code 1 if that ratio is below 2 at any population.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
reps=3 events=3000000 populations="1000 100000"
for arg in "$@"; do
  case "$arg" in
    --reps=*) reps="${arg#*=}" ;;
    --events=*) events="${arg#*=}" ;;
    --populations=*) populations="${arg#*=}" ;;
    *) echo "compare.sh: unknown argument '$arg' (expected --reps=N, --events=N, --populations=\"N ...\")" >&2; exit 2 ;;
  esac
done

ns3_bin="$("$here/build.sh" "$here/bin/hold-model")"
dotnet build -c Release "$here/dotnet-hold/HoldModelRunner.csproj" -o "$here/bin/dotnet-hold" >/dev/null
runner="$here/bin/dotnet-hold/HoldModelRunner.dll"

results="$(mktemp)"
trap 'rm -f "$results"' EXIT
for rep in $(seq 1 "$reps"); do
  for pop in $populations; do
    for sched in Map Calendar Heap; do
      "$ns3_bin" --scheduler="$sched" --population="$pop" --events="$events" | tee -a "$results"
    done
    dotnet "$runner" --population="$pop" --events="$events" | tee -a "$results"
  done
done

echo
# Two views of the same runs: wall-clock events/s (what a user waits for) and events per CPU-second
# of the process (robust on a shared machine, where wall time also counts time spent descheduled).
# The exit code follows the CPU-time ratio.
awk -v target=2 -v pops_in_order="$populations" '
  {
    delete f
    for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    key = f["scheduler"] SUBSEP f["population"]
    if (f["events_per_sec"] + 0 > wall[key] + 0) wall[key] = f["events_per_sec"]
    if (f["events_per_cpu_sec"] + 0 > cpu[key] + 0) cpu[key] = f["events_per_cpu_sec"]
  }
  function table(title, best, gate,    n, i, p, m, c, h, ours, top, ratio, fail, sorted) {
    printf "%s\n", title
    printf "%-10s %12s %12s %12s %12s %10s\n", "population", "ns3-Map", "ns3-Calendar", "ns3-Heap", "MeshSim", "ratio"
    fail = 0
    n = split(pops_in_order, sorted, " ")
    for (i = 1; i <= n; i++) {
      p = sorted[i]
      m = best["Map" SUBSEP p]; c = best["Calendar" SUBSEP p]; h = best["Heap" SUBSEP p]; ours = best["MeshSim" SUBSEP p]
      top = m; if (c > top) top = c; if (h > top) top = h
      ratio = top > 0 ? ours / top : 0
      if (ratio < target) fail = 1
      printf "%-10s %12.0f %12.0f %12.0f %12.0f %9.2fx\n", p, m, c, h, ours, ratio
    }
    printf "\n"
    return fail
  }
  END {
    table("events per wall-clock second (best of the repetitions)", wall)
    fail = table("events per CPU second of the process (best of the repetitions)", cpu)
    printf "ratio = MeshSim / best ns-3 scheduler at that population; target >= %sx (checked on CPU time)\n", target
    exit fail
  }' "$results"
