namespace MeshSim.Engine.Tests;

public class LinkTests
{
    private static (Network Net, RecordingNode A, RecordingNode B, Link Link) Pair(LinkOptions options, ulong seed = 1)
    {
        var net = new Network(seed);
        var a = new RecordingNode(net, "a");
        var b = new RecordingNode(net, "b");
        var link = net.Connect(a.Port1, b.Port1, options);
        return (net, a, b, link);
    }

    [Theory]
    [InlineData(60, 672)]       // minimum frame: 64 with FCS + 8 preamble + 12 gap = 84 bytes = 672 bits
    [InlineData(14, 672)]       // runts are padded to the minimum
    [InlineData(61, 680)]       // 65 + 20 = 85 bytes
    [InlineData(1514, 12_304)]  // 1518 + 20 = 1538 bytes
    [InlineData(9014, 72_304)]  // jumbo: 9018 + 20 = 9038 bytes
    public void Serialisation_delay_is_exact_at_1_gbit(int frameLength, long expectedNs)
    {
        Assert.Equal(expectedNs, Link.SerialisationNs(frameLength, 1_000_000_000));
        var (net, a, b, _) = Pair(new LinkOptions(LatencyNs: 5_000, BitsPerSecond: 1_000_000_000));
        a.Send(frameLength);
        net.Sim.Run();
        Assert.Equal(expectedNs + 5_000, Assert.Single(b.Received).Time);
    }

    [Fact]
    public void Serialisation_rounds_up_at_odd_rates()
    {
        // 84 bytes = 672 bits at 3 bit/s is 224 s exactly; at 7 bit/s it is 96 s exactly; at 1e9-1 it is 672.0000007 ns -> 673.
        Assert.Equal(224_000_000_000, Link.SerialisationNs(60, 3));
        Assert.Equal(673, Link.SerialisationNs(60, 999_999_999));
        Assert.Equal(0, Link.SerialisationNs(60, 0));
    }

    [Fact]
    public void Back_to_back_frames_queue_behind_each_other()
    {
        var (net, a, b, _) = Pair(new LinkOptions(LatencyNs: 1_000, BitsPerSecond: 1_000_000_000));
        for (int i = 0; i < 3; i++) a.Send(1514, tag: i);
        net.Sim.Run();
        Assert.Equal(new long[] { 0, 1, 2 }, b.ReceivedTags);
        Assert.Equal(new long[] { 12_304 + 1_000, 2 * 12_304 + 1_000, 3 * 12_304 + 1_000 }, b.Received.Select(r => r.Time));
    }

    [Fact]
    public void Directions_are_independent()
    {
        var (net, a, b, _) = Pair(new LinkOptions(LatencyNs: 1_000, BitsPerSecond: 1_000_000_000));
        a.Send(1514);
        b.Send(1514);
        net.Sim.Run();
        Assert.Equal(13_304, a.Received.Single().Time);
        Assert.Equal(13_304, b.Received.Single().Time);
    }

    [Fact]
    public void Drop_tail_keeps_queue_limit_plus_one_on_the_wire_and_counts_the_rest()
    {
        var (net, a, b, link) = Pair(new LinkOptions(LatencyNs: 0, BitsPerSecond: 1_000_000_000, QueueFrames: 4));
        var obs = new RecordingObserver();
        net.AddObserver(obs);
        for (int i = 0; i < 10; i++) a.Send(100, tag: i);
        Assert.Equal(4, link.QueuedFrames(a.Port1));
        net.Sim.Run();
        Assert.Equal(new long[] { 0, 1, 2, 3, 4 }, b.ReceivedTags);   // the first ones win: tail drop
        Assert.Equal(5, link.QueueDrops);
        Assert.Equal(5, a.Port1.TxDropped);
        Assert.Equal(5, a.Port1.TxPackets);
        Assert.Equal(5 * 100, a.Port1.TxBytes);
        Assert.Equal(5, b.Port1.RxPackets);
        Assert.Equal(5, obs.Count("dropped:QueueFull"));
        Assert.Equal(5, obs.Count("sent"));
        Assert.Equal(5, obs.Count("received"));
        Assert.Equal(0, net.Frames.Outstanding);
    }

