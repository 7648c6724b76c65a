using MeshSim.Engine;
using MeshSim.Stack.Async;

namespace MeshSim.Stack.Cpu;

/// <summary>
/// A host's processors as a multi-server FIFO queue: each <see cref="RunAsync"/> needs one core for
/// its service time; with all cores busy, work waits in arrival order. This is what makes a service
/// "take 2 ms" and what makes latency grow with load (M/D/c behaviour).
/// </summary>
public sealed class CpuModel : IEventHandler
{
    private readonly Simulator _sim;
    private readonly Queue<(long ServiceNs, SimTask Done)> _waiting = new();
    private int _busy;

    /// <summary>Creates a model with <paramref name="cores"/> identical cores.</summary>
    public CpuModel(Simulator sim, int cores)
    {
        if (cores < 1) throw new ArgumentOutOfRangeException(nameof(cores), "a host needs at least one core");
        _sim = sim; Cores = cores;
    }

    /// <summary>Number of cores.</summary>
    public int Cores { get; }
    /// <summary>Jobs finished.</summary>
    public long Completed { get; private set; }
    /// <summary>Core-nanoseconds of work done (utilisation = BusyNs / (Cores · elapsed)).</summary>
    public long BusyNs { get; private set; }
    /// <summary>Longest wait queue seen.</summary>
    public int MaxQueueLength { get; private set; }
    /// <summary>Jobs waiting now.</summary>
    public int QueueLength => _waiting.Count;

    /// <summary>Occupies one core for <paramref name="serviceNs"/>; completes when the work is done.</summary>
    public SimTask RunAsync(long serviceNs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(serviceNs);
        var done = new SimTask();
        if (_busy < Cores) Start(serviceNs, done);
        else
        {
            _waiting.Enqueue((serviceNs, done));
            MaxQueueLength = Math.Max(MaxQueueLength, _waiting.Count);
        }
        return done;
    }

    private void Start(long serviceNs, SimTask done)
    {
        _busy++;
        BusyNs += serviceNs;
        _sim.Schedule(serviceNs, this, 0, done);
    }

    void IEventHandler.OnEvent(Simulator sim, long arg, object? state)
    {
        _busy--;
        Completed++;
        if (_waiting.Count > 0) { var (ns, next) = _waiting.Dequeue(); Start(ns, next); }
        ((SimTask)state!).SetCompleted();
    }
}
