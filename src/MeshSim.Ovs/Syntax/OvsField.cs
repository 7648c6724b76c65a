namespace MeshSim.Ovs;

/// <summary>
/// One entry of the field registry: names, width, masking and prerequisites, mirroring OVS's
/// <c>struct mf_field</c> (ovs-fields(7) is the contract).
/// </summary>
/// <param name="Id">The field.</param>
/// <param name="Name">The name OVS prints in a match (e.g. <c>dl_src</c>, <c>nw_dst</c>).</param>
/// <param name="Aliases">Other names the parser accepts (e.g. <c>eth_src</c>, <c>ip_dst</c>).</param>
/// <param name="OxmName">The name OVS prints in <c>set_field:V-&gt;NAME</c> (OpenFlow 1.2+ spelling).</param>
/// <param name="NxmName">The name OVS prints in <c>load</c>/<c>move</c> subfields (<c>NXM_OF_ETH_SRC</c>), or null when it has none.</param>
/// <param name="Bits">Width in bits.</param>
/// <param name="Maskable">Whether a match may carry an arbitrary mask.</param>
/// <param name="Writable">Whether set_field/load/move may write it.</param>
/// <param name="Prerequisite">What the match must also say.</param>
/// <param name="Format">How values are printed.</param>
/// <param name="Slot">The storage field this one lives in (itself for non-aliases).</param>
/// <param name="Shift">Bit position of this field inside <paramref name="Slot"/>.</param>
public sealed record OvsField(
    OvsFieldId Id,
    string Name,
    string[] Aliases,
    string OxmName,
    string? NxmName,
    int Bits,
    bool Maskable,
    bool Writable,
    FieldPrerequisite Prerequisite,
    FieldFormat Format,
    OvsFieldId Slot,
    int Shift)
{
    /// <summary>All ones over the field's width.</summary>
    public UInt128 FullMask => Bits >= 128 ? UInt128.MaxValue : (UInt128.One << Bits) - 1;

    /// <summary>
    /// The width subfield syntax (<c>NAME[]</c>, <c>NAME[a..b]</c>) and move/load/push count, OVS's <c>n_bits</c>:
    /// <see cref="Bits"/> except for vlan_vid, whose OFPVID_PRESENT bit (0x1000) is a valid value but not one of its 12 bits.
    /// </summary>
    public int SubfieldBits => Id == OvsFieldId.VlanVid ? 12 : Bits;

    /// <summary>True when this name is a view onto another slot.</summary>
    public bool IsAlias => Slot != Id;

    /// <summary>The field's storage slot in a <see cref="Match"/>.</summary>
    public OvsField SlotField => OvsFields.Get(Slot);

    /// <summary>
    /// Every NXM/OXM header name OVS knows for the field (<c>NXM_OF_ETH_SRC</c>, <c>OXM_OF_ETH_SRC</c>): subfield
    /// syntax (<c>load</c>, <c>move</c>, <c>push</c>, <c>FIELD[bits]=V</c> matches) accepts them, matches and
    /// <c>set_field</c> do not. The preferred one, which OVS prints, is <see cref="NxmName"/>.
    /// </summary>
    public IReadOnlyList<string> HeaderNames { get; init; } = [];

    /// <summary>
    /// For a field wider than one register (<c>xreg</c>, <c>xxreg</c>): the 32-bit registers it is made of, most
    /// significant first; null otherwise. Such a field is split into its registers when matched.
    /// </summary>
    public IReadOnlyList<OvsFieldId>? Parts { get; init; }

    /// <summary>How an OpenFlow 1.0 match can carry the field (ovs-fields(7) "OF1.0:"); a match or set_field that needs
    /// more makes ovs-ofctl talk NXM, which keeps masks OpenFlow 1.0 would normalise (see MatchBuilder).</summary>
    public Of10Support Of10 { get; init; }

    /// <summary>The field's OVS name. (The generated record ToString would recurse through <see cref="SlotField"/>.)</summary>
    public override string ToString() => Name;
}

/// <summary>What an OpenFlow 1.0 match (and OpenFlow 1.0 set action) can express of a field.</summary>
public enum Of10Support : byte
{
    /// <summary>Nothing: matching or setting the field needs NXM.</summary>
    None,
    /// <summary>Exact matches only.</summary>
    Exact,
    /// <summary>Exact matches and CIDR masks (IPv4 addresses).</summary>
    Cidr,
}