    [Fact]
    public void Zero_rate_means_no_serialisation_and_no_queue()
    {
        var (net, a, b, link) = Pair(new LinkOptions(LatencyNs: 7, BitsPerSecond: 0, QueueFrames: 0));
        for (int i = 0; i < 5; i++) a.Send(1514, tag: i);
        net.Sim.Run();
        Assert.All(b.Received, r => Assert.Equal(7, r.Time));
        Assert.Equal(new long[] { 0, 1, 2, 3, 4 }, b.ReceivedTags);
        Assert.Equal(0, link.QueueDrops);
    }

    private static long[] DeliveredWithLoss(ulong seed)
    {
        var (net, a, b, link) = Pair(new LinkOptions(LatencyNs: 10, BitsPerSecond: 0, LossRate: 0.3), seed);
        for (int i = 0; i < 1000; i++) a.Send(64, tag: i);
        net.Sim.Run();
        Assert.Equal(1000 - b.Received.Count, link.LossDrops);
        Assert.Equal(0, net.Frames.Outstanding);
        return b.ReceivedTags;
    }

    [Fact]
    public void Loss_with_a_fixed_seed_is_reproducible_and_depends_on_the_seed()
    {
        var first = DeliveredWithLoss(seed: 42);
        var again = DeliveredWithLoss(seed: 42);
        var other = DeliveredWithLoss(seed: 43);
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        // 30% loss over 1000 frames: 700 expected, sd ~14.5; 6 sd either side.
        Assert.InRange(first.Length, 613, 787);
        Assert.InRange(other.Length, 613, 787);
    }

    [Fact]
    public void Loss_rate_of_one_loses_everything_and_zero_nothing()
    {
        var (net, a, b, link) = Pair(new LinkOptions(LossRate: 1));
        for (int i = 0; i < 50; i++) a.Send(64);
        net.Sim.Run();
        Assert.Empty(b.Received);
        Assert.Equal(50, link.LossDrops);
    }

    [Fact]
    public void Link_going_down_loses_frames_in_flight_and_queued_even_if_it_comes_back_up()
    {
        var (net, a, b, link) = Pair(new LinkOptions(LatencyNs: 10_000, BitsPerSecond: 1_000_000_000));
        var obs = new RecordingObserver();
        net.AddObserver(obs);
        for (int i = 0; i < 3; i++) a.Send(1514, tag: i);  // one on the wire, two queued
        net.Sim.RunUntil(13_000);                            // first is in flight (sent at 12,304, arrives at 22,304)
        link.SetUp(false);
        link.SetUp(true);
        a.Send(60, tag: 99);                                 // waits behind the frame being serialised
        net.Sim.Run();
        Assert.Equal(new long[] { 99 }, b.ReceivedTags);
        Assert.Equal(3, link.DownDrops);                     // 1 queued + 1 in flight + 1 on the wire when it went down
        Assert.Equal(3, obs.Count("dropped:LinkDown"));
        Assert.Equal(0, net.Frames.Outstanding);
        Assert.Contains((1u, false), a.PortChanges);
        Assert.Contains((1u, true), a.PortChanges);
    }

    [Fact]
    public void Sending_on_a_down_or_unlinked_port_drops_with_the_reason()
    {
        var net = new Network();
        var a = new RecordingNode(net, "a", ports: 2);
        var b = new RecordingNode(net, "b");
        var link = net.Connect(a.Port1, b.Port1);
        var obs = new RecordingObserver();
        net.AddObserver(obs);
        a.Send(64, port: a.Ports[1]);
        link.SetUp(false);
        a.Send(64);
        Assert.False(a.Port1.IsLive);
        net.Sim.Run();
        Assert.Equal(new[] { "dropped:NoLink", "dropped:LinkDown" }, obs.Events.Select(e => e.What));
        Assert.Equal(0, net.Frames.Outstanding);
    }

