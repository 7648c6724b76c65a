using System.Buffers.Binary;

namespace MeshSim.Wire;

/// <summary>
/// ICMPv4 message view (RFC 792): type, code, checksum, the 4-byte "rest of header" (echo
/// identifier and sequence number, or the next-hop MTU of "fragmentation needed"), then data.
/// The buffer should be exactly the IPv4 payload: the checksum covers all of it.
/// </summary>
public readonly ref struct IcmpV4View
{
    /// <summary>Type, code, checksum and rest-of-header.</summary>
    public const int HeaderLength = 8;

    private static class Field
    {
        public const int Type = 0, Code = 1, Checksum = 2, Identifier = 4, SequenceNumber = 6, NextHopMtu = 6;
    }

    private readonly Span<byte> _b;
    private IcmpV4View(Span<byte> buffer) => _b = buffer;

    /// <summary>Checks that the 8-byte header is present.</summary>
    public static bool TryCreate(Span<byte> buffer, out IcmpV4View view, out WireError error)
    {
        view = new IcmpV4View(buffer);
        error = buffer.Length < HeaderLength ? WireError.Truncated(0, HeaderLength, buffer.Length, "icmp.header") : default;
        return error.IsNone;
    }

    /// <summary>A view for emitting into a buffer sized from a repr. Never for parsing input.</summary>
    public static IcmpV4View ForEmit(Span<byte> buffer) => new(buffer);

    /// <summary>Message type (see <see cref="IcmpV4Type"/>).</summary>
    public byte Type { get => _b[Field.Type]; set => _b[Field.Type] = value; }
    /// <summary>Message code.</summary>
    public byte Code { get => _b[Field.Code]; set => _b[Field.Code] = value; }
    /// <summary>Checksum over the whole message.</summary>
    public ushort Checksum { get => Get16(Field.Checksum); set => Set16(Field.Checksum, value); }
    /// <summary>The 4 bytes after the checksum, as one big-endian word.</summary>
    public uint RestOfHeader { get => BinaryPrimitives.ReadUInt32BigEndian(_b[Field.Identifier..]); set => BinaryPrimitives.WriteUInt32BigEndian(_b[Field.Identifier..], value); }
    /// <summary>Echo identifier (meaningful for echo request/reply).</summary>
    public ushort Identifier { get => Get16(Field.Identifier); set => Set16(Field.Identifier, value); }
    /// <summary>Echo sequence number (meaningful for echo request/reply).</summary>
    public ushort SequenceNumber { get => Get16(Field.SequenceNumber); set => Set16(Field.SequenceNumber, value); }
    /// <summary>Next-hop MTU (meaningful for destination unreachable, code 4, RFC 1191).</summary>
    public ushort NextHopMtu { get => Get16(Field.NextHopMtu); set => Set16(Field.NextHopMtu, value); }

    /// <summary>The data after the header (echo payload, or the offending datagram's header + 8 bytes).</summary>
    public Span<byte> Payload => _b[HeaderLength..];

    /// <summary>True when the checksum over the whole message verifies.</summary>
    public bool VerifyChecksum() => MeshSim.Wire.Checksum.IsValid(_b);

    /// <summary>Computes and writes the checksum over the whole message (data must be in place).</summary>
    public void FillChecksum()
    {
        Checksum = 0;
        Checksum = MeshSim.Wire.Checksum.Compute(_b);
    }

    private ushort Get16(int at) => BinaryPrimitives.ReadUInt16BigEndian(_b[at..]);
    private void Set16(int at, ushort v) => BinaryPrimitives.WriteUInt16BigEndian(_b[at..], v);

    /// <summary>e.g. "ICMP echo request id=1 seq=1 len=56".</summary>
    public override string ToString() => Type switch
    {
        IcmpV4Type.EchoRequest => $"ICMP echo request id={Identifier} seq={SequenceNumber} len={Payload.Length}",
        IcmpV4Type.EchoReply => $"ICMP echo reply id={Identifier} seq={SequenceNumber} len={Payload.Length}",
        IcmpV4Type.DestinationUnreachable => $"ICMP unreachable code={Code}{(Code == 4 ? $" mtu={NextHopMtu}" : "")} len={Payload.Length}",
        IcmpV4Type.TimeExceeded => $"ICMP time exceeded code={Code} len={Payload.Length}",
        _ => $"ICMP type={Type} code={Code} len={Payload.Length}",
    };
}

/// <summary>ICMPv4 message types MeshSim knows by name.</summary>
public static class IcmpV4Type
{
    /// <summary>Echo reply (0).</summary>
    public const byte EchoReply = 0;
    /// <summary>Destination unreachable (3).</summary>
    public const byte DestinationUnreachable = 3;
    /// <summary>Echo request (8).</summary>
    public const byte EchoRequest = 8;
    /// <summary>Time exceeded (11).</summary>
    public const byte TimeExceeded = 11;
}

/// <summary>Destination-unreachable codes (RFC 792, RFC 1191).</summary>
public static class IcmpV4Unreachable
{
    /// <summary>Net unreachable (0).</summary>
    public const byte Net = 0;
    /// <summary>Host unreachable (1).</summary>
    public const byte Host = 1;
    /// <summary>Protocol unreachable (2).</summary>
    public const byte Protocol = 2;
    /// <summary>Port unreachable (3).</summary>
    public const byte Port = 3;
    /// <summary>Fragmentation needed and DF set (4); carries the next-hop MTU.</summary>
    public const byte FragmentationNeeded = 4;
    /// <summary>Communication administratively prohibited (13, RFC 1812).</summary>
    public const byte AdministrativelyProhibited = 13;
}
