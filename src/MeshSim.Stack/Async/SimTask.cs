using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace MeshSim.Stack.Async;

/// <summary>
/// An awaitable operation on virtual time. Simulated applications are <c>async SimTask</c> methods:
/// they read like ordinary socket code, but every suspension resumes from a simulator event, on the
/// simulation thread, in a deterministic order. Unlike <see cref="Task"/>, a SimTask never consults a
/// SynchronizationContext or the thread pool, so a test runner's context cannot reorder continuations.
/// </summary>
/// <remarks>Continuations run inline when the task completes. Sources that complete tasks from inside
/// packet processing (sockets) do so from a zero-delay wake-up event, never mid-segment.</remarks>
[AsyncMethodBuilder(typeof(SimTaskBuilder))]
public class SimTask
{
    private Action? _continuation;
    private ExceptionDispatchInfo? _error;

    /// <summary>True once the operation finished, successfully or not.</summary>
    public bool IsCompleted { get; private set; }

    /// <summary>True when the operation finished with an exception.</summary>
    public bool IsFaulted => _error is not null;

    /// <summary>The exception the operation finished with, if any.</summary>
    public Exception? Exception => _error?.SourceException;

    /// <summary>An already completed task.</summary>
    public static SimTask CompletedTask { get; } = Completed();

    private static SimTask Completed() { var t = new SimTask(); t.SetCompleted(); return t; }

    /// <summary>Marks the task done and runs its continuation inline.</summary>
    internal void SetCompleted()
    {
        if (IsCompleted) throw new InvalidOperationException("task already completed");
        IsCompleted = true;
        var c = _continuation;
        _continuation = null;
        c?.Invoke();
    }

    /// <summary>Marks the task failed and runs its continuation inline.</summary>
    internal void SetFaulted(Exception error)
    {
        _error = ExceptionDispatchInfo.Capture(error);
        SetCompleted();
    }

    /// <summary>Throws the stored exception, if any.</summary>
    internal void ThrowIfFaulted() => _error?.Throw();

    internal void OnCompleted(Action continuation)
    {
        if (IsCompleted) { continuation(); return; }
        if (_continuation is not null) throw new InvalidOperationException("a SimTask can be awaited only once");
        _continuation = continuation;
    }

    /// <summary>Supports <c>await</c>.</summary>
    public Awaiter GetAwaiter() => new(this);

    /// <summary>The awaiter: completes synchronously when the task is already done.</summary>
    public readonly struct Awaiter : INotifyCompletion
    {
        private readonly SimTask _task;
        internal Awaiter(SimTask task) => _task = task;
        /// <summary>True when no suspension is needed.</summary>
        public bool IsCompleted => _task.IsCompleted;
        /// <summary>Registers the continuation.</summary>
        public void OnCompleted(Action continuation) => _task.OnCompleted(continuation);
        /// <summary>Rethrows a failure.</summary>
        public void GetResult() => _task.ThrowIfFaulted();
    }
}

/// <summary>A <see cref="SimTask"/> with a result.</summary>
[AsyncMethodBuilder(typeof(SimTaskBuilder<>))]
public sealed class SimTask<T> : SimTask
{
    private T _result = default!;

    /// <summary>The result; valid once completed without a fault.</summary>
    public T Result
    {
        get
        {
            if (!IsCompleted) throw new InvalidOperationException("result read before the task completed");
            ThrowIfFaulted();
            return _result;
        }
    }

    /// <summary>An already completed task holding <paramref name="value"/>.</summary>
    public static SimTask<T> FromResult(T value) { var t = new SimTask<T>(); t.SetResult(value); return t; }

    internal void SetResult(T value)
    {
        _result = value;
        SetCompleted();
    }

    /// <summary>Supports <c>await</c>.</summary>
    public new Awaiter GetAwaiter() => new(this);

    /// <summary>The awaiter returning the result.</summary>
    public new readonly struct Awaiter : INotifyCompletion
    {
        private readonly SimTask<T> _task;
        internal Awaiter(SimTask<T> task) => _task = task;
        /// <summary>True when no suspension is needed.</summary>
        public bool IsCompleted => _task.IsCompleted;
        /// <summary>Registers the continuation.</summary>
        public void OnCompleted(Action continuation) => _task.OnCompleted(continuation);
        /// <summary>The result, or the failure rethrown.</summary>
        public T GetResult() => _task.Result;
    }
}
