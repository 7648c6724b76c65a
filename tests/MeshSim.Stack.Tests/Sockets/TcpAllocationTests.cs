using MeshSim.Engine;
using MeshSim.Stack.Async;
using MeshSim.Stack.Sockets;

namespace MeshSim.Stack.Tests.Sockets;

/// <summary>The established-connection fast path (data, ACKs with timestamps, and SACK recovery
/// under loss) allocates nothing per segment once the connection has warmed up.</summary>
public class TcpAllocationTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.002)]     // 0.2% loss: SACK blocks, scoreboard, retransmissions
    public void Bulk_transfer_allocates_zero_bytes_per_segment_in_steady_state(double loss)
    {
        var net = new StarNet(2, new LinkOptions(LatencyNs: 100_000, BitsPerSecond: 1_000_000_000, QueueFrames: 1000, LossRate: loss));
        var chunk = new byte[64 * 1024];
        var drain = new byte[64 * 1024];
        TcpSocket? sender = null;
        var listener = net[2].Listen(5000);
        net.Sim.Spawn(async () =>
        {
            var s = await listener.AcceptAsync();
            s.DataAvailable = x => { while (x.TryReceive(drain) > 0) { } };
        });
        net.Sim.Spawn(async () =>
        {
            var c = await net[1].ConnectAsync(net[2].Address, 5000);
            sender = c;
            c.SendSpaceAvailable = x => { while (x.TrySend(chunk) > 0) { } };
            while (c.TrySend(chunk) > 0) { }
        });
        net.Sim.RunUntil(300 * SimTime.Millisecond);                 // warm up: pools, heaps, JIT
        Assert.True(sender!.SackEnabled && sender.TimestampsEnabled);
        long segments = sender.Stats.SegmentsSent;
        long before = GC.GetAllocatedBytesForCurrentThread();
        net.Sim.RunUntil(600 * SimTime.Millisecond);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        segments = sender.Stats.SegmentsSent - segments;
        Assert.True(segments > 2_000, $"only {segments} segments; timeouts={sender.Stats.Timeouts} fastrtx={sender.Stats.FastRetransmits} rtx={sender.Stats.Retransmissions} sacked={sender.Stats.SackedBytes} cwnd={sender.CongestionWindow} rto={sender.RetransmissionTimeoutNs}");
        if (loss > 0) Assert.True(sender.Stats.FastRetransmits > 0, "no loss recovery happened");
        Assert.True(allocated == 0, $"{allocated} B over {segments} segments ({(double)allocated / segments:0.00} B per segment)");
    }
}
