namespace MeshSim.Engine;

/// <summary>
/// The discrete-event core: a virtual clock in nanoseconds and a queue of events ordered by
/// (time, insertion order). An instance, never a static, so tests can run simulations side by side.
/// Single-threaded by design: determinism ("same scenario + seed = same bytes") depends on it.
/// </summary>
public sealed class Simulator
{
    private readonly EventQueue _queue;
    private bool _stopRequested;
    private bool _running;

    /// <summary>Creates a simulator whose random streams derive from <paramref name="seed"/>.</summary>
    public Simulator(ulong seed = 1) : this(seed, new EventQueue()) { }

    internal Simulator(ulong seed, EventQueue queue)
    {
        Seed = seed;
        _queue = queue;
    }

    /// <summary>The scenario seed every random stream derives from.</summary>
    public ulong Seed { get; }

    /// <summary>Virtual time in nanoseconds since the start; never decreases.</summary>
    public long Now { get; private set; }

    /// <summary>Events executed so far (cancelled ones excluded).</summary>
    public long EventsExecuted { get; private set; }

    /// <summary>Events that will still run (cancelled ones excluded).</summary>
    public int PendingEvents => _queue.LiveCount;

    /// <summary>Time of the next event that will run, or null when none is pending.</summary>
    public long? NextEventTime
    {
        get
        {
            _queue.SkipCancelledHead();
            return _queue.Count == 0 ? null : _queue.PeekTime;
        }
    }

    /// <summary>True while <see cref="Run"/> or <see cref="RunUntil"/> is executing events.</summary>
    public bool IsRunning => _running;

    /// <summary>The named deterministic random stream for a component, e.g. "link/h1-s1/loss".</summary>
    public SimRandom Random(string stream) => SimRandom.ForStream(Seed, stream);

    /// <summary>Schedules <paramref name="handler"/> to run <paramref name="delayNs"/> from now.
    /// Allocation-free: no closure; pass per-event data in <paramref name="arg"/>/<paramref name="state"/>.
    /// Events due at the same time run in the order they were scheduled.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative delay (the past cannot be scheduled), or one
    /// that overflows the clock.</exception>
    public EventId Schedule(long delayNs, IEventHandler handler, long arg = 0, object? state = null)
    {
        if (delayNs < 0)
            throw new ArgumentOutOfRangeException(nameof(delayNs), delayNs, $"delay must be >= 0 ns (now is {Now} ns)");
        if (delayNs > long.MaxValue - Now)
            throw new ArgumentOutOfRangeException(nameof(delayNs), delayNs, $"now ({Now} ns) + delay overflows the clock");
        return ScheduleAt(Now + delayNs, handler, arg, state);
    }

    /// <summary>Schedules at an absolute time, which must not be before <see cref="Now"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeNs"/> is before <see cref="Now"/>.</exception>
    public EventId ScheduleAt(long timeNs, IEventHandler handler, long arg = 0, object? state = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (timeNs < Now)
            throw new ArgumentOutOfRangeException(nameof(timeNs), timeNs, $"time {timeNs} ns is before now ({Now} ns)");
        return new EventId(_queue.Push(timeNs, handler, arg, state));
    }

    /// <summary>Convenience for application-level code: allocates a closure, so keep it off per-packet paths.</summary>
    public EventId Schedule(long delayNs, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return Schedule(delayNs, ActionHandler.Instance, 0, action);
    }

    /// <summary>Cancels a pending event in O(1) without allocating; it is discarded when it reaches the
    /// head of the queue. Cancelling the default handle, an event that already ran, or one already
    /// cancelled does nothing. Returns true when a pending event was cancelled.</summary>
    public bool Cancel(EventId id) => _queue.Cancel(id.Value);

    /// <summary>True when <paramref name="id"/> names an event that has neither run nor been cancelled.</summary>
    public bool IsPending(EventId id) => _queue.IsPending(id.Value);

    /// <summary>Asks the running loop to return after the current event. <see cref="Now"/> stays at
    /// that event's time.</summary>
    public void Stop() => _stopRequested = true;

    /// <summary>Runs every event with time &lt;= <paramref name="stopNs"/> (events scheduled exactly at
    /// <paramref name="stopNs"/>, including ones scheduled by events at that time, do run), then sets
    /// <see cref="Now"/> to <paramref name="stopNs"/>. If <see cref="Stop"/> is called, returns after the
    /// current event and leaves <see cref="Now"/> at its time.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="stopNs"/> is before <see cref="Now"/>.</exception>
    /// <exception cref="InvalidOperationException">Called from inside an event.</exception>
    public void RunUntil(long stopNs)
    {
        if (stopNs < Now)
            throw new ArgumentOutOfRangeException(nameof(stopNs), stopNs, $"stop time {stopNs} ns is before now ({Now} ns)");
        EnterRun();
        try
        {
            while (_queue.Count > 0 && !_stopRequested)
            {
                if (_queue.PeekTime > stopNs) break;
                RunOne();
            }
            if (!_stopRequested) Now = stopNs;
        }
        finally { _running = false; }
    }

    /// <summary>Runs until no event is pending or <see cref="Stop"/> is called.</summary>
    /// <exception cref="InvalidOperationException">Called from inside an event.</exception>
    public void Run()
    {
        EnterRun();
        try
        {
            while (_queue.Count > 0 && !_stopRequested) RunOne();
        }
        finally { _running = false; }
    }

    private void EnterRun()
    {
        if (_running) throw new InvalidOperationException("the simulator is already running (Run/RunUntil called from inside an event)");
        _running = true;
        _stopRequested = false;
    }

    private void RunOne()
    {
        if (!_queue.TryPop(out long time, out var handler, out long arg, out object? state)) return;
        Now = time;
        EventsExecuted++;
        handler.OnEvent(this, arg, state);
    }

    private sealed class ActionHandler : IEventHandler
    {
        public static readonly ActionHandler Instance = new();
        public void OnEvent(Simulator sim, long arg, object? state) => ((Action)state!)();
    }
}
