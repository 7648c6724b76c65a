namespace MeshSim.Wire;

/// <summary>
/// An ICMPv4 message's header values. The data (echo payload, or the quoted datagram of an
/// error) is not held here: the caller writes it into <see cref="IcmpV4View.Payload"/> before
/// <see cref="Emit"/>, because the checksum covers it.
/// </summary>
/// <param name="Type">Message type (see <see cref="IcmpV4Type"/>).</param>
/// <param name="Code">Message code.</param>
/// <param name="RestOfHeader">The 4 bytes after the checksum (identifier and sequence for echo, MTU for code 4).</param>
/// <param name="DataLength">Bytes of data after the 8-byte header.</param>
public readonly record struct IcmpV4Repr(byte Type, byte Code, uint RestOfHeader, int DataLength)
{
    /// <summary>An echo request.</summary>
    public static IcmpV4Repr EchoRequest(ushort identifier, ushort sequenceNumber, int dataLength) =>
        new(IcmpV4Type.EchoRequest, 0, (uint)identifier << 16 | sequenceNumber, dataLength);

    /// <summary>An echo reply.</summary>
    public static IcmpV4Repr EchoReply(ushort identifier, ushort sequenceNumber, int dataLength) =>
        new(IcmpV4Type.EchoReply, 0, (uint)identifier << 16 | sequenceNumber, dataLength);

    /// <summary>A destination unreachable; <paramref name="nextHopMtu"/> only for code 4.
    /// <paramref name="dataLength"/> is the quoted datagram (its IP header + first 8 bytes).</summary>
    public static IcmpV4Repr DestinationUnreachable(byte code, int dataLength, ushort nextHopMtu = 0) =>
        new(IcmpV4Type.DestinationUnreachable, code, nextHopMtu, dataLength);

    /// <summary>The echo identifier (upper half of <see cref="RestOfHeader"/>).</summary>
    public ushort Identifier => (ushort)(RestOfHeader >> 16);
    /// <summary>The echo sequence number (lower half of <see cref="RestOfHeader"/>).</summary>
    public ushort SequenceNumber => (ushort)RestOfHeader;
    /// <summary>True for echo request or reply.</summary>
    public bool IsEcho => Type is IcmpV4Type.EchoRequest or IcmpV4Type.EchoReply;

    /// <summary>Reads the message; with <see cref="ChecksumMode.Verify"/> a wrong checksum is an error.</summary>
    public static bool TryParse(IcmpV4View view, ChecksumMode mode, out IcmpV4Repr repr, out WireError error)
    {
        repr = default;
        if (mode == ChecksumMode.Verify && !view.VerifyChecksum())
        {
            error = WireError.BadField(2, "icmp.checksum");
            return false;
        }
        repr = new IcmpV4Repr(view.Type, view.Code, view.RestOfHeader, view.Payload.Length);
        error = default;
        return true;
    }

    /// <summary>Header plus data.</summary>
    public int BufferLength => IcmpV4View.HeaderLength + DataLength;

    /// <summary>Writes the header (data already in place) and the checksum unless <paramref name="mode"/> is Ignore.</summary>
    public void Emit(IcmpV4View view, ChecksumMode mode)
    {
        view.Type = Type;
        view.Code = Code;
        view.RestOfHeader = RestOfHeader;
        if (mode == ChecksumMode.Ignore) view.Checksum = 0;
        else view.FillChecksum();
    }
}
