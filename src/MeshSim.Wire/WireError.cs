namespace MeshSim.Wire;

/// <summary>What went wrong while reading a header.</summary>
public enum WireErrorKind : byte
{
    /// <summary>No error.</summary>
    None,
    /// <summary>The buffer stops before the header (or a length it declares) ends.</summary>
    Truncated,
    /// <summary>A field holds a value the protocol forbids (a version, a length, a checksum).</summary>
    BadField,
    /// <summary>A well-formed header this code does not handle (e.g. an unknown mesh-header version).</summary>
    Unsupported,
}

/// <summary>Allocation-free error value: what, where (byte offset from the start of the parsed
/// buffer), which field, and how many bytes were needed versus present.
/// <see cref="Field"/> is always a string literal, so creating an error never allocates.</summary>
public readonly record struct WireError(WireErrorKind Kind, int Offset, string? Field, int Need, int Have)
{
    /// <summary>True when this is the "no error" value.</summary>
    public bool IsNone => Kind == WireErrorKind.None;

    /// <summary>The buffer holds <paramref name="have"/> bytes from <paramref name="offset"/>, the header needs <paramref name="need"/>.</summary>
    public static WireError Truncated(int offset, int need, int have, string? field = null) => new(WireErrorKind.Truncated, offset, field, need, have);

    /// <summary>The field at <paramref name="offset"/> holds a forbidden value.</summary>
    public static WireError BadField(int offset, string field) => new(WireErrorKind.BadField, offset, field, 0, 0);

    /// <summary>A construct at <paramref name="offset"/> that this code does not handle.</summary>
    public static WireError Unsupported(int offset, string field) => new(WireErrorKind.Unsupported, offset, field, 0, 0);

    /// <summary>Returns a copy with <see cref="Offset"/> moved by <paramref name="delta"/>: an inner
    /// header's error reported relative to the whole frame.</summary>
    public WireError At(int delta) => this with { Offset = Offset + delta };

    /// <summary>e.g. "truncated at byte 14 (ipv4.header): need 20 bytes, have 6".</summary>
    public override string ToString() => Kind switch
    {
        WireErrorKind.None => "ok",
        WireErrorKind.Truncated => $"truncated at byte {Offset}{(Field is null ? "" : $" ({Field})")}: need {Need} bytes, have {Have}",
        WireErrorKind.BadField => $"bad {Field} at byte {Offset}",
        _ => $"unsupported {Field} at byte {Offset}",
    };
}
