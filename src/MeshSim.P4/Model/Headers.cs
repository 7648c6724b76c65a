namespace MeshSim.P4.Model;

/// <summary>A field of a header type. <see cref="BitOffset"/> is its position inside the header's wire form.</summary>
public sealed record FieldDef(string Name, int Width, bool Signed, int BitOffset)
{
    /// <summary>True for the single variable-length (<c>"*"</c>) field a header type may have.</summary>
    public bool IsVarbit => Width < 0;
}

/// <summary>A header type: fields in wire order, fixed width, and at most one varbit field.</summary>
public sealed class HeaderType
{
    public required string Name { get; init; }
    public required int Id { get; init; }
    public required FieldDef[] Fields { get; init; }
    /// <summary>Sum of the fixed fields' widths.</summary>
    public int FixedBits { get; init; }
    /// <summary>Index of the varbit field in <see cref="Fields"/>, or -1.</summary>
    public int VarbitIndex { get; init; } = -1;
    /// <summary>Maximum header length in bytes when the type has a varbit field.</summary>
    public int MaxLengthBytes { get; init; }
    public int FieldIndex(string name) => Array.FindIndex(Fields, f => f.Name == name);
}

/// <summary>A header (or metadata) instance. Its fields occupy <c>[FieldBase, FieldBase + Type.Fields.Length)</c> in packet state.</summary>
public sealed class HeaderInstance
{
    public required string Name { get; init; }
    public required int Id { get; init; }
    public required int Index { get; init; }
    public required HeaderType Type { get; init; }
    public required bool Metadata { get; init; }
    public required int FieldBase { get; init; }
    /// <summary>Index into the varbit buffers when the type has a varbit field, else -1.</summary>
    public int VarbitSlot { get; init; } = -1;
    /// <summary>Index of the union this header belongs to, or -1.</summary>
    public int UnionIndex { get; set; } = -1;
}

/// <summary>A header stack: an ordered list of header instances of one type.</summary>
public sealed record HeaderStack(string Name, int Id, int Index, HeaderType Type, int[] Headers);

/// <summary>A header union: members of which at most one is valid.</summary>
public sealed record HeaderUnion(string Name, int Id, int Index, int[] Headers);
