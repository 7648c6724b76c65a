using BenchmarkDotNet.Attributes;
using MeshSim.Engine;

namespace MeshSim.Benchmarks.Engine;

/// <summary>
/// The classic hold model: a fixed population of pending events; each event, when it runs, schedules
/// one new event at a uniformly random delay in [0, 2 * mean) ns. One operation = one event, so the
/// reported mean is ns per event (events/s = 1e9 / mean). tools/ns3/hold-model.cc does the same
/// against ns-3's schedulers with the same generator and draw; tools/ns3/compare.sh runs both.
/// </summary>
[MemoryDiagnoser]
public class HoldModelBenchmarks
{
    private const int EventsPerInvoke = 2_000_000;

    private HoldModel _model = null!;

    /// <summary>Pending events kept in the queue.</summary>
    [Params(1_000, 100_000)]
    public int Population { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _model = new HoldModel(Population);
        _model.RunEvents(Population);   // one pass over the population before measuring
    }

    /// <summary>Runs <see cref="EventsPerInvoke"/> events.</summary>
    [Benchmark(OperationsPerInvoke = EventsPerInvoke)]
    public long Events()
    {
        _model.RunEvents(EventsPerInvoke);
        return _model.Sim.Now;
    }
}
