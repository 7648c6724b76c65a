using MeshSim.Engine;

namespace MeshSim.Benchmarks.Engine;

/// <summary>
/// The classic hold model on MeshSim's simulator: a fixed population of pending events; each event,
/// when it runs, schedules one new event at a uniformly random delay in [0, 2 * mean) ns (xoshiro256**
/// with Lemire's bounded draw, exactly as tools/ns3/hold-model.cc does for ns-3). Shared by the
/// BenchmarkDotNet class and the side-by-side runner in tools/ns3.
/// </summary>
public sealed class HoldModel : IEventHandler
{
    private readonly SimRandom _rng;
    private readonly ulong _span;
    private long _stopAt;

    /// <summary>Fills the queue with <paramref name="population"/> events at random times.</summary>
    public HoldModel(int population, ulong meanNs = 1_000_000, ulong seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(population);
        ArgumentOutOfRangeException.ThrowIfZero(meanNs);
        Sim = new Simulator(seed);
        _rng = new SimRandom(seed);
        _span = 2 * meanNs;
        for (int i = 0; i < population; i++) Sim.Schedule((long)_rng.NextUInt64(_span), this);
    }

    /// <summary>The simulator being exercised.</summary>
    public Simulator Sim { get; }

    /// <summary>Executes exactly <paramref name="events"/> events; the population stays the same.</summary>
    public void RunEvents(long events)
    {
        _stopAt = Sim.EventsExecuted + events;
        Sim.Run();
    }

    /// <inheritdoc/>
    public void OnEvent(Simulator sim, long arg, object? state)
    {
        sim.Schedule((long)_rng.NextUInt64(_span), this);
        if (sim.EventsExecuted == _stopAt) sim.Stop();
    }
}
