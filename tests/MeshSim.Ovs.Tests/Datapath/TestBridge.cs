using MeshSim.Engine;
using MeshSim.Ovs.Datapath;

namespace MeshSim.Ovs.Tests.Datapath;

/// <summary>A bridge whose ports record what they transmit; time is a settable field.</summary>
internal sealed class TestBridge
{
    public long Now;
    public readonly OpenFlowBridge Bridge;
    public readonly Dictionary<uint, List<byte[]>> Sent = new();
    public readonly Dictionary<uint, bool> Live = new();

    public TestBridge(params uint[] ports)
    {
        Bridge = new OpenFlowBridge("br0", SimRandom.ForStream(1, "test-bridge"), () => Now);
        foreach (var p in ports)
        {
            Sent[p] = new List<byte[]>();
            Live[p] = true;
            uint n = p;
            Bridge.AddPort(new BridgePort(p, $"p{p}", BridgePortKind.System, f => Sent[n].Add(f.ToArray()), () => Live[n]));
        }
    }

    public TestBridge Flows(string text)
    {
        var r = OvsRuleFile.ParseFlows(text);
        Assert.True(r.Ok, string.Join("\n", r.Errors));
        Bridge.AddFlows(r.Entries.Select(e => e.Entry));
        return this;
    }

    public TestBridge Groups(string text)
    {
        var r = OvsRuleFile.ParseGroups(text);
        Assert.True(r.Ok, string.Join("\n", r.Errors));
        foreach (var g in r.Entries) Bridge.AddGroup(g.Entry);
        return this;
    }

    public void Clear()
    {
        foreach (var l in Sent.Values) l.Clear();
    }

    /// <summary>Ports that transmitted something, in order.</summary>
    public uint[] Out => Sent.Where(kv => kv.Value.Count > 0).Select(kv => kv.Key).OrderBy(p => p).ToArray();
}
