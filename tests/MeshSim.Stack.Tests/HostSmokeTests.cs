using MeshSim.Engine;
using MeshSim.Stack.Async;
using MeshSim.Stack.Sockets;

namespace MeshSim.Stack.Tests;

public class HostSmokeTests
{
    [Fact]
    public void Ping_over_a_bridge_resolves_arp_and_measures_rtt()
    {
        var n = new StarNet(2, new LinkOptions(LatencyNs: 100_000));
        long? rtt = null;
        n.Sim.Spawn(async () => { rtt = await n[1].PingAsync(n[2].Address); });
        n.Sim.RunUntil(SimTime.Second);
        Assert.NotNull(rtt);
        // Two links each way plus the ARP exchange first: at least 4 x 100 us.
        Assert.InRange(rtt!.Value, 400_000, 2_000_000);
        Assert.Equal(0, n.Net.Frames.Outstanding);
    }

    [Fact]
    public void Tcp_transfers_a_megabyte_in_order()
    {
        var n = new StarNet(2, new LinkOptions(LatencyNs: 50_000));
        var data = new byte[1_000_000];
        new Random(5).NextBytes(data);
        var received = new MemoryStream();
        var listener = n[2].Listen(80);
        n.Sim.Spawn(async () =>
        {
            var s = await listener.AcceptAsync();
            var buf = new byte[10_000];
            while (true)
            {
                int k = await s.ReceiveAsync(buf);
                if (k == 0) break;
                received.Write(buf, 0, k);
            }
            s.Close();
        });
        n.Sim.Spawn(async () =>
        {
            var c = await n[1].ConnectAsync(n[2].Address, 80);
            await c.SendAsync(data);
            c.Close();
        });
        n.Sim.RunUntil(5 * SimTime.Second);
        Assert.Equal(data.Length, received.Length);
        Assert.True(data.AsSpan().SequenceEqual(received.ToArray()));
    }
}
