using System.Buffers.Binary;

namespace MeshSim.Wire;

/// <summary>
/// IPv4 header view (RFC 791), options and fragment fields included. <see cref="TryCreate"/>
/// checks version, IHL, the options' length and the total length against the buffer once; after
/// that no member reads or writes out of range (until someone sets <see cref="TotalLength"/> or
/// <see cref="HeaderLength"/>; see their remarks). Bytes past <see cref="TotalLength"/> (Ethernet
/// padding) are not part of <see cref="Payload"/>.
/// </summary>
public readonly ref struct Ipv4View
{
    /// <summary>Length of a header without options.</summary>
    public const int MinHeaderLength = 20;

    private static class Field
    {
        public const int VersionIhl = 0, Tos = 1, TotalLength = 2, Identification = 4, FlagsFragment = 6;
        public const int Ttl = 8, Protocol = 9, Checksum = 10, Source = 12, Destination = 16, Options = 20;
    }

    private const ushort DontFragmentBit = 0x4000, MoreFragmentsBit = 0x2000, OffsetMask = 0x1FFF;

    private readonly Span<byte> _b;
    private Ipv4View(Span<byte> buffer) => _b = buffer;

    /// <summary>Checks version 4, IHL ≥ 5, options present, header ≤ total length ≤ buffer.</summary>
    public static bool TryCreate(Span<byte> buffer, out Ipv4View view, out WireError error)
    {
        view = new Ipv4View(buffer);
        if (buffer.Length < MinHeaderLength)
            error = WireError.Truncated(0, MinHeaderLength, buffer.Length, "ipv4.header");
        else if (view.Version != 4)
            error = WireError.BadField(Field.VersionIhl, "ipv4.version (expected 4)");
        else if (view.HeaderLength < MinHeaderLength)
            error = WireError.BadField(Field.VersionIhl, "ipv4.ihl (expected >= 5)");
        else if (buffer.Length < view.HeaderLength)
            error = WireError.Truncated(0, view.HeaderLength, buffer.Length, "ipv4.options");
        else if (view.TotalLength < view.HeaderLength)
            error = WireError.BadField(Field.TotalLength, "ipv4.total_length (expected >= header length)");
        else if (view.TotalLength > buffer.Length)
            error = WireError.Truncated(0, view.TotalLength, buffer.Length, "ipv4.total_length");
        else
            error = default;
        return error.IsNone;
    }

    /// <summary>A view for emitting into a buffer sized from a repr. Never for parsing input.</summary>
    public static Ipv4View ForEmit(Span<byte> buffer) => new(buffer);

    /// <summary>The version nibble.</summary>
    public byte Version => (byte)(_b[Field.VersionIhl] >> 4);

    /// <summary>Header length in bytes (IHL × 4). Setting it writes version 4 too, and
    /// invalidates the TryCreate guarantee for <see cref="Options"/> and <see cref="Payload"/>.</summary>
    public int HeaderLength
    {
        get => (_b[Field.VersionIhl] & 0x0F) * 4;
        set => _b[Field.VersionIhl] = (byte)(0x40 | ((value / 4) & 0x0F));
    }

    /// <summary>The TOS byte: DSCP (upper 6 bits) and ECN (lower 2).</summary>
    public byte Tos { get => _b[Field.Tos]; set => _b[Field.Tos] = value; }
    /// <summary>Differentiated services code point.</summary>
    public byte Dscp => (byte)(Tos >> 2);
    /// <summary>Explicit congestion notification bits.</summary>
    public byte Ecn => (byte)(Tos & 3);

    /// <summary>Header plus payload length. Setting it invalidates the TryCreate guarantee for <see cref="Payload"/>.</summary>
    public ushort TotalLength { get => Get16(Field.TotalLength); set => Set16(Field.TotalLength, value); }
    /// <summary>Identification (for reassembly).</summary>
    public ushort Identification { get => Get16(Field.Identification); set => Set16(Field.Identification, value); }

    /// <summary>The raw 16-bit word: reserved bit, DF, MF and the 13-bit offset in 8-byte units.</summary>
    public ushort FlagsAndFragmentOffset { get => Get16(Field.FlagsFragment); set => Set16(Field.FlagsFragment, value); }

    /// <summary>The DF flag.</summary>
    public bool DontFragment { get => (Get16(Field.FlagsFragment) & DontFragmentBit) != 0; set => SetFlag(DontFragmentBit, value); }
    /// <summary>The MF flag.</summary>
    public bool MoreFragments { get => (Get16(Field.FlagsFragment) & MoreFragmentsBit) != 0; set => SetFlag(MoreFragmentsBit, value); }
    /// <summary>Fragment offset in bytes (the field counts 8-byte units). Setting it keeps the flags.</summary>
    public int FragmentOffset
    {
        get => (Get16(Field.FlagsFragment) & OffsetMask) * 8;
        set => Set16(Field.FlagsFragment, (ushort)((Get16(Field.FlagsFragment) & ~OffsetMask) | ((value / 8) & OffsetMask)));
    }
    /// <summary>True for any fragment: MF set or a non-zero offset.</summary>
    public bool IsFragment => (Get16(Field.FlagsFragment) & (MoreFragmentsBit | OffsetMask)) != 0;

    /// <summary>Time to live.</summary>
    public byte Ttl { get => _b[Field.Ttl]; set => _b[Field.Ttl] = value; }
    /// <summary>Protocol of the payload (see <see cref="IpProtocol"/>).</summary>
    public byte Protocol { get => _b[Field.Protocol]; set => _b[Field.Protocol] = value; }
    /// <summary>Header checksum field.</summary>
    public ushort Checksum { get => Get16(Field.Checksum); set => Set16(Field.Checksum, value); }
    /// <summary>Source address.</summary>
    public Ipv4Address Source { get => Ipv4Address.Read(_b[Field.Source..]); set => value.Write(_b[Field.Source..]); }
    /// <summary>Destination address.</summary>
    public Ipv4Address Destination { get => Ipv4Address.Read(_b[Field.Destination..]); set => value.Write(_b[Field.Destination..]); }

    /// <summary>The options bytes (empty when IHL is 5).</summary>
    public Span<byte> Options => _b[Field.Options..HeaderLength];
    /// <summary>The header, options included.</summary>
    public Span<byte> Header => _b[..HeaderLength];
    /// <summary>The payload: from the end of the header to <see cref="TotalLength"/>.</summary>
    public Span<byte> Payload => _b[HeaderLength..TotalLength];

    /// <summary>True when the header checksum verifies.</summary>
    public bool VerifyChecksum() => MeshSim.Wire.Checksum.IsValid(Header);

    /// <summary>Computes and writes the header checksum.</summary>
    public void FillChecksum()
    {
        Checksum = 0;
        Checksum = MeshSim.Wire.Checksum.Compute(Header);
    }

    private ushort Get16(int at) => BinaryPrimitives.ReadUInt16BigEndian(_b[at..]);
    private void Set16(int at, ushort v) => BinaryPrimitives.WriteUInt16BigEndian(_b[at..], v);
    private void SetFlag(ushort bit, bool on) => Set16(Field.FlagsFragment, (ushort)(on ? Get16(Field.FlagsFragment) | bit : Get16(Field.FlagsFragment) & ~bit));

    /// <summary>e.g. "IPv4 10.0.0.1 > 10.0.0.2 proto=6 ttl=64 id=1 len=60 DF".</summary>
    public override string ToString()
    {
        string frag = IsFragment ? $" frag={FragmentOffset}{(MoreFragments ? "+" : "")}" : "";
        string df = DontFragment ? " DF" : "";
        string opts = HeaderLength > MinHeaderLength ? $" options={HeaderLength - MinHeaderLength}" : "";
        return $"IPv4 {Source} > {Destination} proto={Protocol} ttl={Ttl} id={Identification} len={TotalLength}{df}{frag}{opts}";
    }
}
