using MeshSim.Ovs;
using MeshSim.Cli.Run;

namespace MeshSim.Cli.Lab;

/// <summary>The exercises in scenarios/labs/, in teaching order.</summary>
public static class LabExercises
{
    /// <summary>The cookie the compiler gives the (frontend, public-api) pair flow on s1 of the thesis lab.</summary>
    public const ulong FrontendToPublicApiCookie = 0x10619377da0549cd;
    /// <summary>The cookie of the (product-api, payments-api) pair flow on s1: with a deny intention it counts refused SYNs.</summary>
    public const ulong ProductToPaymentsCookie = 0x11d7e0201953706b;

    /// <summary>All exercises by folder name.</summary>
    public static readonly IReadOnlyList<LabExercise> All =
    [
        new("01-nat-by-hand", "Write the NAT flows for one upstream by hand",
            [
                new("reach", "client -> api", "client's connections to 192.168.1.250:9000 never complete. s1 needs a flow that sends client's SYN through ct(commit,nat(dst=192.168.1.12:5000)) out of api's port, and flows that un-NAT api's replies (ct(table=0,nat), then output to client's port)."),
                new("latency", "calls p99 < 50ms", "the traffic run 'calls' did not finish quickly: once reach works this follows; if not, check that replies are un-NATed in the same zone as the request."),
            ],
            [o => HandWritten(o, "s1")]),
        new("02-select-group", "Balance over two instances with a select group",
            [new("reach", "client -> api", "client cannot reach api at all: the flow for 192.168.1.250:9000 should send the SYN to group:1 (and the group must exist in s1.groups).")],
            [o => HandWritten(o, "s1"), SelectGroup, o => BucketsAsActionSets(o, "s1"), BothInstancesServed]),
        new("03-intention", "Deny product-api -> payments-api with an intention",
            [
                new("deny", "product-api -> payments-api", "product-api can still open connections to payments-api: add an intention { source: product-api, destination: payments-api, action: deny }."),
                new("reach", "public-api -> payments-api", "public-api lost payments-api: deny only the product-api pair, not every caller."),
                new("reach", "public-api -> product-api", "public-api lost product-api: the intention is too broad."),
                new("reach", "product-api -> postgres", "product-api lost postgres: the intention is too broad."),
                new("flow", $"s1 cookie=0x{ProductToPaymentsCookie:x} n_packets > 0", "no refused SYN was counted on s1's product-api -> payments-api pair flow."),
            ],
            []),
        new("04-same-host", "Fix the thesis' same-host bug in hand-written rules",
            [
                new("reach", "frontend -> public-api", "frontend (H1) still cannot reach public-api (also H1): OVS never outputs a packet to the port it came in on unless the action is in_port, and the reply must come back through the switch (source-NAT it to the virtual IP in a second zone) to be un-NATed."),
                new("reach", "public-api -> product-api", "public-api -> product-api broke: keep the thesis' cross-host flows working."),
                new("reach", "public-api -> payments-api", "public-api -> payments-api broke: keep the thesis' cross-host flows working."),
                new("reach", "product-api -> postgres", "product-api -> postgres broke: keep the thesis' cross-host flows working."),
                new("latency", "api p99 < 50ms", "the traffic run 'api' (frontend -> public-api) did not finish quickly: every packet of the connection, not only the SYN, must take the hairpin path."),
            ],
            [o => HandWritten(o, "s1")]),
        new("05-flow-metrics", "Read flow counters as service metrics",
            [
                new("reach", "frontend -> public-api", "frontend cannot reach public-api: keep the lab's scenario as it was given, only add the answers."),
                new("deny", "product-api -> payments-api", "product-api reaches payments-api: keep the lab's intention as it was given, only add the answers."),
            ],
            [o => CounterAnswer(o, FrontendToPublicApiCookie, "how many connections frontend opened to public-api"),
             o => CounterAnswer(o, ProductToPaymentsCookie, "how many SYNs product-api sent to payments-api that s1 refused")]),
        new("06-arp-responder", "Answer ARP for the virtual IP from the switch",
            [new("reach", "client -> api", "client never sends its SYN: nobody answers \"who has 192.168.1.250?\". Add a flow on s1 that turns that ARP request into a reply from 02:00:00:00:00:fa and sends it back with in_port.")],
            [o => HandWritten(o, "s1"), ArpAnswered]),
    ];

