using System.Buffers.Binary;

namespace MeshSim.Wire;

/// <summary>
/// Ethernet II frame view, 802.1Q aware: when bytes 12–13 hold a VLAN tag protocol identifier
/// (0x8100 or 0x88A8), <see cref="VlanTci"/> is the tag's TCI and <see cref="EtherType"/> the type
/// after the tag. Only the outermost tag is interpreted (as OVS with vlan-limit=1).
/// After <see cref="TryCreate"/> succeeds no member reads or writes out of range.
/// </summary>
public readonly ref struct EthernetView
{
    /// <summary>Length of an untagged header (destination, source, type).</summary>
    public const int UntaggedHeaderLength = 14;
    /// <summary>Length of an 802.1Q tag (TPID + TCI).</summary>
    public const int VlanTagLength = 4;

    private static class Field
    {
        public const int Destination = 0, Source = 6, TypeOrTpid = 12, Tci = 14, InnerType = 16;
    }

    private readonly Span<byte> _b;
    private EthernetView(Span<byte> buffer) => _b = buffer;

    /// <summary>Checks that <paramref name="buffer"/> holds the whole header (tag included).</summary>
    public static bool TryCreate(Span<byte> buffer, out EthernetView view, out WireError error)
    {
        view = new EthernetView(buffer);
        if (buffer.Length < UntaggedHeaderLength)
            error = WireError.Truncated(0, UntaggedHeaderLength, buffer.Length, "eth.header");
        else if (view.HasVlanTag && buffer.Length < UntaggedHeaderLength + VlanTagLength)
            error = WireError.Truncated(0, UntaggedHeaderLength + VlanTagLength, buffer.Length, "eth.vlan");
        else
            error = default;
        return error.IsNone;
    }

    /// <summary>A view for emitting into a buffer sized from a repr. Never for parsing input:
    /// a reused buffer holds stale bytes, so checks on it mean nothing.</summary>
    public static EthernetView ForEmit(Span<byte> buffer) => new(buffer);

    /// <summary>The whole frame this view covers.</summary>
    public Span<byte> Buffer => _b;

    /// <summary>Destination address.</summary>
    public MacAddress Destination { get => MacAddress.Read(_b[Field.Destination..]); set => value.Write(_b[Field.Destination..]); }
    /// <summary>Source address.</summary>
    public MacAddress Source { get => MacAddress.Read(_b[Field.Source..]); set => value.Write(_b[Field.Source..]); }

    /// <summary>True when bytes 12–13 hold a VLAN TPID.</summary>
    public bool HasVlanTag => MeshSim.Wire.EtherType.IsVlanTag(BinaryPrimitives.ReadUInt16BigEndian(_b[Field.TypeOrTpid..]));

    /// <summary>The tag protocol identifier (0x8100 / 0x88A8), or 0 when untagged.</summary>
    public ushort VlanTpid => HasVlanTag ? BinaryPrimitives.ReadUInt16BigEndian(_b[Field.TypeOrTpid..]) : (ushort)0;

    /// <summary>The tag's TCI (PCP, DEI, VID) as on the wire, or 0 when untagged.</summary>
    public ushort VlanTci
    {
        get => HasVlanTag ? BinaryPrimitives.ReadUInt16BigEndian(_b[Field.Tci..]) : (ushort)0;
        set => BinaryPrimitives.WriteUInt16BigEndian(_b[Field.Tci..], value); // caller has written the TPID
    }

    /// <summary>Writes a tag protocol identifier at bytes 12–13 (turning the header into a tagged one).</summary>
    public void SetVlanTpid(ushort tpid) => BinaryPrimitives.WriteUInt16BigEndian(_b[Field.TypeOrTpid..], tpid);

    /// <summary>The EtherType after any tag.</summary>
    public ushort EtherType
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_b[TypeOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_b[TypeOffset..], value);
    }

    /// <summary>14, or 18 with a VLAN tag.</summary>
    public int HeaderLength => HasVlanTag ? UntaggedHeaderLength + VlanTagLength : UntaggedHeaderLength;

    /// <summary>Everything after the header (including any trailing padding).</summary>
    public Span<byte> Payload => _b[HeaderLength..];

    private int TypeOffset => HasVlanTag ? Field.InnerType : Field.TypeOrTpid;

    /// <summary>e.g. "ETH 02:00:00:00:00:01 > 02:00:00:00:00:02 vlan=10 type=0x0800".</summary>
    public override string ToString() =>
        HasVlanTag
            ? $"ETH {Source} > {Destination} vlan={VlanTci & 0x0FFF} pcp={VlanTci >> 13} type=0x{EtherType:x4}"
            : $"ETH {Source} > {Destination} type=0x{EtherType:x4}";
}
