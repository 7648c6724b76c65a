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

    internal static bool Run(Scenario sc, Action<string>? log)
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

        var listener = b.Listen(7);
        net.Sim.Spawn(async () =>
        {
            var s = await listener.AcceptAsync();
            var buf = new byte[4096];
            while (true) { int k = await s.ReceiveAsync(buf); if (k == 0) break; received.Write(buf, 0, k); }
            serverSawEof = true;
            s.Close();
        });
        net.Sim.Spawn(async () =>
        {
            var c = await a.ConnectAsync(b.Address, 7);
            foreach (var chunk in chunks) await c.SendAsync(chunk);
            c.Close();
            clientDone = true;
        });
        net.Sim.RunUntil(600 * SimTime.Second);
        log?.Invoke($"client={clientDone} eof={serverSawEof} got={received.Length}/{expected.Length} firstDiff={FirstDiff(received.ToArray(), expected)} lost={relay.Lost} dup={relay.Duplicated}");
        return clientDone && serverSawEof && received.ToArray().AsSpan().SequenceEqual(expected);
    }

    private static int FirstDiff(byte[] a, byte[] b)
    {
        for (int i = 0; i < Math.Min(a.Length, b.Length); i++) if (a[i] != b[i]) return i;
        return a.Length == b.Length ? -1 : Math.Min(a.Length, b.Length);
    }
}