    [Fact]
    public void Receiving_port_administratively_down_drops_arrivals()
    {
        var (net, a, b, link) = Pair(new LinkOptions(LatencyNs: 100));
        a.Send(64);
        b.Port1.SetAdminUp(false);
        net.Sim.Run();
        Assert.Empty(b.Received);
        Assert.Equal(1, link.DownDrops);
        Assert.Contains((1u, false), a.PortChanges);         // the peer hears about it too
        Assert.Equal(0, net.Frames.Outstanding);
    }

    [Fact]
    public void Shutting_the_sending_port_loses_what_it_had_queued_and_in_flight()
    {
        var (net, a, b, link) = Pair(new LinkOptions(LatencyNs: 10_000, BitsPerSecond: 1_000_000_000));
        for (int i = 0; i < 4; i++) a.Send(1514, tag: i);
        net.Sim.RunUntil(13_000);            // #0 in flight, #1 on the wire, #2 and #3 queued
        a.Port1.SetAdminUp(false);
        Assert.Equal(0, link.QueuedFrames(a.Port1));
        a.Port1.SetAdminUp(true);
        a.Send(60, tag: 7);
        net.Sim.Run();
        Assert.Equal(new long[] { 7 }, b.ReceivedTags);
        Assert.Equal(4, link.DownDrops);
        Assert.Equal(0, net.Frames.Outstanding);
    }

    [Theory]
    [InlineData(-1, 0, 0, 0.0, "LatencyNs")]
    [InlineData(0, -1, 0, 0.0, "BitsPerSecond")]
    [InlineData(0, 0, -1, 0.0, "QueueFrames")]
    [InlineData(0, 0, 0, 1.5, "LossRate")]
    [InlineData(0, 0, 0, double.NaN, "LossRate")]
    public void Bad_link_options_are_refused_naming_the_field(long latency, long rate, int queue, double loss, string field)
    {
        var net = new Network();
        var a = new RecordingNode(net, "a");
        var b = new RecordingNode(net, "b");
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => net.Connect(a.Port1, b.Port1, new LinkOptions(latency, rate, queue, loss)));
        Assert.Equal(field, ex.ParamName);
        Assert.Null(a.Port1.Link);
    }

    [Fact]
    public void A_port_can_only_be_linked_once()
    {
        var net = new Network();
        var a = new RecordingNode(net, "a");
        var b = new RecordingNode(net, "b");
        var c = new RecordingNode(net, "c");
        net.Connect(a.Port1, b.Port1);
        Assert.Contains("already linked", Assert.Throws<InvalidOperationException>(() => net.Connect(a.Port1, c.Port1)).Message);
        Assert.Throws<ArgumentException>(() => net.Connect(c.Port1, c.Port1));
    }

    [Fact]
    public void Taps_see_transmit_at_the_sender_and_receive_at_the_receiver_with_the_right_times()
    {
        var (net, a, b, link) = Pair(new LinkOptions(LatencyNs: 1_000, BitsPerSecond: 1_000_000_000));
        var seen = new List<(long, string, TapDirection, int)>();
        link.AddTap(new LambdaTap((t, p, d, f) => seen.Add((t, p.ToString(), d, f.Length))));
        a.Send(60);
        net.Sim.Run();
        Assert.Equal(new[] { (0L, "a:1", TapDirection.Transmit, 60), (1_672L, "b:1", TapDirection.Receive, 60) }, seen);
    }

    private sealed class LambdaTap(Action<long, Port, TapDirection, byte[]> body) : IFrameTap
    {
        public void OnFrame(long timeNs, Port port, TapDirection direction, ReadOnlySpan<byte> frame) => body(timeNs, port, direction, frame.ToArray());
    }
}
