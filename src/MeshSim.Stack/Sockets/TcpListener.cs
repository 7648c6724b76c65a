using MeshSim.Engine;
using MeshSim.Stack.Async;
using MeshSim.Wire;

namespace MeshSim.Stack.Sockets;

/// <summary>
/// A passive socket: answers SYNs to its port with new connections in SYN-RECEIVED and queues them
/// for <see cref="AcceptAsync"/> once established. <see cref="Backlog"/> bounds half-open plus
/// not-yet-accepted connections together; a SYN beyond it is dropped silently (the client
/// retransmits), as Linux does when its queues overflow.
/// </summary>
public sealed class TcpListener : IEventHandler
{
    private readonly Simulator _sim;
    private readonly Queue<TcpSocket> _ready = new();
    private readonly Queue<SimTask<TcpSocket>> _waiters = new();
    private int _halfOpen;
    private bool _wakePending;

    internal TcpListener(Simulator sim, Ipv4Address address, ushort port, int backlog)
    {
        if (backlog <= 0) throw new ArgumentOutOfRangeException(nameof(backlog), "backlog must be at least 1");
        _sim = sim; Address = address; Port = port; Backlog = backlog;
    }

    /// <summary>Bound address (<see cref="Ipv4Address.Any"/> for all of the host's addresses).</summary>
    public Ipv4Address Address { get; }
    /// <summary>Bound port.</summary>
    public ushort Port { get; }
    /// <summary>Most connections that may wait in SYN-RECEIVED or for accept.</summary>
    public int Backlog { get; }
    /// <summary>SYNs dropped because the backlog was full.</summary>
    public long SynsDropped { get; private set; }
    /// <summary>Connections accepted so far.</summary>
    public long Accepted { get; private set; }
    /// <summary>False after <see cref="Stop"/>.</summary>
    public bool IsListening { get; private set; } = true;

    internal Action<TcpListener>? Stopped;

    internal bool HasRoom
    {
        get
        {
            if (_halfOpen + _ready.Count < Backlog) return true;
            SynsDropped++;
            return false;
        }
    }

    internal void OnHalfOpen() => _halfOpen++;

    internal void OnHalfOpenGone() => _halfOpen--;

    internal void OnEstablished(TcpSocket socket)
    {
        _halfOpen--;
        socket.Listener = null;
        if (!IsListening) { socket.Abort(); return; }   // finished its handshake after Stop: nobody will accept it
        _ready.Enqueue(socket);
        if (!_wakePending) { _wakePending = true; _sim.Schedule(0, this); }
    }

    /// <summary>Waits for the next established connection.</summary>
    public SimTask<TcpSocket> AcceptAsync()
    {
        if (!IsListening) throw new InvalidOperationException($"listener on port {Port} is stopped");
        if (_ready.Count > 0 && _waiters.Count == 0) { Accepted++; return SimTask<TcpSocket>.FromResult(_ready.Dequeue()); }
        var t = new SimTask<TcpSocket>();
        _waiters.Enqueue(t);
        return t;
    }

    /// <summary>Stops listening; queued connections are reset, pending accepts fail.</summary>
    public void Stop()
    {
        if (!IsListening) return;
        IsListening = false;
        while (_ready.Count > 0) _ready.Dequeue().Abort();
        Stopped?.Invoke(this);
        while (_waiters.Count > 0) _waiters.Dequeue().SetFaulted(new TcpException(TcpError.Aborted, $"listener on port {Port} stopped"));
    }

    void IEventHandler.OnEvent(Simulator sim, long arg, object? state)
    {
        _wakePending = false;
        while (_ready.Count > 0 && _waiters.Count > 0)
        {
            Accepted++;
            _waiters.Dequeue().SetResult(_ready.Dequeue());
        }
    }
}
