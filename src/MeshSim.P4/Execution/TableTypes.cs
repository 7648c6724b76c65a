namespace MeshSim.P4.Execution;

/// <summary>Match kinds of key elements (simple_switch's set).</summary>
public enum MatchKind { Exact, Lpm, Ternary, Range, Optional, Valid, Selector }

/// <summary>How the table is implemented: direct actions, an action profile, or a profile with a selector.</summary>
public enum TableImpl { Simple, Indirect, IndirectWs }

/// <summary>Result codes of runtime table operations, named like bmv2's <c>MatchErrorCode</c>.</summary>
public enum TableOpResult
{
    Success, TableFull, InvalidHandle, ExpiredHandle, CountersDisabled, MetersDisabled, AgeingDisabled,
    InvalidTableName, InvalidActionName, WrongTableType, InvalidMbrHandle, MbrStillUsed, MbrAlreadyInGrp,
    MbrNotInGrp, InvalidGrpHandle, GrpStillUsed, EmptyGrp, DuplicateEntry, BadMatchKey, InvalidMeterOperation,
    DefaultActionIsConst, DefaultEntryIsConst, NoDefaultEntry, InvalidActionProfileName, NoActionsForTable, ImmutableTable,
}

public static class TableOpResultText
{
    /// <summary>The upper-case code as simple_switch_CLI prints it, e.g. <c>DUPLICATE_ENTRY</c>.</summary>
    public static string Code(this TableOpResult r)
    {
        var s = r.ToString();
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < s.Length; i++)
        {
            if (i > 0 && char.IsUpper(s[i])) sb.Append('_');
            sb.Append(char.ToUpperInvariant(s[i]));
        }
        return sb.ToString();
    }
}

/// <summary>A key element: what to read, how to match it, and where its bytes sit in the key buffer.</summary>
/// <param name="Name">The key's name in the JSON (the P4 expression it matches).</param>
/// <param name="Kind">exact, lpm, ternary, range, optional or selector.</param>
/// <param name="Source">The value matched.</param>
/// <param name="Width">Bits of the value.</param>
/// <param name="ByteOffset">Where the element starts in the table's key buffer.</param>
/// <param name="ByteWidth">Bytes it takes there (Width rounded up).</param>
/// <param name="StaticMask">The JSON's own mask on the element, ANDed into the key, or null.</param>
/// <param name="DumpName">The name simple_switch_CLI's dumps use: "header.field", or "header_valid".</param>
public sealed record KeyElement(string Name, MatchKind Kind, Expr Source, int Width, int ByteOffset, int ByteWidth, byte[]? StaticMask, string DumpName);

/// <summary>An action with its runtime data (a direct entry, a profile member, or a default).</summary>
public sealed record ActionBinding(P4Action Action, UInt128[] Data);

/// <summary>One installed entry. Key bytes are stored pre-masked.</summary>
public sealed class TableEntry
{
    public int Handle;
    public required byte[] Key;
    public required byte[] Mask;
    /// <summary>The key as the control plane gave it (before masking): what table dumps show, as bmv2 does.</summary>
    public required byte[] ShownKey;
    /// <summary>Range starts and ends (same layout as <see cref="Key"/>, meaningful for range elements only; their Key/Mask bytes are zero).</summary>
    public byte[]? RangeStart, RangeEnd;
    public int PrefixLength;
    public int Priority;
    public ActionBinding? Action;
    /// <summary>For indirect tables: a member handle, or (with <see cref="IsGroup"/>) a group handle.</summary>
    public int IndirectHandle = -1;
    public bool IsGroup;
    public ulong Packets, Bytes;
    public MeterCell Meter;
}

/// <summary>An action profile (optionally with a selector): members bind actions, groups list members.</summary>
public sealed class ActionProfile(string name, int maxSize, Calculation? selector)
{
    public string Name { get; } = name;
    public int MaxSize { get; } = maxSize;
    public Calculation? Selector { get; } = selector;
    public SortedDictionary<int, ActionBinding> Members { get; } = new();
    /// <summary>Group handle to its member handles, kept sorted (bmv2 picks the n-th member in handle order).</summary>
    public SortedDictionary<int, List<int>> Groups { get; } = new();
    public HashSet<P4Action> Actions { get; } = [];

    public int NextFree<T>(SortedDictionary<int, T> d) { int h = 0; while (d.ContainsKey(h)) h++; return h; }

    /// <summary>Resolves a group to one member: <c>hash % size</c>-th member in handle order.</summary>
    public ActionBinding? Select(ExecContext c, int group)
    {
        if (!Groups.TryGetValue(group, out var members) || members.Count == 0) return null;
        ulong h = Selector is null ? 0 : Selector.Compute(c);
        int mbr = members[(int)(h % (ulong)members.Count)];
        c.Trace?.Line($"Action profile '{Name}': group {group} selected member {mbr} (hash {h})");
        return Members.TryGetValue(mbr, out var b) ? b : null;
    }
}
