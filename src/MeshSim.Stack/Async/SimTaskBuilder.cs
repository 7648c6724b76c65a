using System.Runtime.CompilerServices;

namespace MeshSim.Stack.Async;

/// <summary>
/// Lets the compiler build <c>async SimTask</c> methods. Each suspension boxes the state machine
/// once and hands its MoveNext to the awaited task; this allocates per await, which is fine for
/// application code (per-packet paths never await).
/// </summary>
public struct SimTaskBuilder
{
    private SimTask? _task;

    /// <summary>Compiler hook.</summary>
    public static SimTaskBuilder Create() => default;
    /// <summary>The task handed to the caller.</summary>
    public SimTask Task => _task ??= new SimTask();
    /// <summary>Runs the method synchronously up to its first suspension.</summary>
    public void Start<TStateMachine>(ref TStateMachine stateMachine) where TStateMachine : IAsyncStateMachine => stateMachine.MoveNext();
    /// <summary>Compiler hook (unused: boxing happens per await).</summary>
    public void SetStateMachine(IAsyncStateMachine stateMachine) { }
    /// <summary>The method returned.</summary>
    public void SetResult() => Task.SetCompleted();
    /// <summary>The method threw.</summary>
    public void SetException(Exception exception) => Task.SetFaulted(exception);

    /// <summary>Suspends on an awaiter.</summary>
    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion where TStateMachine : IAsyncStateMachine
    {
        _ = Task; // create the task before the state machine (which holds this builder) is copied into a box
        IAsyncStateMachine boxed = stateMachine;
        awaiter.OnCompleted(boxed.MoveNext);
    }

    /// <summary>Suspends on an awaiter (no execution context to suppress in the simulator).</summary>
    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion where TStateMachine : IAsyncStateMachine
        => AwaitOnCompleted(ref awaiter, ref stateMachine);
}

/// <summary>Builder for <c>async SimTask&lt;T&gt;</c> methods; see <see cref="SimTaskBuilder"/>.</summary>
public struct SimTaskBuilder<T>
{
    private SimTask<T>? _task;

    /// <summary>Compiler hook.</summary>
    public static SimTaskBuilder<T> Create() => default;
    /// <summary>The task handed to the caller.</summary>
    public SimTask<T> Task => _task ??= new SimTask<T>();
    /// <summary>Runs the method synchronously up to its first suspension.</summary>
    public void Start<TStateMachine>(ref TStateMachine stateMachine) where TStateMachine : IAsyncStateMachine => stateMachine.MoveNext();
    /// <summary>Compiler hook (unused).</summary>
    public void SetStateMachine(IAsyncStateMachine stateMachine) { }
    /// <summary>The method returned <paramref name="result"/>.</summary>
    public void SetResult(T result) => Task.SetResult(result);
    /// <summary>The method threw.</summary>
    public void SetException(Exception exception) => Task.SetFaulted(exception);

    /// <summary>Suspends on an awaiter.</summary>
    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion where TStateMachine : IAsyncStateMachine
    {
        _ = Task;
        IAsyncStateMachine boxed = stateMachine;
        awaiter.OnCompleted(boxed.MoveNext);
    }

    /// <summary>Suspends on an awaiter.</summary>
    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion where TStateMachine : IAsyncStateMachine
        => AwaitOnCompleted(ref awaiter, ref stateMachine);
}
