using MeshSim.Engine;
using MeshSim.Ovs.Conntrack;
using MeshSim.Stack;
using MeshSim.Stack.Async;
using MeshSim.Stack.Sockets;
using MeshSim.Wire;

namespace MeshSim.Ovs.Tests.Conntrack;

/// <summary>
/// MeshSim's host TCP as it now behaves by default (SACK-permitted and timestamps on the SYN, SACK
/// blocks and retransmitted holes during recovery) through the conntrack model's window tracking:
/// OVS 3.1's tcp_conn_update reads only the window scale among the options (tcp_get_wscale walks
/// past SACK-permitted, timestamps and SACK blocks by their lengths) and checks sequence windows,
/// which SACK recovery must stay inside: every frame of a lossy bulk transfer is tracked and
/// committed, and none is +inv.
/// </summary>
public class SackThroughConntrackTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]     // SACK and timestamps off: NewReno, the options MeshSim sent before
    public void A_sack_recovery_passes_window_tracking_without_inv(bool sackAndTimestamps)
    {
        var net = new Network(seed: 5);
        var tcp = new TcpConfig { Sack = sackAndTimestamps, Timestamps = sackAndTimestamps };
        var a = NewHost(net, "a", 1, tcp);
        var b = NewHost(net, "b", 2, tcp);
        a.Interfaces[0].Arp.AddStatic(b.Address, b.Interfaces[0].Mac);
        b.Interfaces[0].Arp.AddStatic(a.Address, a.Interfaces[0].Mac);
        var fw = new ConntrackRelay(net);
        var link = new LinkOptions(LatencyNs: 200_000, BitsPerSecond: 1_000_000_000);
        net.Connect(a.Ports[0], fw.Ports[0], link);
        net.Connect(fw.Ports[1], b.Ports[0], link);

        const int total = 3 << 20;
        long received = 0;
        TcpSocket? sender = null;
        var listener = b.Listen(80);
        var drain = new byte[64 << 10];
        net.Sim.Spawn(async () =>
        {
            var s = await listener.AcceptAsync();
            while (await s.ReceiveAsync(drain) is int n and > 0) received += n;
        });
        net.Sim.Spawn(async () =>
        {
            sender = await a.ConnectAsync(b.Address, 80);
            await sender.SendAsync(new byte[total]);
            sender.Close();
        });
        net.Sim.RunUntil(30 * SimTime.Second);

        Assert.Equal(total, received);
        Assert.True(fw.Dropped > 5, $"the relay dropped only {fw.Dropped} frames");
        Assert.Equal(sackAndTimestamps, sender!.SackEnabled);
        Assert.True(sender.Stats.FastRetransmits > 0, "no fast recovery happened");
        if (sackAndTimestamps) Assert.True(sender.Stats.SackedBytes > 0, "nothing was SACKed");
        Assert.True(fw.Tracked > 2000, $"only {fw.Tracked} frames tracked");
        Assert.True(fw.Invalid.Count == 0, $"{fw.Invalid.Count} frames were +inv, first: {string.Join("; ", fw.Invalid.Take(3))}");
    }

    private static Host NewHost(Network net, string name, int i, TcpConfig tcp)
    {
        var h = new Host(net, name, new HostOptions { Tcp = tcp });
        h.AddInterface(new MacAddress(0x0200_0000_0000UL + (ulong)i), new Ipv4Address(0x0A00_0000u + (uint)i), 24);
        return h;
    }

    /// <summary>A two-port bump in the wire: every IPv4 frame goes through ct(zone=1) and, unless
    /// +inv, ct(commit,zone=1), as the flows <c>ct(table=1)</c> / <c>ct_state=+trk-inv,
    /// actions=ct(commit)</c> would do; one data segment in 60 from port 1 and a burst of three
    /// around the 500th are dropped after tracking (as on a lossy link behind the switch), so that
    /// the receiver holds out-of-order data and the sender recovers.</summary>
    private sealed class ConntrackRelay : Node
    {
        private readonly ConnTracker _ct = new(SimRandom.ForStream(1, "ct-sack"));
        private long _dataFrames;

        public ConntrackRelay(Network net) : base(net, "fw") { AddPort(1); AddPort(2); }

        public long Tracked, Dropped;
        public List<string> Invalid { get; } = new();

        protected override void Receive(Port port, Frame frame)
        {
            var other = ReferenceEquals(port, Ports[0]) ? Ports[1] : Ports[0];
            var flow = default(FlowKey);
            var counters = default(ExtractCounters);
            FlowExtractor.Extract(frame.Data, port.Number, ref flow, ref counters);
            var md = default(CtMetadata);
            _ct.Execute(frame.Data, in flow, ref md, new CtRequest(false, false, 1, null), Sim.Now);
            Tracked++;
            if ((md.State & CtState.Invalid) != 0)
            {
                Invalid.Add(FrameText.Describe(frame.Data));
                frame.Release();
                return;
            }
            var commit = md;
            _ct.Execute(frame.Data, in flow, ref commit, new CtRequest(true, false, 1, null), Sim.Now);
            if (port.Number == 1 && frame.Length > 100)
            {
                long n = ++_dataFrames;
                if (n % 60 == 0 || n is 500 or 502 or 504) { Dropped++; frame.Release(); return; }
            }
            other.Send(frame);
        }
    }
}
