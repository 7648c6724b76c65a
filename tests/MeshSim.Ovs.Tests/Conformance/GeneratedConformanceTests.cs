using MeshSim.Ovs.Tests.Syntax.Generators;

namespace MeshSim.Ovs.Tests.Conformance;

/// <summary>
/// Thousands of FsCheck-generated flows and hundreds of groups, loaded in one batch each into
/// MeshSim and a real bridge. Seeds are fixed so a failure reproduces; change them to explore.
/// </summary>
public sealed class GeneratedConformanceTests : IDisposable
{
    /// <summary>Flows per batch.</summary>
    public const int FlowCount = 3000;
    /// <summary>Groups per batch.</summary>
    public const int GroupCount = 400;

    private readonly OvsBridge _bridge = new();

    /// <summary>Base seed; MESHSIM_CONFORMANCE_SEED overrides it to explore new cases.</summary>
    private static ulong Seed => ulong.TryParse(Environment.GetEnvironmentVariable("MESHSIM_CONFORMANCE_SEED"), out var s) ? s : 20260101;

    public void Dispose() => _bridge.Dispose();

    [OvsFact]
    public void Generated_flows_agree_with_OVS()
    {
        var lines = OvsTextGen.Sample(OvsTextGen.Flow, FlowCount, seed: Seed);
        var report = Conformance.CompareFlows(_bridge, lines, maxRejectChecks: 80, groups: CorpusConformanceTests.ReferencedGroups);
        Assert.True(report.Problems.Count == 0, report.ToString());
        Assert.True(report.Compared > FlowCount / 2, report.ToString());
    }

    [OvsFact]
    public void Generated_groups_agree_with_OVS()
    {
        var lines = new List<string> { "group_id=5,type=all,bucket=output:1" };
        for (uint i = 0; i < GroupCount; i++)
            lines.Add(OvsTextGen.Sample(OvsTextGen.Group(1000 + i), 1, seed: Seed * 31 + i)[0]);
        var report = Conformance.CompareGroups(_bridge, lines, maxRejectChecks: 50);
        Assert.True(report.Problems.Count == 0, report.ToString());
        Assert.True(report.Compared > GroupCount / 2, report.ToString());
    }
}
