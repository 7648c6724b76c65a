using MeshSim.Engine;
using MeshSim.Stack.Async;
using MeshSim.Wire;

namespace MeshSim.Stack.Sockets;

/// <summary>A received datagram: the sender and a copy of the payload.</summary>
public sealed record UdpDatagram(Ipv4Address From, ushort FromPort, byte[] Data);

/// <summary>
/// A UDP socket bound to a local port. Datagrams queue up to the host's limit (then are dropped and
/// counted); <see cref="ReceiveAsync"/> takes them in arrival order.
/// </summary>
public sealed class UdpSocket : IEventHandler
{
    private readonly Host _host;
    private readonly Queue<UdpDatagram> _queue = new();
    private SimTask<UdpDatagram>? _waiter;
    private bool _wakePending;

    internal UdpSocket(Host host, ushort port) { _host = host; Port = port; }

    /// <summary>Bound local port.</summary>
    public ushort Port { get; }
    /// <summary>Datagrams received.</summary>
    public long Received { get; private set; }
    /// <summary>False once closed.</summary>
    public bool IsOpen { get; private set; } = true;

    /// <summary>Sends one datagram (no fragmentation: the payload must fit the interface MTU).</summary>
    public void SendTo(Ipv4Address destination, ushort port, ReadOnlySpan<byte> payload)
    {
        if (!IsOpen) throw new InvalidOperationException($"UDP socket on port {Port} is closed");
        _host.SendUdp(Port, destination, port, payload);
    }

    /// <summary>Waits for the next datagram.</summary>
    public SimTask<UdpDatagram> ReceiveAsync()
    {
        if (_waiter is not null) throw new InvalidOperationException("a receive is already pending on this socket");
        if (_queue.Count > 0) return SimTask<UdpDatagram>.FromResult(_queue.Dequeue());
        _waiter = new SimTask<UdpDatagram>();
        return _waiter;
    }

    /// <summary>Unbinds the port.</summary>
    public void Close()
    {
        if (!IsOpen) return;
        IsOpen = false;
        _host.UnbindUdp(this);
    }

    internal bool Deliver(Ipv4Address from, ushort fromPort, ReadOnlySpan<byte> data, int limit)
    {
        if (_queue.Count >= limit) return false;
        Received++;
        _queue.Enqueue(new UdpDatagram(from, fromPort, data.ToArray()));
        if (_waiter is not null && !_wakePending) { _wakePending = true; _host.Sim.Schedule(0, this); }
        return true;
    }

    void IEventHandler.OnEvent(Simulator sim, long arg, object? state)
    {
        _wakePending = false;
        if (_waiter is { } w && _queue.Count > 0) { _waiter = null; w.SetResult(_queue.Dequeue()); }
    }
}
