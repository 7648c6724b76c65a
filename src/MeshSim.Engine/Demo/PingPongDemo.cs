using MeshSim.Engine.Capture;
using MeshSim.Wire;

namespace MeshSim.Engine.Demo;

/// <summary>Settings of the built-in demo.</summary>
/// <param name="Seed">Scenario seed; the same seed gives byte-identical captures.</param>
/// <param name="Requests">Requests the client sends.</param>
/// <param name="MeanIntervalNs">Mean gap between requests (exponentially distributed).</param>
/// <param name="OutputDirectory">Where the captures go.</param>
/// <param name="Prefix">Capture file prefix: "&lt;prefix&gt;-h1-1.pcap", "&lt;prefix&gt;-h2-1.pcap", "&lt;prefix&gt;.pcapng".</param>
/// <param name="Link">The link between the two hosts.</param>
public sealed record DemoOptions(
    ulong Seed = 1,
    int Requests = 20,
    long MeanIntervalNs = 20_000,
    string OutputDirectory = "out",
    string Prefix = "demo",
    LinkOptions? Link = null);

/// <summary>What the demo did.</summary>
public sealed record DemoResult(int RequestsSent, int RepliesReceived, long EndTimeNs, long MinRttNs, long MaxRttNs,
    long EventsExecuted, IReadOnlyList<string> Files)
{
    /// <summary>A few human-readable lines.</summary>
    public string Summary =>
        $"h1 -> h2: {RequestsSent} requests, {RepliesReceived} replies; rtt min {MinRttNs / 1000.0:0.000} us, max {MaxRttNs / 1000.0:0.000} us\n" +
        $"virtual time {EndTimeNs / 1e6:0.000000} ms, {EventsExecuted} events\n" +
        string.Join("\n", Files.Select(f => $"wrote {f}"));
}

/// <summary>
/// The tiny built-in demo: two hosts, h1 and h2, joined by one link (1 Gbit/s, 10 µs by default);
/// h1 sends numbered requests of random sizes at random intervals and h2 echoes each one. Every port
/// is captured to pcap (ns-3 naming) and the whole network to one pcapng. Deterministic: the same
/// options give byte-identical files.
/// </summary>
public static class PingPongDemo
{
    /// <summary>Runs the demo to completion and closes the capture files.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A non-positive request count or mean interval.</exception>
    public static DemoResult Run(DemoOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Requests <= 0) throw new ArgumentOutOfRangeException(nameof(options), options.Requests, "Requests must be > 0");
        if (options.MeanIntervalNs <= 0) throw new ArgumentOutOfRangeException(nameof(options), options.MeanIntervalNs, "MeanIntervalNs must be > 0");

        var network = new Network(options.Seed);
        var h1Mac = MacAddress.Parse("02:00:00:00:00:01");
        var h2Mac = MacAddress.Parse("02:00:00:00:00:02");
        var h1 = DemoHost.Client(network, "h1", h1Mac, options.Requests, options.MeanIntervalNs);
        var h2 = DemoHost.Server(network, "h2", h2Mac);
        h1.Peer = h2Mac;
        h2.Peer = h1Mac;
        network.Connect(h1.Port, h2.Port, options.Link ?? new LinkOptions(LatencyNs: 10_000));

        var files = new List<string>();
        using (var pcaps = NetworkCapture.PcapPerPort(network, options.OutputDirectory, options.Prefix))
        using (var pcapng = NetworkCapture.PcapNg(network, Path.Combine(options.OutputDirectory, $"{options.Prefix}.pcapng")))
        {
            h1.Start();
            network.Sim.Run();
            files.AddRange(pcaps.Files);
            files.AddRange(pcapng.Files);
        }
        if (network.Frames.Outstanding != 0)
            throw new InvalidOperationException($"demo leaked {network.Frames.Outstanding} frames");
        return new DemoResult(h1.RequestsSent, h1.RepliesReceived, network.Sim.Now,
            h1.RepliesReceived > 0 ? h1.MinRttNs : 0, h1.MaxRttNs, network.Sim.EventsExecuted, files);
    }
}
