using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MeshSim.Engine;
using MeshSim.Stack.Async;
using MeshSim.Wire;

namespace MeshSim.Stack.Tests.Sockets;

public class TcpDeliveryProperties
{
    public record Scenario(ulong Seed, int LossPercent, int DupPercent, int[] Writes)
    {
        public override string ToString() => $"seed={Seed} loss={LossPercent}% dup={DupPercent}% writes=[{string.Join(",", Writes)}]";
    }

    public static Arbitrary<Scenario> Scenarios() =>
        (from seed in Gen.Choose(1, int.MaxValue)
         from loss in Gen.Choose(0, 15)
         from dup in Gen.Choose(0, 10)
         from writes in Gen.Choose(1, 20000).ArrayOf().Select(a => a.Take(12).ToArray())
         select new Scenario((ulong)seed, loss, dup, writes)).ToArbitrary();

    /// <summary>Any sequence of writes over a link that loses, duplicates and reorders frames
    /// arrives exactly once and in order, and both sides close cleanly.</summary>
    [Property(MaxTest = 40, Arbitrary = new[] { typeof(TcpDeliveryProperties) })]
    public bool Writes_arrive_exactly_once_in_order(Scenario sc) => Run(sc, null);

    internal static bool Run(Scenario sc, Action<string>? log, long budgetSeconds = 600)
    {
        var net = new Network(sc.Seed);
        var a = new Host(net, "a");
        var b = new Host(net, "b");
        a.AddInterface(MacAddress.Parse("02:00:00:00:00:01"), Ipv4Address.Parse("10.0.0.1"), 24);
        b.AddInterface(MacAddress.Parse("02:00:00:00:00:02"), Ipv4Address.Parse("10.0.0.2"), 24);
        var relay = new ChaosRelay(net, "chaos", sc.LossPercent / 100.0, sc.DupPercent / 100.0, maxExtraDelayNs: 300_000);
        net.Connect(a.Ports[0], relay.Ports[0], new LinkOptions(LatencyNs: 20_000));
        net.Connect(relay.Ports[0 + 1], b.Ports[0], new LinkOptions(LatencyNs: 20_000));

        var rng = new Random((int)(sc.Seed % int.MaxValue));
        var chunks = sc.Writes.Select(n => { var c = new byte[n]; rng.NextBytes(c); return c; }).ToArray();
        var expected = chunks.SelectMany(c => c).ToArray();
        var received = new MemoryStream();
        bool clientDone = false, serverSawEof = false;
        MeshSim.Stack.Sockets.TcpSocket? cs = null, ss = null;

        var trace = new List<string>();
        if (log is not null) net.AddObserver(new TraceObserver(trace));
        var listener = b.Listen(7);
        net.Sim.Spawn(async () =>
        {
            var s = await listener.AcceptAsync();
            ss = s;
            var buf = new byte[4096];
            while (true) { int k = await s.ReceiveAsync(buf); if (k == 0) break; received.Write(buf, 0, k); }
            serverSawEof = true;
            s.Close();
        });
        net.Sim.Spawn(async () =>
        {
            var c = await a.ConnectAsync(b.Address, 7);
            cs = c;
            foreach (var chunk in chunks) await c.SendAsync(chunk);
            c.Close();
            clientDone = true;
        });
        net.Sim.RunUntil(budgetSeconds * SimTime.Second);
        log?.Invoke($"client={clientDone} eof={serverSawEof} got={received.Length}/{expected.Length} firstDiff={FirstDiff(received.ToArray(), expected)} lost={relay.Lost} dup={relay.Duplicated} client[{Show(cs)}] server[{Show(ss)}] a[arpfail={a.Counters.ArpFailed} bad={a.Counters.BadChecksum} mal={a.Counters.Malformed} notus={a.Counters.NotForUs}] b[arpfail={b.Counters.ArpFailed} bad={b.Counters.BadChecksum} mal={b.Counters.Malformed} notus={b.Counters.NotForUs}] now={net.Sim.Now / 1e9}s\n{a.Describe()}{b.Describe()}\n{string.Join("\n", trace.TakeLast(40))}");
        return clientDone && serverSawEof && received.ToArray().AsSpan().SequenceEqual(expected);
    }

    private sealed class TraceObserver(List<string> trace) : IFrameObserver
    {
        public void OnSent(long t, Port port, ReadOnlySpan<byte> frame) => trace.Add($"{t / 1e9:0.000000} {port.Name} {MeshSim.Wire.FrameText.Describe(frame)}");
        public void OnReceived(long t, Port port, ReadOnlySpan<byte> frame) { }
        public void OnDropped(long t, Port? port, ReadOnlySpan<byte> frame, DropReason reason, string? detail) => trace.Add($"{t / 1e9:0.000000} DROP {port?.Name} {reason} {detail}");
    }

    private static string Show(MeshSim.Stack.Sockets.TcpSocket? s) => s is null ? "none" :
        $"{s.State} unacked={s.BytesUnacknowledged} avail={s.BytesAvailable} rto={s.RetransmissionTimeoutNs / 1e6}ms timeouts={s.Stats.Timeouts} retx={s.Stats.Retransmissions} fast={s.Stats.FastRetransmits} oow={s.Stats.OutOfWindow} reasm={s.Stats.ReassemblyOverflow} cwnd={s.CongestionWindow} wnd={s.SendWindow}";

    private static int FirstDiff(byte[] a, byte[] b)
    {
        for (int i = 0; i < Math.Min(a.Length, b.Length); i++) if (a[i] != b[i]) return i;
        return a.Length == b.Length ? -1 : Math.Min(a.Length, b.Length);
    }
}
