namespace MeshSim.Ovs;

/// <summary>
/// A bit range of a field, as in <c>NXM_NX_REG0[0..15]</c> or <c>NXM_OF_ETH_SRC[]</c>
/// (<see cref="Offset"/> counts from the least significant bit).
/// </summary>
public readonly record struct SubField(OvsFieldId Field, int Offset, int Bits)
{
    /// <summary>The whole field.</summary>
    public static SubField Whole(OvsFieldId field) => new(field, 0, OvsFields.Get(field).SubfieldBits);

    /// <summary>True when the range covers the whole field.</summary>
    public bool IsWhole => Offset == 0 && Bits == OvsFields.Get(Field).SubfieldBits;

    /// <summary>The range as a mask over the field's value.</summary>
    public UInt128 Mask => (Bits >= 128 ? UInt128.MaxValue : (UInt128.One << Bits) - 1) << Offset;

    /// <summary>NXM spelling, e.g. <c>NXM_NX_REG0[0..15]</c>, <c>NXM_OF_ETH_SRC[]</c>, <c>NXM_NX_REG1[3]</c>.</summary>
    public override string ToString()
    {
        var f = OvsFields.Get(Field);
        var name = f.NxmName ?? f.Name;
        return IsWhole ? $"{name}[]" : Bits == 1 ? $"{name}[{Offset}]" : $"{name}[{Offset}..{Offset + Bits - 1}]";
    }
}
