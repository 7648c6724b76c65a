namespace MeshSim.Ovs.Tests.Conformance;

/// <summary>Malformed rules: MeshSim must reject every one, with a positioned message, and so must OVS.</summary>
public sealed class MalformedConformanceTests : IDisposable
{
    private readonly OvsBridge _bridge = new();

    public void Dispose() => _bridge.Dispose();

    [OvsFact]
    public void Malformed_flows_are_rejected_by_both()
    {
        var lines = CorpusConformanceTests.Corpus("malformed-flows.txt");
        Assert.True(_bridge.AddFlow("ip,actions=drop").Ok, "the bridge must accept a valid flow, or rejections prove nothing");
        var meshsimAccepts = lines.Where(l => OvsParser.TryParseFlow(l, out _, out _)).ToList();
        var ovsAccepts = new List<string>();
        foreach (var line in lines)
        {
            _bridge.Clear();
            if (_bridge.AddFlow(line).Ok) ovsAccepts.Add(line);
        }
        Assert.True(meshsimAccepts.Count == 0, "MeshSim accepts:\n" + string.Join("\n", meshsimAccepts));
        Assert.True(ovsAccepts.Count == 0, "corpus error, OVS accepts:\n" + string.Join("\n", ovsAccepts));
    }

    [OvsFact]
    public void Malformed_groups_are_rejected_by_both()
    {
        var lines = CorpusConformanceTests.Corpus("malformed-groups.txt");
        Assert.True(_bridge.AddGroup("group_id=1,type=all,bucket=output:1").Ok, "the bridge must accept a valid group, or rejections prove nothing");
        var meshsimAccepts = lines.Where(l => OvsParser.TryParseGroup(l, out _, out _)).ToList();
        var ovsAccepts = new List<string>();
        foreach (var line in lines)
        {
            _bridge.Clear();
            if (_bridge.AddGroup(line).Ok) ovsAccepts.Add(line);
        }
        Assert.True(meshsimAccepts.Count == 0, "MeshSim accepts:\n" + string.Join("\n", meshsimAccepts));
        Assert.True(ovsAccepts.Count == 0, "corpus error, OVS accepts:\n" + string.Join("\n", ovsAccepts));
    }
}
