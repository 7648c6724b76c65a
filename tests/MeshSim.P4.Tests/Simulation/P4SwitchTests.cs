using MeshSim.Engine;
using MeshSim.P4.Simulation;
using static MeshSim.P4.Tests.TestFrames;

namespace MeshSim.P4.Tests.Simulation;

public class P4SwitchTests
{
    /// <summary>A node that sends what it is told and keeps what it receives.</summary>
    private sealed class Probe : Node
    {
        public readonly List<(long Time, byte[] Frame)> Got = [];
        public Probe(Network n, string name) : base(n, name) => AddPort(1);
        public void Send(byte[] bytes) { var f = Network.Frames.Rent(bytes); f.Id = Network.NextFrameId(); Ports[0].Send(f); }
        protected override void Receive(Port port, Frame frame) { Got.Add((Sim.Now, frame.Data.ToArray())); frame.Release(); }
    }

    private sealed class DropLog : IFrameObserver
    {
        public readonly List<string> Drops = [];
        public void OnSent(long t, Port p, ReadOnlySpan<byte> f) { }
        public void OnReceived(long t, Port p, ReadOnlySpan<byte> f) { }
        public void OnDropped(long t, Port? p, ReadOnlySpan<byte> f, DropReason r, string? d) => Drops.Add($"{r}: {d}");
    }

    [Fact]
    public void Frames_cross_the_switch_through_the_program_and_drops_are_reported()
    {
        var net = new Network(seed: 7);
        var drops = new DropLog();
        net.AddObserver(drops);
        var s1 = new P4Switch(net, "s1", TestPrograms.Router(), ports: 2);
        var h1 = new Probe(net, "h1"); var h2 = new Probe(net, "h2");
        net.Connect(h1.Ports[0], s1.FindPort(1)!);
        net.Connect(h2.Ports[0], s1.FindPort(2)!);
        Assert.True(s1.Cli.Execute("table_add ipv4_lpm route 10.0.2.0/24 => 00:00:00:00:02:02 2").Ok);

        h1.Send(Ipv4(Ip("10.0.1.1"), Ip("10.0.2.2"), ttl: 10));
        h1.Send(Ipv4(Ip("10.0.1.1"), Ip("10.9.9.9")));        // no route: the default action drops it
        net.Sim.Run();

        var (_, got) = Assert.Single(h2.Got);
        Assert.Equal(9, got[22]);
        Assert.Equal([0, 0, 0, 0, 2, 2], got[0..6]);
        Assert.Equal(2, s1.Received);
        Assert.Equal(1, s1.Emitted);
        Assert.Contains("Pipeline: s1: dropped by the P4 pipeline", drops.Drops);
        Assert.Equal(0, net.Frames.Outstanding);              // every frame was released or delivered
    }
}
