using MeshSim.Engine.Demo;

namespace MeshSim.Engine.Tests;

public class DemoTests
{
    [Fact]
    public void Demo_exchanges_every_frame_and_writes_ns3_named_captures()
    {
        using var dir = new TempDir();
        var r = PingPongDemo.Run(new DemoOptions(OutputDirectory: dir.Path));
        Assert.Equal(20, r.RequestsSent);
        Assert.Equal(20, r.RepliesReceived);
        Assert.True(r.MinRttNs >= 2 * (672 + 10_000), $"min rtt {r.MinRttNs}");   // two minimum frames plus two latencies at least
        Assert.Equal(new[] { dir.File("demo-h1-1.pcap"), dir.File("demo-h2-1.pcap"), dir.File("demo.pcapng") }, r.Files);
        Assert.All(r.Files, f => Assert.True(new FileInfo(f).Length > 24));
        Assert.Contains("20 requests, 20 replies", r.Summary);
    }

    [Fact]
    public void Demo_is_deterministic_per_seed()
    {
        using var d1 = new TempDir();
        using var d2 = new TempDir();
        using var d3 = new TempDir();
        var a = PingPongDemo.Run(new DemoOptions(Seed: 5, OutputDirectory: d1.Path));
        var b = PingPongDemo.Run(new DemoOptions(Seed: 5, OutputDirectory: d2.Path));
        var c = PingPongDemo.Run(new DemoOptions(Seed: 6, OutputDirectory: d3.Path));
        for (int i = 0; i < a.Files.Count; i++)
            Assert.Equal(File.ReadAllBytes(a.Files[i]), File.ReadAllBytes(b.Files[i]));
        Assert.NotEqual(File.ReadAllBytes(a.Files[0]), File.ReadAllBytes(c.Files[0]));
        Assert.Equal(a.EndTimeNs, b.EndTimeNs);
    }

    [Fact]
    public void Bad_demo_options_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PingPongDemo.Run(new DemoOptions(Requests: 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => PingPongDemo.Run(new DemoOptions(MeanIntervalNs: 0)));
    }

    [TsharkFact]
    public void Tshark_reads_every_demo_capture()
    {
        using var dir = new TempDir();
        var r = PingPongDemo.Run(new DemoOptions(OutputDirectory: dir.Path));
        Assert.Equal(40, Tshark.AssertReadsCleanly(r.Files[0]));    // h1: 20 sent + 20 received
        Assert.Equal(40, Tshark.AssertReadsCleanly(r.Files[1]));
        Assert.Equal(80, Tshark.AssertReadsCleanly(r.Files[2]));    // both ends of the link
    }
}
