namespace MeshSim.Ovs.Tests.Conformance;

/// <summary>The hand-written corpora in Conformance/Corpus against a real bridge.</summary>
public sealed class CorpusConformanceTests : IDisposable
{
    private readonly OvsBridge _bridge = new();

    public void Dispose() => _bridge.Dispose();

    /// <summary>Non-comment, non-blank lines of a corpus file.</summary>
    public static IReadOnlyList<string> Corpus(string name) =>
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Conformance", "Corpus", name))
            .Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#')).ToList();

    /// <summary>Groups that flows in the corpora refer to (OVS refuses group:N for a missing group).</summary>
    public static readonly string[] ReferencedGroups = ["group_id=5,type=all,bucket=output:1", "group_id=100,type=select,bucket=output:2"];

    [OvsFact]
    public void Hand_written_flows_agree_with_OVS()
    {
        var report = Conformance.CompareFlows(_bridge, Corpus("flows.txt"), groups: ReferencedGroups);
        Assert.True(report.Problems.Count == 0, report.ToString());
        Assert.True(report.Compared > 100, report.ToString());
    }

    /// <summary>
    /// The same flows added one at a time (add-flow, not add-flows): each then travels in the flow format it needs
    /// itself, so a flow OpenFlow 1.0 can carry gets OpenFlow 1.0's VLAN normalisation.
    /// </summary>
    [OvsFact]
    public void Hand_written_flows_added_alone_agree_with_OVS()
    {
        var lines = Corpus("flows.txt");
        var groups = ReferencedGroups.Select(g => OvsParser.ParseGroup(g).GroupId).ToHashSet();
        var results = new Conformance.SingleFlow[lines.Count];
        Parallel.For(0, 2, half =>
        {
            var bridge = half == 0 ? _bridge : new OvsBridge();
            try
            {
                var add = bridge.AddGroups(ReferencedGroups);
                Assert.True(add.Ok, add.Stderr);
                for (int i = half; i < lines.Count; i += 2) results[i] = Conformance.AddAlone(bridge, lines[i], groups);
            }
            finally
            {
                if (half != 0) bridge.Dispose();
            }
        });
        var problems = results.Where(r => !r.Agree).ToList();
        Assert.True(problems.Count == 0, $"{problems.Count} of {lines.Count} disagree:\n" + string.Join("\n", problems.Take(40)));
    }

    [OvsFact]
    public void Hand_written_groups_agree_with_OVS()
    {
        var report = Conformance.CompareGroups(_bridge, Corpus("groups.txt"));
        Assert.True(report.Problems.Count == 0, report.ToString());
        Assert.True(report.Compared > 20, report.ToString());
    }
}
