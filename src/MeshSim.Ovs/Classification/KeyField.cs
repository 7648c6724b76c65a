namespace MeshSim.Ovs.Classification;

/// <summary>
/// Where one matchable field lives inside a <see cref="PacketKey"/>: word index, bit shift and width.
/// The table below is the single source of truth for the layout; values are stored right-aligned in
/// host order (an IPv4 address 10.0.0.1 is 0x0A000001).
/// </summary>
public readonly record struct KeyField(string Name, int Word, int Shift, int Bits)
{
    /// <summary>All-ones of the field's width, right-aligned.</summary>
    public ulong Mask => Bits == 64 ? ulong.MaxValue : (1UL << Bits) - 1;

    /// <summary>The field's bits in place inside its word.</summary>
    public ulong WordMask => Mask << Shift;

    // Word 0..6: headers (see PacketKey.LoadHeaders); the low 16 bits of words 4..6 hold conntrack metadata.
    public static readonly KeyField InPort = new("in_port", 0, 32, 32);
    public static readonly KeyField DlType = new("dl_type", 0, 16, 16);
    public static readonly KeyField VlanTci = new("vlan_tci", 0, 0, 16);
    public static readonly KeyField DlSrc = new("dl_src", 1, 16, 48);
    public static readonly KeyField NwProto = new("nw_proto", 1, 8, 8);
    public static readonly KeyField NwTos = new("nw_tos", 1, 0, 8);
    public static readonly KeyField DlDst = new("dl_dst", 2, 16, 48);
    public static readonly KeyField NwTtl = new("nw_ttl", 2, 8, 8);
    public static readonly KeyField NwFrag = new("nw_frag", 2, 0, 8);
    public static readonly KeyField NwSrc = new("nw_src", 3, 32, 32);
    public static readonly KeyField NwDst = new("nw_dst", 3, 0, 32);
    public static readonly KeyField TpSrc = new("tp_src", 4, 48, 16);
    public static readonly KeyField TpDst = new("tp_dst", 4, 32, 16);
    public static readonly KeyField TcpFlags = new("tcp_flags", 4, 16, 16);
    public static readonly KeyField CtState = new("ct_state", 4, 8, 8);
    public static readonly KeyField CtNwProto = new("ct_nw_proto", 4, 0, 8);
    public static readonly KeyField ArpSha = new("arp_sha", 5, 16, 48);
    public static readonly KeyField CtZone = new("ct_zone", 5, 0, 16);
    public static readonly KeyField ArpTha = new("arp_tha", 6, 16, 48);
    public static readonly KeyField CtTpSrc = new("ct_tp_src", 6, 0, 16);
    public static readonly KeyField CtMark = new("ct_mark", 7, 32, 32);
    public static readonly KeyField CtTpDst = new("ct_tp_dst", 7, 16, 16);
    public static readonly KeyField CtNwSrc = new("ct_nw_src", 8, 32, 32);
    public static readonly KeyField CtNwDst = new("ct_nw_dst", 8, 0, 32);
    public static readonly KeyField Metadata = new("metadata", 9, 0, 64);
    public static readonly KeyField PktMark = new("pkt_mark", 18, 32, 32);
    public static readonly KeyField CtLabelHigh = new("ct_label[64..127]", 19, 0, 64);
    public static readonly KeyField CtLabelLow = new("ct_label[0..63]", 20, 0, 64);

    private static readonly KeyField[] Regs = Enumerable.Range(0, 16)
        .Select(i => new KeyField($"reg{i}", 10 + i / 2, i % 2 == 0 ? 32 : 0, 32)).ToArray();

    /// <summary>Register reg<paramref name="index"/> (0..15).</summary>
    public static KeyField Reg(int index) => Regs[index];

    /// <summary>Every field, in layout order.</summary>
    public static readonly IReadOnlyList<KeyField> All =
    [
        InPort, DlType, VlanTci, DlSrc, NwProto, NwTos, DlDst, NwTtl, NwFrag, NwSrc, NwDst,
        TpSrc, TpDst, TcpFlags, CtState, CtNwProto, ArpSha, CtZone, ArpTha, CtTpSrc,
        CtMark, CtTpDst, CtNwSrc, CtNwDst, Metadata, .. Regs, PktMark, CtLabelHigh, CtLabelLow,
    ];

    /// <summary>Finds a field by its canonical name ("nw_src", "reg3"), or null.</summary>
    public static KeyField? Find(string name)
    {
        foreach (var f in All) if (f.Name == name) return f;
        return null;
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
