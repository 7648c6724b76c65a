using MeshSim.Engine.Capture;

namespace MeshSim.Engine.Tests;

/// <summary>Steady state must not allocate: measured on this thread after a warm-up.</summary>
public class AllocationTests
{
    private sealed class Hold(SimRandom rng) : IEventHandler
    {
        public long StopAfter = long.MaxValue;
        public void OnEvent(Simulator sim, long arg, object? state)
        {
            sim.Schedule((long)rng.NextUInt64(1_000_000), this, arg, state);
            if (sim.EventsExecuted == StopAfter) sim.Stop();
        }
    }

    [Theory]
    [InlineData(1_000)]
    [InlineData(100_000)]
    public void Hold_model_allocates_nothing_per_event(int population)
    {
        var sim = new Simulator(7);
        var hold = new Hold(sim.Random("hold"));
        for (int i = 0; i < population; i++) sim.Schedule((long)sim.Random("init").NextUInt64(1_000_000), hold);
        hold.StopAfter = 200_000;
        sim.Run();                   // warm-up: JIT, tiering, array growth
        long before = GC.GetAllocatedBytesForCurrentThread();
        long executed = sim.EventsExecuted;
        hold.StopAfter = executed + 500_000;
        sim.Run();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(500_000, sim.EventsExecuted - executed);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Schedule_and_cancel_allocate_nothing()
    {
        var sim = new Simulator();
        var noop = new NoOp();
        void Churn(int n)
        {
            for (int i = 0; i < n; i++)
            {
                var id = sim.Schedule(3, noop);
                if ((i & 1) == 0) sim.Cancel(id);
                if ((i & 15) == 15) sim.RunUntil(sim.Now + 5);
            }
        }
        Churn(10_000);   // warm-up
        long before = GC.GetAllocatedBytesForCurrentThread();
        Churn(100_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }

    private sealed class NoOp : IEventHandler
    {
        public void OnEvent(Simulator sim, long arg, object? state) { }
    }

    /// <summary>Two nodes bounce one frame forever over a lossy, captured link.</summary>
    private sealed class Bouncer : Node
    {
        public Bouncer(Network n, string name) : base(n, name) => AddPort(1);
        public long Count;
        protected internal override void Receive(Port port, Frame frame) { Count++; port.Send(frame); }
    }

    [Fact]
    public void Ping_pong_over_a_link_with_taps_and_loss_allocates_nothing_per_frame()
    {
        var net = new Network(3);
        var a = new Bouncer(net, "a");
        var b = new Bouncer(net, "b");
        var link = net.Connect(a.Ports[0], b.Ports[0], new LinkOptions(LatencyNs: 1_000, LossRate: 0.0001));
        using var pcapA = new PortPcapTap(a.Ports[0], new PcapWriter(Stream.Null));
        using var ng = new PcapNgWriter(Stream.Null);
        link.AddTap(pcapA);
        link.AddTap(new PcapNgLinkTap(ng, link, PcapNgLayout.PerLinkEnd));
        // Several frames in flight so that loss does not end the game. Lost frames pile up in the
        // pool's free list; give it its final size first so list growth is not mistaken for per-frame cost.
        var frames = Enumerable.Range(0, 64).Select(_ => net.Frames.Rent(new byte[100])).ToList();
        foreach (var f in frames) f.Release();
        for (int i = 0; i < 64; i++) a.Ports[0].Send(net.Frames.Rent(new byte[100]));
        net.Sim.RunUntil(50_000_000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        long received = a.Count + b.Count;
        net.Sim.RunUntil(net.Sim.Now + 200_000_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(a.Count + b.Count - received > 100_000, "too few frames to measure");
        Assert.True(link.LossDrops > 0, "loss path not exercised");
        Assert.Equal(0, allocated);
    }
}
