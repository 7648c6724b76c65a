using System.Buffers.Binary;

namespace MeshSim.Wire;

/// <summary>
/// TCP header view (RFC 9293). TCP has no length field, so the buffer must be exactly the IPv4
/// payload (<see cref="Ipv4View.Payload"/>): everything after the header is <see cref="Payload"/>.
/// After <see cref="TryCreate"/> succeeds no member reads or writes out of range.
/// </summary>
public readonly ref struct TcpView
{
    /// <summary>Length of a header without options.</summary>
    public const int MinHeaderLength = 20;

    private static class Field
    {
        public const int SourcePort = 0, DestinationPort = 2, SequenceNumber = 4, AcknowledgmentNumber = 8;
        public const int DataOffsetFlags = 12, WindowSize = 14, Checksum = 16, UrgentPointer = 18, Options = 20;
    }

    private readonly Span<byte> _b;
    private TcpView(Span<byte> buffer) => _b = buffer;

    /// <summary>Checks the fixed header, data offset ≥ 5 and that the options are present.</summary>
    public static bool TryCreate(Span<byte> buffer, out TcpView view, out WireError error)
    {
        view = new TcpView(buffer);
        if (buffer.Length < MinHeaderLength)
            error = WireError.Truncated(0, MinHeaderLength, buffer.Length, "tcp.header");
        else if (view.HeaderLength < MinHeaderLength)
            error = WireError.BadField(Field.DataOffsetFlags, "tcp.data_offset (expected >= 5)");
        else if (view.HeaderLength > buffer.Length)
            error = WireError.Truncated(0, view.HeaderLength, buffer.Length, "tcp.options");
        else
            error = default;
        return error.IsNone;
    }

    /// <summary>A view for emitting into a buffer sized from a repr. Never for parsing input.</summary>
    public static TcpView ForEmit(Span<byte> buffer) => new(buffer);

    /// <summary>Source port.</summary>
    public ushort SourcePort { get => Get16(Field.SourcePort); set => Set16(Field.SourcePort, value); }
    /// <summary>Destination port.</summary>
    public ushort DestinationPort { get => Get16(Field.DestinationPort); set => Set16(Field.DestinationPort, value); }
    /// <summary>Sequence number.</summary>
    public uint SequenceNumber { get => Get32(Field.SequenceNumber); set => Set32(Field.SequenceNumber, value); }
    /// <summary>Acknowledgment number.</summary>
    public uint AcknowledgmentNumber { get => Get32(Field.AcknowledgmentNumber); set => Set32(Field.AcknowledgmentNumber, value); }

    /// <summary>Header length in bytes (data offset × 4). Setting it keeps the flags, and
    /// invalidates the TryCreate guarantee for <see cref="Options"/> and <see cref="Payload"/>.</summary>
    public int HeaderLength
    {
        get => (_b[Field.DataOffsetFlags] >> 4) * 4;
        set => _b[Field.DataOffsetFlags] = (byte)(((value / 4) << 4) | (_b[Field.DataOffsetFlags] & 0x0F));
    }

    /// <summary>The 12 flag bits (the 3 reserved bits included, as OVS's tcp_flags). Setting keeps the data offset.</summary>
    public TcpFlags Flags
    {
        get => (TcpFlags)(Get16(Field.DataOffsetFlags) & 0x0FFF);
        set => Set16(Field.DataOffsetFlags, (ushort)((Get16(Field.DataOffsetFlags) & 0xF000) | ((ushort)value & 0x0FFF)));
    }
    /// <summary>SYN is set.</summary>
    public bool Syn => (Flags & TcpFlags.Syn) != 0;
    /// <summary>ACK is set.</summary>
    public bool Ack => (Flags & TcpFlags.Ack) != 0;
    /// <summary>FIN is set.</summary>
    public bool Fin => (Flags & TcpFlags.Fin) != 0;
    /// <summary>RST is set.</summary>
    public bool Rst => (Flags & TcpFlags.Rst) != 0;
    /// <summary>PSH is set.</summary>
    public bool Psh => (Flags & TcpFlags.Psh) != 0;

    /// <summary>Receive window (unscaled, as on the wire).</summary>
    public ushort WindowSize { get => Get16(Field.WindowSize); set => Set16(Field.WindowSize, value); }
    /// <summary>Checksum field.</summary>
    public ushort Checksum { get => Get16(Field.Checksum); set => Set16(Field.Checksum, value); }
    /// <summary>Urgent pointer.</summary>
    public ushort UrgentPointer { get => Get16(Field.UrgentPointer); set => Set16(Field.UrgentPointer, value); }

    /// <summary>The option bytes (parse them with <see cref="TcpOptions.TryParse"/>).</summary>
    public Span<byte> Options => _b[Field.Options..HeaderLength];
    /// <summary>Everything after the header.</summary>
    public Span<byte> Payload => _b[HeaderLength..];

    /// <summary>True when the checksum (header, payload and pseudo-header) verifies.</summary>
    public bool VerifyChecksum(Ipv4Address source, Ipv4Address destination) =>
        MeshSim.Wire.Checksum.IsValid(_b, MeshSim.Wire.Checksum.PseudoHeaderSum(source, destination, IpProtocol.Tcp, _b.Length));

    /// <summary>Computes and writes the checksum (payload in place).</summary>
    public void FillChecksum(Ipv4Address source, Ipv4Address destination)
    {
        Checksum = 0;
        Checksum = MeshSim.Wire.Checksum.Compute(_b, MeshSim.Wire.Checksum.PseudoHeaderSum(source, destination, IpProtocol.Tcp, _b.Length));
    }

    private ushort Get16(int at) => BinaryPrimitives.ReadUInt16BigEndian(_b[at..]);
    private void Set16(int at, ushort v) => BinaryPrimitives.WriteUInt16BigEndian(_b[at..], v);
    private uint Get32(int at) => BinaryPrimitives.ReadUInt32BigEndian(_b[at..]);
    private void Set32(int at, uint v) => BinaryPrimitives.WriteUInt32BigEndian(_b[at..], v);

    /// <summary>e.g. "TCP 40000 > 80 [S.] seq=1 ack=2 win=65535 len=0".</summary>
    public override string ToString() =>
        $"TCP {SourcePort} > {DestinationPort} [{FlagText(Flags)}] seq={SequenceNumber} ack={AcknowledgmentNumber} win={WindowSize} len={Payload.Length}";

    /// <summary>tcpdump's flag letters: S F R P . (ACK) U E W.</summary>
    public static string FlagText(TcpFlags f)
    {
        Span<char> c = stackalloc char[9];
        int n = 0;
        if ((f & TcpFlags.Syn) != 0) c[n++] = 'S';
        if ((f & TcpFlags.Fin) != 0) c[n++] = 'F';
        if ((f & TcpFlags.Rst) != 0) c[n++] = 'R';
        if ((f & TcpFlags.Psh) != 0) c[n++] = 'P';
        if ((f & TcpFlags.Urg) != 0) c[n++] = 'U';
        if ((f & TcpFlags.Ece) != 0) c[n++] = 'E';
        if ((f & TcpFlags.Cwr) != 0) c[n++] = 'W';
        if ((f & TcpFlags.Ack) != 0) c[n++] = '.';
        return n == 0 ? "none" : new string(c[..n]);
    }
}
