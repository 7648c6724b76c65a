using MeshSim.Engine;

namespace MeshSim.Stack.Async;

/// <summary>
/// Completes a <see cref="SimTask{T}"/> from a simulator event rather than inline, so an application
/// continuation never runs in the middle of the code that produced its result (a socket still
/// processing a segment). Completion order is the order of the calls: deterministic.
/// </summary>
internal sealed class DeferredCompletion<T> : IEventHandler
{
    private readonly SimTask<T> _task = new();
    private T _value = default!;
    private Exception? _error;

    public SimTask<T> Task => _task;

    public void CompleteSoon(Simulator sim, T value) { _value = value; sim.Schedule(0, this); }

    public void FailSoon(Simulator sim, Exception error) { _error = error; sim.Schedule(0, this); }

    public void OnEvent(Simulator sim, long arg, object? state)
    {
        if (_error is not null) _task.SetFaulted(_error);
        else _task.SetResult(_value);
    }
}

/// <summary>Virtual-time helpers for applications.</summary>
public static class SimTime
{
    /// <summary>Nanoseconds in a millisecond, for readable durations.</summary>
    public const long Millisecond = 1_000_000;
    /// <summary>Nanoseconds in a microsecond.</summary>
    public const long Microsecond = 1_000;
    /// <summary>Nanoseconds in a second.</summary>
    public const long Second = 1_000_000_000;

    /// <summary>Completes after <paramref name="delayNs"/> of virtual time.</summary>
    public static SimTask<bool> Delay(this Simulator sim, long delayNs)
    {
        var d = new DeferredCompletion<bool>();
        sim.Schedule(delayNs, new DelayHandler(d));
        return d.Task;
    }

    private sealed class DelayHandler(DeferredCompletion<bool> d) : IEventHandler
    {
        public void OnEvent(Simulator sim, long arg, object? state) => d.OnEvent(sim, 0, null);
    }

    /// <summary>Starts a top-level app task; a failure escapes from the simulator run as an exception
    /// (so a broken app fails the test or scenario instead of silently stopping).</summary>
    public static void Spawn(this Simulator sim, Func<SimTask> app)
    {
        var task = app();
        task.GetAwaiter().OnCompleted(() => task.ThrowIfFaulted());
    }
}
