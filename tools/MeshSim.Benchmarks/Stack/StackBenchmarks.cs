using BenchmarkDotNet.Attributes;
using MeshSim.Stack.Async;

namespace MeshSim.Benchmarks.Stack;

/// <summary>
/// Simulated-host throughput. Run: dotnet run -c Release --project tools/MeshSim.Benchmarks --
/// --filter '*StackBenchmarks*' --job short. Link frames per wall second for the ns-3 comparison =
/// the frame count printed at setup divided by the mean time of <see cref="BulkTcp_1s"/>.
/// </summary>
[MemoryDiagnoser]
public class StackBenchmarks
{
    private const int HttpRequests = 2000;

    [GlobalSetup]
    public void PrintWorkload()
    {
        var bulk = new BulkTcpScenario();
        bulk.Run(SimTime.Second);
        Console.WriteLine($"// bulk: link_frames={bulk.LinkFrames} events={bulk.Net.Sim.EventsExecuted} goodput_mbps={bulk.BytesReceived * 8 / 1e6:0.0}");
    }

    /// <summary>The ns-3 comparison: 4 hosts, bridge, 2 bulk flows, 1 simulated second.</summary>
    [Benchmark]
    public long BulkTcp_1s()
    {
        var s = new BulkTcpScenario();
        s.Run(SimTime.Second);
        return s.LinkFrames;
    }

    /// <summary>Simulated HTTP requests per wall second for a client-server pair (per-op time is per request).</summary>
    [Benchmark(OperationsPerInvoke = HttpRequests)]
    public int HttpRequest()
    {
        var s = new HttpPairScenario(HttpRequests);
        s.Run();
        if (s.Completed != HttpRequests) throw new InvalidOperationException($"only {s.Completed} of {HttpRequests} requests completed");
        return s.Completed;
    }
}
