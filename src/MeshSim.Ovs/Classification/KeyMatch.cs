namespace MeshSim.Ovs.Classification;

/// <summary>
/// A match in classifier form: a value and a mask over <see cref="PacketKey"/> words. A packet
/// matches when <c>(packet &amp; Mask) == Value</c> word by word. <see cref="Value"/> is always kept
/// pre-masked so that two matches with the same meaning are bitwise equal.
/// </summary>
public struct KeyMatch
{
    /// <summary>The wanted bits (already masked).</summary>
    public PacketKey Value;
    /// <summary>The bits that matter.</summary>
    public PacketKey Mask;

    /// <summary>The match-everything match.</summary>
    public static KeyMatch CatchAll => default;

    /// <summary>Requires <paramref name="field"/> to equal <paramref name="value"/> under <paramref name="mask"/>
    /// (bits of the mask beyond the field's width are ignored).</summary>
    public void Set(KeyField field, ulong value, ulong mask)
    {
        mask &= field.Mask;
        Mask.Set(field, Mask.Get(field) | mask);
        Value.Set(field, (Value.Get(field) & ~mask) | (value & mask));
    }

    /// <summary>Requires <paramref name="field"/> to equal <paramref name="value"/> exactly.</summary>
    public void SetExact(KeyField field, ulong value) => Set(field, value, field.Mask);

    /// <summary>True when <paramref name="key"/> satisfies this match.</summary>
    public readonly bool Matches(in PacketKey key)
    {
        for (int i = 0; i < PacketKey.WordCount; i++)
            if ((key.Words[i] & Mask.Words[i]) != Value.Words[i]) return false;
        return true;
    }

    /// <summary>True when both have the same mask and value.</summary>
    public readonly bool SameAs(in KeyMatch other) => Mask.Equals(in other.Mask) && Value.Equals(in other.Value);
}
