using MeshSim.Wire;

namespace MeshSim.Stack.Sockets;

/// <summary>TCP control bits, with the values they have in the header's flags byte.</summary>
[Flags]
public enum TcpFlags : byte
{
    /// <summary>No bits.</summary>
    None = 0,
    /// <summary>FIN.</summary>
    Fin = 0x01,
    /// <summary>SYN.</summary>
    Syn = 0x02,
    /// <summary>RST.</summary>
    Rst = 0x04,
    /// <summary>PSH.</summary>
    Psh = 0x08,
    /// <summary>ACK.</summary>
    Ack = 0x10,
    /// <summary>URG (never sent; ignored on receipt).</summary>
    Urg = 0x20,
}

/// <summary>
/// What a TCP socket acts on or emits, minus the addresses: the header fields that matter and the
/// two options the stack uses. The host translates to and from the wire (the socket never sees
/// bytes of headers), and tests drive sockets with these values directly, smoltcp-style.
/// </summary>
/// <param name="SrcPort">Source port.</param>
/// <param name="DstPort">Destination port.</param>
/// <param name="SeqNumber">Sequence number.</param>
/// <param name="AckNumber">Acknowledgment number (meaningful when <see cref="TcpFlags.Ack"/> is set).</param>
/// <param name="Flags">Control bits.</param>
/// <param name="Window">The 16-bit window field as sent (unscaled).</param>
/// <param name="Mss">MSS option, or 0 when absent (only on SYNs).</param>
/// <param name="WindowScale">Window-scale option shift, or -1 when absent (only on SYNs).</param>
public readonly record struct TcpHeader(ushort SrcPort, ushort DstPort, uint SeqNumber, uint AckNumber, TcpFlags Flags,
                                        ushort Window, ushort Mss = 0, sbyte WindowScale = -1)
{
    /// <summary>True when all of <paramref name="f"/> are set.</summary>
    public bool Has(TcpFlags f) => (Flags & f) == f;

    /// <summary>Sequence space the segment occupies: payload plus one each for SYN and FIN.</summary>
    public int SegmentLength(int payloadLength) =>
        payloadLength + ((Flags & TcpFlags.Syn) != 0 ? 1 : 0) + ((Flags & TcpFlags.Fin) != 0 ? 1 : 0);

    /// <summary>tcpdump-like one-liner for test failures.</summary>
    public override string ToString() =>
        $"{SrcPort} > {DstPort} [{Flags}] seq={SeqNumber} ack={AckNumber} win={Window}" +
        (Mss != 0 ? $" mss={Mss}" : "") + (WindowScale >= 0 ? $" wscale={WindowScale}" : "");
}

/// <summary>Where a socket's segments go: the host (which adds IPv4 and Ethernet) or a test double.</summary>
internal interface ITcpSegmentSink
{
    /// <summary>Emits one segment from <paramref name="local"/> to <paramref name="remote"/>.</summary>
    void SendSegment(Ipv4Address local, Ipv4Address remote, in TcpHeader header, ReadOnlySpan<byte> payload);

    /// <summary>The socket reached CLOSED and can be forgotten (its 4-tuple is free again).</summary>
    void OnSocketClosed(TcpSocket socket);

    /// <summary>A passively opened socket completed its handshake.</summary>
    void OnSocketEstablished(TcpSocket socket);
}
