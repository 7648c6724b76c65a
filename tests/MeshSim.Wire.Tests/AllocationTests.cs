namespace MeshSim.Wire.Tests;

/// <summary>Hot paths allocate nothing per packet: measured with the runtime's per-thread allocation counter.</summary>
public class AllocationTests
{
    private static long AllocatedBy(Action action)
    {
        action();                                               // warm up: JIT, static initialisers
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void Flow_extraction_allocates_nothing()
    {
        var frames = Captures.All().Select(c => c.Frame).ToArray();
        var key = default(FlowKey);
        var counters = default(ExtractCounters);
        long bytes = AllocatedBy(() =>
        {
            for (int i = 0; i < 1000; i++)
                foreach (var f in frames) FlowExtractor.Extract(f, 1, ref key, ref counters);
        });
        Assert.Equal(0, bytes);
    }

    [Fact]
    public void Parsing_views_and_reprs_and_building_frames_allocate_nothing()
    {
        var frame = Captures.TcpHttpGet;
        var buf = new byte[1600];
        var payload = new byte[100];
        var lo = Ipv4Address.Parse("127.0.0.1");
        long bytes = AllocatedBy(() =>
        {
            for (int i = 0; i < 1000; i++)
            {
                EthernetView.TryCreate(frame, out var eth, out _);
                Ipv4View.TryCreate(eth.Payload, out var ip, out _);
                Ipv4Repr.TryParse(ip, ChecksumMode.Verify, out var ipRepr, out _);
                TcpView.TryCreate(ip.Payload, out var tcp, out _);
                TcpRepr.TryParse(tcp, ip.Source, ip.Destination, ChecksumMode.Fill, out var tcpRepr, out _);
                FrameBuilder.Tcp(buf, new EthernetRepr(default, default, 0), ipRepr, tcpRepr, payload);
                FrameBuilder.Udp(buf, new EthernetRepr(default, default, 0), new Ipv4Repr(lo, lo), new UdpRepr(1, 2, 0), payload);
                // Error paths too: a truncated header yields a WireError without allocating.
                Ipv4View.TryCreate(frame.AsSpan(14, 10), out _, out _);
                TcpView.TryCreate(frame.AsSpan(34, 21), out _, out _);
            }
        });
        Assert.Equal(0, bytes);
    }
}
