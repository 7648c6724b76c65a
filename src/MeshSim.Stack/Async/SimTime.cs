using MeshSim.Engine;

namespace MeshSim.Stack.Async;

/// <summary>Virtual-time utilities for applications: durations, delays, starting apps.</summary>
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
        d.CompleteAfter(sim, delayNs, true);
        return d.Task;
    }

    /// <summary>Starts a top-level app task; a failure escapes from the simulator run as an exception
    /// (so a broken app fails the test or scenario instead of silently stopping).</summary>
    public static void Spawn(this Simulator sim, Func<SimTask> app)
    {
        var task = app();
        task.GetAwaiter().OnCompleted(() => task.ThrowIfFaulted());
    }
}
