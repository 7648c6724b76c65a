using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace MeshSim.Engine.Tests;

/// <summary>Conservation and timing laws of a link under random traffic and random options.</summary>
public class LinkProperties
{
    public record struct Send(long AtNs, int Length, bool FromA);

    public record Scenario(long LatencyNs, long Rate, int Queue, double Loss, Send[] Sends, ulong Seed);

    public static class Scenarios
    {
        public static Arbitrary<Scenario> All() => Arb.From(
            from latency in Gen.Choose(0, 50_000)
            from rate in Gen.Elements(0L, 10_000_000L, 100_000_000L, 1_000_000_000L, 10_000_000_000L)
            from queue in Gen.Choose(0, 20)
            from loss in Gen.Elements(0.0, 0.0, 0.1, 0.5)
            from sends in (from at in Gen.Choose(0, 2_000_000)
                           from len in Gen.Choose(14, 1514)
                           from fromA in Gen.Elements(true, false)
                           select new Send(at, len, fromA)).ArrayOf()
            from seed in Gen.Choose(1, 1000)
            select new Scenario(latency, rate, queue, loss, sends, (ulong)seed));
    }

    [Property(MaxTest = 200, Arbitrary = new[] { typeof(Scenarios) })]
    public bool Every_frame_is_delivered_or_counted_once_in_order_and_never_early(Scenario s)
    {
        var net = new Network(s.Seed);
        var a = new RecordingNode(net, "a");
        var b = new RecordingNode(net, "b");
        var link = net.Connect(a.Port1, b.Port1, new LinkOptions(s.LatencyNs, s.Rate, s.Queue, s.Loss));
        var sentAt = new Dictionary<long, long>();
        for (int i = 0; i < s.Sends.Length; i++)
        {
            var send = s.Sends[i];
            long tag = i;
            net.Sim.Schedule(send.AtNs, () => { sentAt[tag] = net.Sim.Now; (send.FromA ? a : b).Send(send.Length, tag); });
        }
        net.Sim.Run();

        long delivered = a.Received.Count + b.Received.Count;
        bool conserved = delivered + link.QueueDrops + link.LossDrops + link.DownDrops == s.Sends.Length;
        bool noLossWithoutLossRate = s.Loss > 0 || link.LossDrops == 0;
        bool noQueueDropsWhenUnlimitedRate = s.Rate > 0 || link.QueueDrops == 0;

        // Per direction, delivery order is sending order (FIFO), and nothing arrives before
        // latency + its own serialisation time after it was sent.
        bool ordered = true, notEarly = true;
        foreach (var node in new[] { a, b })
        {
            var tags = node.ReceivedTags;
            for (int i = 1; i < tags.Length; i++)
                if (sentAt[tags[i]] < sentAt[tags[i - 1]] || (sentAt[tags[i]] == sentAt[tags[i - 1]] && tags[i] < tags[i - 1])) ordered = false;
            foreach (var (time, _, bytes) in node.Received)
            {
                long tag = BitConverter.ToInt64(bytes, 0);
                if (time < sentAt[tag] + s.LatencyNs + Link.SerialisationNs(bytes.Length, s.Rate)) notEarly = false;
            }
        }
        return conserved && noLossWithoutLossRate && noQueueDropsWhenUnlimitedRate && ordered && notEarly
            && net.Frames.Outstanding == 0;
    }
}
