using BenchmarkDotNet.Attributes;

namespace MeshSim.Benchmarks.Engine;

/// <summary>
/// A two-node ping-pong over one link (see <see cref="PingPongModel"/>). One operation = one hop, so
/// the reported mean is ns per delivered frame (two events each).
/// </summary>
[MemoryDiagnoser]
public class PingPongBenchmarks
{
    private const int HopsPerInvoke = 1_000_000;

    private PingPongModel _model = null!;

    [GlobalSetup]
    public void Setup()
    {
        _model = new PingPongModel();
        _model.RunHops(10_000);   // warm-up
    }

    /// <summary>Runs <see cref="HopsPerInvoke"/> link crossings.</summary>
    [Benchmark(OperationsPerInvoke = HopsPerInvoke)]
    public long Hops()
    {
        _model.RunHops(HopsPerInvoke);
        return _model.Network.Sim.Now;
    }
}
