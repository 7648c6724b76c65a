namespace MeshSim.Engine.Tests;

public class FramePoolTests
{
    [Fact]
    public void Rent_and_release_reuse_frames_and_track_outstanding()
    {
        var pool = new FramePool();
        var f = pool.Rent([1, 2, 3]);
        Assert.Equal(new byte[] { 1, 2, 3 }, f.Data.ToArray());
        Assert.Equal(1, pool.Outstanding);
        f.Release();
        Assert.Equal(0, pool.Outstanding);
        var g = pool.Rent();
        Assert.Same(f, g);
        Assert.Equal(0, g.Length);
        Assert.Equal(1, pool.Created);
    }

    [Fact]
    public void Double_release_is_reported_instead_of_corrupting_the_pool()
    {
        var pool = new FramePool();
        var f = pool.Rent();
        f.Release();
        var ex = Assert.Throws<InvalidOperationException>(() => f.Release());
        Assert.Contains("released twice", ex.Message);
        Assert.Equal(0, pool.Outstanding);
        Assert.NotSame(pool.Rent(), pool.Rent());   // the free list holds it only once
    }

    [Fact]
    public void Sending_a_released_frame_is_reported()
    {
        var net = new Network();
        var a = new RecordingNode(net, "a");
        var b = new RecordingNode(net, "b");
        net.Connect(a.Port1, b.Port1);
        var f = net.Frames.Rent(new byte[60]);
        f.Release();
        Assert.Contains("after it was released", Assert.Throws<InvalidOperationException>(() => a.Port1.Send(f)).Message);
    }

    [Fact]
    public void Clone_copies_bytes_into_a_separate_pooled_frame()
    {
        var pool = new FramePool();
        var f = pool.Rent([9, 8, 7]);
        var c = f.Clone();
        c.Data[0] = 1;
        Assert.Equal(9, f.Data[0]);
        Assert.Equal(2, pool.Outstanding);
        f.Release();
        Assert.Throws<InvalidOperationException>(() => f.Clone());
    }

    [Fact]
    public void Oversized_or_negative_lengths_are_refused()
    {
        var pool = new FramePool();
        var ex = Assert.Throws<ArgumentException>(() => pool.Rent(new byte[Frame.MaxLength + 1]));
        Assert.Contains("9217", ex.Message);
        var f = pool.Rent();
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Length = -1);
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Length = Frame.MaxLength + 1);
        f.Length = Frame.MaxLength;
    }

    [Fact]
    public void A_busy_network_returns_every_frame_to_the_pool()
    {
        // Queue drops, loss, link-down drops and deliveries: every path must release.
        var net = new Network(seed: 5);
        var a = new RecordingNode(net, "a");
        var b = new RecordingNode(net, "b");
        var link = net.Connect(a.Port1, b.Port1, new LinkOptions(LatencyNs: 2_000, BitsPerSecond: 100_000_000, QueueFrames: 8, LossRate: 0.1));
        var rng = net.Sim.Random("test");
        for (int i = 0; i < 500; i++)
        {
            int length = rng.Next(14, 1515);
            net.Sim.Schedule(rng.Next(0, 200_000), () => { if (rng.Next(0, 2) == 0) a.Send(length); else b.Send(length); });
        }
        net.Sim.Schedule(100_000, () => link.SetUp(false));
        net.Sim.Schedule(120_000, () => link.SetUp(true));
        net.Sim.Run();
        Assert.True(link.QueueDrops > 0 && link.LossDrops > 0 && link.DownDrops > 0, $"{link.QueueDrops} {link.LossDrops} {link.DownDrops}");
        Assert.Equal(0, net.Frames.Outstanding);
        Assert.True(net.Frames.Created < 500, $"pool created {net.Frames.Created} frames; reuse is not happening");
    }
}
