namespace MeshSim.Engine;

/// <summary>
/// The discrete-event core: a virtual clock in nanoseconds and a queue of events ordered by
/// (time, insertion order). An instance, never a static, so tests can run simulations side by side.
/// Single-threaded by design: determinism ("same scenario + seed = same bytes") depends on it.
/// </summary>
public sealed class Simulator
{
    private readonly EventQueue _queue = new();
    private readonly HashSet<long> _cancelled = new();
    private long _seq;
    private bool _stopRequested;

    /// <summary>Creates a simulator whose random streams derive from <paramref name="seed"/>.</summary>
    public Simulator(ulong seed = 1) => Seed = seed;

    /// <summary>The scenario seed every random stream derives from.</summary>
    public ulong Seed { get; }

    /// <summary>Virtual time in nanoseconds since the start; never decreases.</summary>
    public long Now { get; private set; }

    /// <summary>Events executed so far (cancelled ones excluded).</summary>
    public long EventsExecuted { get; private set; }

    /// <summary>Events waiting, including cancelled ones not yet skipped.</summary>
    public int PendingEvents => _queue.Count;

    /// <summary>Time of the next pending event, or null when the queue is empty.</summary>
    public long? NextEventTime => _queue.Count == 0 ? null : _queue.Peek().Time;

    /// <summary>The named deterministic random stream for a component, e.g. "link/h1-s1/loss".</summary>
    public SimRandom Random(string stream) => SimRandom.ForStream(Seed, stream);

    /// <summary>Schedules <paramref name="handler"/> to run <paramref name="delayNs"/> from now.
    /// Allocation-free: no closure; pass per-event data in <paramref name="arg"/>/<paramref name="state"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative delay: the past cannot be scheduled.</exception>
    public EventId Schedule(long delayNs, IEventHandler handler, long arg = 0, object? state = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(delayNs);
        return ScheduleAt(Now + delayNs, handler, arg, state);
    }

    /// <summary>Schedules at an absolute time, which must not be before <see cref="Now"/>.</summary>
    public EventId ScheduleAt(long timeNs, IEventHandler handler, long arg = 0, object? state = null)
    {
        if (timeNs < Now) throw new ArgumentOutOfRangeException(nameof(timeNs), $"time {timeNs} ns is before now ({Now} ns)");
        var seq = ++_seq;
        _queue.Push(new EventQueue.Entry { Time = timeNs, Seq = seq, Handler = handler, Arg = arg, State = state });
        return new EventId(seq);
    }

    /// <summary>Convenience for application-level code: allocates a closure, so keep it off per-packet paths.</summary>
    public EventId Schedule(long delayNs, Action action) => Schedule(delayNs, ActionHandler.Instance, 0, action);

    /// <summary>Cancels a pending event in O(1); it is skipped when it reaches the head of the queue.
    /// Cancelling the default handle, or an event that already ran, does nothing.</summary>
    public void Cancel(EventId id)
    {
        if (id.IsSet && id.Value <= _seq) _cancelled.Add(id.Value);
    }

    /// <summary>Asks the running loop to return after the current event.</summary>
    public void Stop() => _stopRequested = true;

    /// <summary>Runs every event with time &lt;= <paramref name="stopNs"/>, then sets <see cref="Now"/> to
    /// <paramref name="stopNs"/> (unless <see cref="Stop"/> was called). Events scheduled exactly at
    /// <paramref name="stopNs"/> do run.</summary>
    public void RunUntil(long stopNs)
    {
        _stopRequested = false;
        while (_queue.Count > 0 && !_stopRequested)
        {
            if (_queue.Peek().Time > stopNs) break;
            RunOne();
        }
        if (!_stopRequested && stopNs > Now) Now = stopNs;
    }

    /// <summary>Runs until the queue is empty or <see cref="Stop"/> is called.</summary>
    public void Run()
    {
        _stopRequested = false;
        while (_queue.Count > 0 && !_stopRequested) RunOne();
    }

    private void RunOne()
    {
        var e = _queue.Pop();
        if (_cancelled.Count > 0 && _cancelled.Remove(e.Seq)) return;
        Now = e.Time;
        EventsExecuted++;
        e.Handler.OnEvent(this, e.Arg, e.State);
    }

    private sealed class ActionHandler : IEventHandler
    {
        public static readonly ActionHandler Instance = new();
        public void OnEvent(Simulator sim, long arg, object? state) => ((Action)state!)();
    }
}
