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

    /// <summary>True when this name is a view onto another slot.</summary>
    public bool IsAlias => Slot != Id;

    /// <summary>The field's storage slot in a <see cref="Match"/>.</summary>
    public OvsField SlotField => OvsFields.Get(Slot);

    /// <summary>The field's OVS name. (The generated record ToString would recurse through <see cref="SlotField"/>.)</summary>
    public override string ToString() => Name;
}
