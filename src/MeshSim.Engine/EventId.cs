namespace MeshSim.Engine;

/// <summary>Handle of a scheduled event. The default value is a valid "no event" handle, so
/// cancelling it is a harmless no-op (ns-3's EventId convention). <see cref="Value"/> is opaque: it
/// identifies one scheduling, never a later event that happens to reuse the same storage.</summary>
public readonly record struct EventId(long Value)
{
    /// <summary>True when this handle names an event that was scheduled (it may have run since).</summary>
    public bool IsSet => Value != 0;
}

/// <summary>Receives events without a closure per event: the scheduler stores the handler and
/// two caller-chosen words, so steady-state scheduling allocates nothing.</summary>
public interface IEventHandler
{
    /// <summary>Runs the event. <paramref name="arg"/> and <paramref name="state"/> are what was passed to Schedule.</summary>
    void OnEvent(Simulator sim, long arg, object? state);
}