    /// <summary>The exercise named <paramref name="name"/> (folder name, or its number such as "3").</summary>
    public static LabExercise? Find(string name) =>
        All.FirstOrDefault(e => e.Name == name) ?? All.FirstOrDefault(e => int.TryParse(name, out var n) && e.Name.StartsWith($"{n:00}-", StringComparison.Ordinal));

    private static IEnumerable<string> HandWritten(LabOutcome o, string sw)
    {
        if (o.Spec.Switches.FirstOrDefault(s => s.Name == sw) is not { FlowsFile: not null })
            yield return $"{sw} must run your hand-written flows (flows: {sw}.flows in lab.yaml), not compiled rules.";
    }

    private static IEnumerable<string> SelectGroup(LabOutcome o)
    {
        var groups = S1Groups(o);
        if (!groups.Any(g => g.Contains("type=select", StringComparison.Ordinal)))
            yield return "s1 has no select group: write one in s1.groups (group_id=1,type=select,bucket=...,bucket=...).";
        else if (!groups.Any(g => g.Contains("type=select", StringComparison.Ordinal) && g.Split("bucket=").Length - 1 >= 2))
            yield return "s1's select group has fewer than two buckets: one bucket per api instance.";
    }

    // A real switch runs a bucket as an action set: only one of group/output/resubmit/ct runs. A bucket
    // that writes ct(...) next to an output never reaches conntrack, so it fails here as on a real OVS.
    private static IEnumerable<string> BucketsAsActionSets(LabOutcome o, string switchName)
    {
        foreach (var g in o.World.RequireOvs(switchName, "lab check").Bridge.Groups)
            for (int i = 0; i < g.Entry.Buckets.Count; i++)
            {
                var dropped = g.ActionSets[i].Dropped;
                if (dropped.Count == 0) continue;
                var executed = g.ActionSets[i].Executed;
                yield return $"group {g.Entry.GroupId}, bucket {g.Entry.Buckets[i].BucketId}: OVS runs a bucket's actions as an action set, where only one of " +
                             $"group, output, resubmit and ct runs, so {OvsFormatter.FormatActions(dropped)} never runs " +
                             $"(what runs: {(executed.Count == 0 ? "nothing" : OvsFormatter.FormatActions(executed))}). " +
                             "Make ct(commit,table=N,zone=Z,nat(dst=IP:PORT)) the bucket's only action and deliver the packet from table N.";
            }
    }

    private static List<string> S1Groups(LabOutcome o) =>
        Commands.Lab.InspectCommands.DumpGroups(o.World, "s1").Split('\n').Skip(1).ToList();

    private static IEnumerable<string> BothInstancesServed(LabOutcome o)
    {
        var api = o.Spec.Services.FirstOrDefault(s => s.Name == "api");
        if (api is null) { yield return "lab.yaml lost the service 'api'."; yield break; }
        foreach (var inst in api.Instances)
        {
            var port = o.World.Hosts[inst.Host].Interfaces[0].Port;
            // A handful of frames is ARP and stray SYNs; a served share of 40 requests is far more.
            if (port.RxPackets < 20)
                yield return $"the api instance on {inst.Host} ({o.World.Hosts[inst.Host].Address}:{inst.Port}) received almost nothing ({port.RxPackets} frames): is it a bucket of the group?";
        }
    }

    private static IEnumerable<string> ArpAnswered(LabOutcome o)
    {
        // The answer must come from the switch: a static entry in the host would hide a missing responder.
        if (o.Spec.Mesh.Arp != "responder")
            yield return "keep `arp: responder` in lab.yaml: the point is that the switch answers, not a static entry in every host.";
    }

    private static IEnumerable<string> CounterAnswer(LabOutcome o, ulong cookie, string question)
    {
        var hex = $"cookie=0x{cookie:x}";
        var answers = o.Report.Verdicts.Where(v => v.Expectation.StartsWith("flow:", StringComparison.Ordinal)
            && v.Expectation.Contains(hex, StringComparison.Ordinal) && v.Expectation.Contains("n_packets ==", StringComparison.Ordinal)).ToList();
        if (answers.Count == 0)
            yield return $"no answer for {question}: add the expectation \"flow: s1 {hex} n_packets == N\" with the N you read from dump-flows s1.";
        else if (answers.Any(a => !a.Held))
            yield return $"your answer for {question} is not what s1 counted: run the traffic in `meshsim lab`, then dump-flows s1 and find {hex}.";
    }
}
