using MeshSim.Wire;

namespace MeshSim.Stack.Sockets;

/// <summary>Helpers over <see cref="TcpRepr"/> that the state machine reads like RFC 9293's prose.</summary>
internal static class TcpReprExtensions
{
    /// <summary>True when all of <paramref name="f"/> are set.</summary>
    public static bool Has(this in TcpRepr r, TcpFlags f) => (r.Flags & f) == f;

    /// <summary>Sequence space the segment occupies: payload plus one each for SYN and FIN.</summary>
    public static int SegmentLength(this in TcpRepr r, int payloadLength) =>
        payloadLength + ((r.Flags & TcpFlags.Syn) != 0 ? 1 : 0) + ((r.Flags & TcpFlags.Fin) != 0 ? 1 : 0);
}

/// <summary>Where a socket's segments go: the host (which adds IPv4 and Ethernet) or a test double.</summary>
internal interface ITcpSegmentSink
{
    /// <summary>Emits one segment from <paramref name="local"/> to <paramref name="remote"/>.</summary>
    void SendSegment(Ipv4Address local, Ipv4Address remote, in TcpRepr segment, ReadOnlySpan<byte> payload);

    /// <summary>The socket reached CLOSED and can be forgotten (its 4-tuple is free again).</summary>
    void OnSocketClosed(TcpSocket socket);

    /// <summary>A passively opened socket completed its handshake.</summary>
    void OnSocketEstablished(TcpSocket socket);
}
