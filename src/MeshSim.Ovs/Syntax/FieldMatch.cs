namespace MeshSim.Ovs;

/// <summary>
/// One matched storage slot: a packet matches when <c>(packetValue &amp; Mask) == Value</c>.
/// <see cref="Value"/> is always already masked. Values are right-aligned integers in host order
/// (an IPv4 address as its 32-bit number, a MAC as its 48-bit number, ct_state as its flag bits).
/// </summary>
public readonly record struct FieldMatch(OvsFieldId Field, UInt128 Value, UInt128 Mask)
{
    /// <summary>The registry entry of <see cref="Field"/>.</summary>
    public OvsField Info => OvsFields.Get(Field);

    /// <summary>True when every bit of the field is matched.</summary>
    public bool IsExact => Mask == Info.FullMask;

    /// <summary>Whether a packet value satisfies this match.</summary>
    public bool Matches(UInt128 packetValue) => (packetValue & Mask) == Value;
}
