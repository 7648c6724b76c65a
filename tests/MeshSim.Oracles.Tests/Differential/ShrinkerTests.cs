using MeshSim.Oracles.Differential;

namespace MeshSim.Oracles.Tests.Differential;

public class ShrinkerTests
{
    [Fact]
    public void Shrinks_to_the_one_flow_and_packet_that_matter()
    {
        // A stand-in for "the two sides disagree": the case still holds a given flow and a given packet.
        var c = Enumerable.Range(0, 40).Select(i => CaseGen.Sample(11, i)).First(x => x.Flows.Count >= 8 && x.Packets.Count >= 6 && x.Groups.Count >= 2);
        string flow = c.Flows[c.Flows.Count / 2];
        var packet = c.Packets[c.Packets.Count - 2];
        bool Diverges(DiffCase x) => x.Flows.Contains(flow) && x.Packets.Contains(packet);

        var minimal = Shrinker.Shrink(c, Diverges, budget: 1000, out int runs);

        Assert.Equal([flow], minimal.Flows);
        Assert.Equal([packet], minimal.Packets);
        Assert.Empty(minimal.Groups);
        Assert.True(runs < 1000, $"{runs} runs");
    }

    [Fact]
    public void Keeps_the_bucket_that_matters_and_drops_the_selection_method()
    {
        var g = new GroupSpec(1, "select", "selection_method=dp_hash", ["bucket_id:0,actions=output:1", "bucket_id:1,actions=output:2", "bucket_id:2,actions=output:3"]);
        var c = new DiffCase([g], ["cookie=0x1,actions=group:1"], [new PacketSpec(1, [1, 2, 3], "udp")]);
        var minimal = Shrinker.Shrink(c, x => x.Groups.Count == 1 && x.Groups[0].Buckets.Contains("bucket_id:1,actions=output:2") && x.Flows.Count == 1, 1000, out _);
        Assert.Equal(["bucket_id:1,actions=output:2"], minimal.Groups[0].Buckets);
        Assert.Null(minimal.Groups[0].Selection);
        Assert.Empty(minimal.Packets);
    }

    [Fact]
    public void Stops_at_the_budget()
    {
        var c = CaseGen.Sample(2, 0);
        int calls = 0;
        Shrinker.Shrink(c, _ => { calls++; return true; }, budget: 5, out int runs);
        Assert.Equal(5, calls);
        Assert.Equal(5, runs);
    }
}
