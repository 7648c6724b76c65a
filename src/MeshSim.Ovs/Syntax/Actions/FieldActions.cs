namespace MeshSim.Ovs;

/// <summary>
/// <c>set_field:V[/M]-&gt;F</c>, and every <c>mod_*</c> action (<c>mod_dl_src</c>, <c>mod_nw_dst</c>,
/// <c>mod_tp_dst</c>, …), which OVS treats as set_field on the named field. Writes
/// <c>(old &amp; ~Mask) | (Value &amp; Mask)</c> into <see cref="Field"/>; <see cref="Field"/> may be an
/// alias (e.g. <see cref="OvsFieldId.TcpDst"/>) whose storage is <see cref="OvsField.Slot"/> shifted by
/// <see cref="OvsField.Shift"/>. Value and mask are right-aligned in the field.
/// </summary>
public sealed record SetFieldAction(OvsFieldId Field, UInt128 Value, UInt128 Mask) : OvsAction
{
    /// <summary>
    /// True when written as a legacy <c>mod_*</c> action (mod_dl_src, mod_nw_ttl, mod_tp_dst…).
    /// Execution is identical; only the printed spelling differs (e.g. <c>mod_nw_ttl</c> stays
    /// <c>mod_nw_ttl</c> over OpenFlow 1.5 while <c>set_field:…-&gt;nw_ttl</c> does not).
    /// </summary>
    public bool Legacy { get; init; }

    /// <summary>set_field of the whole field.</summary>
    public static SetFieldAction Whole(OvsFieldId field, UInt128 value) => new(field, value, OvsFields.Get(field).FullMask);
}

/// <summary>
/// <c>load:V-&gt;F[a..b]</c>: write a constant into a bit range. Semantically this is
/// <see cref="SetFieldAction"/> with the range as mask (OVS stores it that way too); see <see cref="ToSetField"/>.
/// </summary>
public sealed record LoadAction(SubField Destination, UInt128 Value) : OvsAction
{
    /// <summary>The value aligned with <see cref="SubField.Mask"/> of <see cref="Destination"/>: what a masked set_field writes.</summary>
    public UInt128 AlignedValue => Value << Destination.Offset;

    /// <summary>The equivalent masked set_field (allocates: for printing and comparing, not per packet).</summary>
    public SetFieldAction ToSetField() => new(Destination.Field, AlignedValue, Destination.Mask);
}

/// <summary><c>move:SRC[a..b]-&gt;DST[c..d]</c>: copy bits between fields (equal widths).</summary>
public sealed record MoveAction(SubField Source, SubField Destination) : OvsAction;
