using System.Globalization;
using MeshSim.Engine;
using MeshSim.Io.Live;
using MeshSim.Stack;

namespace MeshSim.Io.Tests.Live;

/// <summary>
/// The live bridge must count, never silently lose, the frames it cannot keep up with. Here the
/// simulation thread is held still while a namespace blasts frames at the bridge, so the bounded
/// inbox overflows; afterwards every frame the interface received must sit in exactly one counter,
/// checked against the kernel's own rx_packets of the interface.
/// </summary>
[Collection("netns")]
public class LiveBridgeAccountingTests
{
    private static long RxPackets(string device) =>
        long.Parse(File.ReadAllText($"/sys/class/net/{device}/statistics/rx_packets").Trim(), CultureInfo.InvariantCulture);

    /// <summary>Frames the veth could not pass on (the namespace end's tx_dropped), read from `ip -s link` inside the namespace.</summary>
    private static long TxDropped(NetnsFixture ns)
    {
        var (_, output) = ns.Exec($"cat /sys/class/net/{ns.NsEnd}/statistics/tx_dropped");
        return long.Parse(output.Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>A quiet namespace (no IPv6 router solicitations arriving at random moments) whose veth
    /// is bridged to one simulated host at <paramref name="hostAddress"/>.</summary>
    private static (RealTimeLoop Loop, LiveBridge Bridge) BridgeToSimulatedHost(NetnsFixture ns, string hostAddress, ulong seed, int inboxLimit)
    {
        Assert.Equal(0, ns.Exec("sysctl -qw net.ipv6.conf.all.disable_ipv6=1").Code);
        Thread.Sleep(200);
        var net = new Network(seed);
        var loop = new RealTimeLoop(net.Sim);
        var bridge = new LiveBridge(net, "br", ns.RootEnd, loop, inboxLimit);
        var host = new Host(net, $"sim{seed}");
        net.Connect(host.AddInterface("02:00:00:00:79:02", hostAddress).Port, bridge.Port, new LinkOptions(LatencyNs: 0, BitsPerSecond: 0));
        return (loop, bridge);
    }

    [SkippableFact]
    public async Task Frames_the_simulation_cannot_take_are_counted_frame_for_frame()
    {
        NetnsFixture.RequireOrSkip();
        using var ns = new NetnsFixture("lb3", "10.79.0.1/24", mac: "02:00:00:00:79:01");
        var (loop, bridge) = BridgeToSimulatedHost(ns, "10.79.0.2/24", seed: 3, inboxLimit: 100);
        long rxBefore = RxPackets(ns.RootEnd);

        // 3000 frames as fast as Python can send them while nothing runs the simulation.
        const int blast = 3000;
        var (code, output) = ns.Exec("python3 -c \"import socket; s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW); s.bind(('" + ns.NsEnd + "', 0)); " +
                                     "f = bytes.fromhex('02000000790202000000790188b5') + bytes(46); [s.send(f) for _ in range(" + blast + ")]\"");
        Assert.True(code == 0, output);
        Thread.Sleep(300);

        // Now let the simulation drain what the inbox held, then stop.
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        await Task.Run(() => loop.Run(long.MaxValue, cts.Token));
        bridge.Dispose();
        long rx = RxPackets(ns.RootEnd) - rxBefore;
        var c = bridge.Counters();

        Assert.True(rx > 0 && rx <= blast, $"the interface received {rx} of {blast}");
        Assert.Equal(c.Seen, c.Captured + c.InboxDrops + c.OversizeDrops + c.Undelivered);
        Assert.Equal(c.Received, c.Seen + c.CaptureLoss);
        Assert.True(rx == c.Received, $"interface rx_packets {rx}, bridge: {c}");
        Assert.True(rx + TxDropped(ns) == blast, $"sent {blast}, the interface received {rx}, the veth dropped {TxDropped(ns)}");
        Assert.True(c.Captured <= 100, $"the inbox holds 100, yet {c.Captured} got through: {c}");
        Assert.True(c.InboxDrops > 0 && c.Lost == rx - c.Captured, c.ToString());
    }

    [SkippableFact]
    public async Task The_first_frame_enters_too_and_injected_frames_never_come_back()
    {
        // With the BPF filter "inbound", libpcap on Linux swallowed the first frame after the
        // filter was set: a lone first ARP request vanished and the kernel retried a second later.
        NetnsFixture.RequireOrSkip();
        using var ns = new NetnsFixture("lb4", "10.79.4.1/24", mac: "02:00:00:00:79:01");
        var (loop, bridge) = BridgeToSimulatedHost(ns, "10.79.4.2/24", seed: 4, inboxLimit: 4096);
        long rxBefore = RxPackets(ns.RootEnd);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var run = Task.Run(() => loop.Run(long.MaxValue, cts.Token));
        try
        {
            var (code, output) = ns.Exec("python3 -c \"import socket; s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW); s.bind(('" + ns.NsEnd + "', 0)); " +
                                         "s.send(bytes.fromhex('02000000790202000000790188b5') + bytes(46))\"");
            Assert.True(code == 0, output);
            for (int i = 0; i < 40 && Interlocked.Read(ref bridge.Captured) == 0; i++) Thread.Sleep(50);
            Assert.True(Interlocked.Read(ref bridge.Captured) == 1, $"the one frame sent did not arrive: {bridge.Counters()}");

            var (pingCode, ping) = ns.Exec("ping -c 3 -i 0.2 -W 3 10.79.4.2");
            Assert.True(pingCode == 0, ping);
        }
        finally
        {
            cts.Cancel();
            await run.WaitAsync(TimeSpan.FromSeconds(5));
        }
        bridge.Dispose();
        var c = bridge.Counters();
        Assert.Equal(RxPackets(ns.RootEnd) - rxBefore, c.Received);
        Assert.True(c.Lost == 0 && c.Captured == c.Received, c.ToString());   // nothing lost, and none of its own injections read back
        Assert.True(c.Injected >= 4, c.ToString());                            // the ARP reply and three echo replies
    }
}
