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

    public void CompleteSoon(Simulator sim, T value) => CompleteAfter(sim, 0, value);

    public void CompleteAfter(Simulator sim, long delayNs, T value) { _value = value; sim.Schedule(delayNs, this); }

    public void FailSoon(Simulator sim, Exception error) { _error = error; sim.Schedule(0, this); }

    public void OnEvent(Simulator sim, long arg, object? state)
    {
        if (_error is not null) _task.SetFaulted(_error);
        else _task.SetResult(_value);
    }
}
