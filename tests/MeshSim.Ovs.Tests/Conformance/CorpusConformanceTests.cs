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

    [OvsFact]
    public void Hand_written_groups_agree_with_OVS()
    {
        var report = Conformance.CompareGroups(_bridge, Corpus("groups.txt"));
        Assert.True(report.Problems.Count == 0, report.ToString());
        Assert.True(report.Compared > 20, report.ToString());
    }
}
