using System.Collections.Concurrent;
using System.Diagnostics;
using MeshSim.Engine;

namespace MeshSim.Io.Live;

/// <summary>
/// Runs a simulation in real time: virtual time follows the wall clock from the moment
/// <see cref="Run"/> starts, so the simulation can exchange frames with real interfaces. Work that
/// arrives from other threads (captured frames) is posted with <see cref="Post"/> and executed on
/// the simulation thread at the current virtual time; the engine itself stays single-threaded.
/// If the simulation falls behind the wall clock it runs events as fast as it can and
/// <see cref="MaxLagNs"/> records by how much it was late.
/// </summary>
public sealed class RealTimeLoop(Simulator sim)
{
    private readonly ConcurrentQueue<Action> _inbox = new();
    private readonly SemaphoreSlim _wake = new(0);

    /// <summary>Largest observed lag of virtual time behind the wall clock, in ns.</summary>
    public long MaxLagNs { get; private set; }

    /// <summary>Queues <paramref name="work"/> to run on the simulation thread as soon as possible. Thread-safe.</summary>
    public void Post(Action work)
    {
        _inbox.Enqueue(work);
        _wake.Release();
    }

    /// <summary>Runs until <paramref name="ct"/> is cancelled or virtual time reaches <paramref name="untilNs"/>; returns normally in both cases.</summary>
    public void Run(long untilNs, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        long start = sim.Now;
        while (!ct.IsCancellationRequested)
        {
            long wallNow = start + (long)(clock.ElapsedTicks * (1e9 / Stopwatch.Frequency));
            long target = Math.Min(wallNow, untilNs);
            sim.RunUntil(target);
            while (_inbox.TryDequeue(out var work)) work();
            if (target >= untilNs) return;

            // Sleep until the next event is due or external work arrives.
            long next = sim.NextEventTime ?? long.MaxValue;
            if (next <= target) { MaxLagNs = Math.Max(MaxLagNs, wallNow - next); continue; }
            long sleepNs = Math.Min(next, untilNs) - wallNow;
            if (sleepNs <= 0) continue;
            try { _wake.Wait(TimeSpan.FromTicks(Math.Clamp(sleepNs / 100, 1, TimeSpan.TicksPerMillisecond * 50)), ct); }
            catch (OperationCanceledException) { return; }   // a stop request is the normal end, not an error
        }
    }
}
