#!/usr/bin/env python3
"""sim-table.py [SECONDS] < REPORT.json: meshsim's side of the churn comparison, as a table.

Reads the JSON of `meshsim run scenarios/churn/{vip,normal}.yaml --json` and prints the columns
real-churn.sh prints, second by second (from 0, SECONDS rows, default 20): requests completed,
connect failures, the client's SYN retransmissions, conntrack entries in the table (expired
ones included, as dpctl/ct-get-nconns) and live ones by state (as dpctl/dump-conntrack) at the
end of that second. MeshSim's TCP has no retransmission other than the SYN's in this load, so the
retrans column repeats syn-retrans."""
import json, sys

seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
report = json.load(sys.stdin)
result = report["traffic"][0]["result"]
if result is None:
    sys.exit("sim-table: the traffic run did not finish")
ct = {s["second"]: s for s in report.get("conntrack", [])}
print(f"# meshsim {report['scenario']}: seed {report['seed']}, concurrency {result['connections']}")
print("%-6s %7s %6s %11s %8s %8s %8s  %s" % ("second", "conn/s", "failed", "syn-retrans", "retrans",
                                            "ct-nconn", "ct-live", "zone=1 entries by state"))
total = 0
for row in result["seconds"][:seconds]:
    sample = ct.get(row["second"] + 1, {"inTable": 0, "entries": []})   # taken at the second's end
    states = " ".join(f"{e['state']}={e['count']}" for e in sorted(sample["entries"], key=lambda e: e["state"]) if e["zone"] == 1)
    live = sum(e["count"] for e in sample["entries"])
    print("%-6s %7s %6s %11s %8s %8s %8s  %s" % (row["second"], row["completed"], row["connectFailures"],
          row["synRetransmits"], row["synRetransmits"], sample["inTable"], live, states or "empty"))
    total += row["completed"]
print(f"# total {total} requests in {seconds}s")
