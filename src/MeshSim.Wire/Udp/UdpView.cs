using System.Buffers.Binary;

namespace MeshSim.Wire;

/// <summary>
/// UDP header view (RFC 768). After <see cref="TryCreate"/> succeeds no member reads or writes
/// out of range (until someone sets <see cref="Length"/>; see its remarks).
/// </summary>
public readonly ref struct UdpView
{
    /// <summary>Header length.</summary>
    public const int HeaderLength = 8;

    private static class Field
    {
        public const int SourcePort = 0, DestinationPort = 2, Length = 4, Checksum = 6;
    }

    private readonly Span<byte> _b;
    private UdpView(Span<byte> buffer) => _b = buffer;

    /// <summary>Checks the header and that 8 ≤ length field ≤ buffer.</summary>
    public static bool TryCreate(Span<byte> buffer, out UdpView view, out WireError error)
    {
        view = new UdpView(buffer);
        if (buffer.Length < HeaderLength)
            error = WireError.Truncated(0, HeaderLength, buffer.Length, "udp.header");
        else if (view.Length < HeaderLength)
            error = WireError.BadField(Field.Length, "udp.length (expected >= 8)");
        else if (view.Length > buffer.Length)
            error = WireError.Truncated(0, view.Length, buffer.Length, "udp.length");
        else
            error = default;
        return error.IsNone;
    }

    /// <summary>A view for emitting into a buffer sized from a repr. Never for parsing input.</summary>
    public static UdpView ForEmit(Span<byte> buffer) => new(buffer);

    /// <summary>Source port.</summary>
    public ushort SourcePort { get => Get16(Field.SourcePort); set => Set16(Field.SourcePort, value); }
    /// <summary>Destination port.</summary>
    public ushort DestinationPort { get => Get16(Field.DestinationPort); set => Set16(Field.DestinationPort, value); }
    /// <summary>Header plus payload length. Setting it invalidates the TryCreate guarantee for <see cref="Payload"/>.</summary>
    public ushort Length { get => Get16(Field.Length); set => Set16(Field.Length, value); }
    /// <summary>Checksum field; 0 means "not computed".</summary>
    public ushort Checksum { get => Get16(Field.Checksum); set => Set16(Field.Checksum, value); }
    /// <summary>The payload, up to <see cref="Length"/>.</summary>
    public Span<byte> Payload => _b[HeaderLength..Length];

    /// <summary>True when the checksum is 0 ("none") or verifies against the pseudo-header.</summary>
    public bool VerifyChecksum(Ipv4Address source, Ipv4Address destination) =>
        Checksum == 0 || MeshSim.Wire.Checksum.IsValid(_b[..Length], MeshSim.Wire.Checksum.PseudoHeaderSum(source, destination, IpProtocol.Udp, Length));

    /// <summary>Computes and writes the checksum (payload in place); a computed 0 is sent as 0xFFFF.</summary>
    public void FillChecksum(Ipv4Address source, Ipv4Address destination)
    {
        Checksum = 0;
        uint pseudo = MeshSim.Wire.Checksum.PseudoHeaderSum(source, destination, IpProtocol.Udp, Length);
        Checksum = MeshSim.Wire.Checksum.UdpOnWire(MeshSim.Wire.Checksum.Compute(_b[..Length], pseudo));
    }

    private ushort Get16(int at) => BinaryPrimitives.ReadUInt16BigEndian(_b[at..]);
    private void Set16(int at, ushort v) => BinaryPrimitives.WriteUInt16BigEndian(_b[at..], v);

    /// <summary>e.g. "UDP 54321 > 53 len=12".</summary>
    public override string ToString() => $"UDP {SourcePort} > {DestinationPort} len={Length}";
}
