using MeshSim.Wire;

namespace MeshSim.Stack.Sockets;

/// <summary>Where a socket's segments go: the host (which adds IPv4 and Ethernet) or a test double.</summary>
internal interface ITcpSegmentSink
{
    /// <summary>Emits one segment from <paramref name="local"/> to <paramref name="remote"/>.</summary>
    void SendSegment(Ipv4Address local, Ipv4Address remote, in TcpRepr segment, ReadOnlySpan<byte> payload);

    /// <summary>The socket reached CLOSED and can be forgotten (its 4-tuple is free again).</summary>
    void OnSocketClosed(TcpSocket socket);

    /// <summary>A passively opened socket completed its handshake.</summary>
    void OnSocketEstablished(TcpSocket socket);

    /// <summary>A SYN or SYN-ACK went out again after its timer expired (Linux's TCPSynRetrans).</summary>
    void OnSynRetransmitted(TcpSocket socket) { }
}
