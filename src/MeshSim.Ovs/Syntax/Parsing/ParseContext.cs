namespace MeshSim.Ovs;

/// <summary>
/// Raises a syntax error at a 0-based offset of the text being parsed (reported 1-based), and counts
/// how deeply action lists are nested (<c>ct(exec(...))</c> inside <c>ct(exec(...))</c>), so a hostile
/// line is refused as OVS refuses it instead of exhausting the stack.
/// </summary>
internal readonly struct ParseContext(int line, int columnBase, int depth = 0, bool inWriteActions = false)
{
    /// <summary>OVS's <c>MAX_OFPACT_PARSE_DEPTH</c>: the top-level list is depth 0; the 100th nested list fails.</summary>
    public const int MaxActionDepth = 100;

    public int Line { get; } = line;

    /// <summary>How many action lists enclose the one being parsed.</summary>
    public int Depth { get; } = depth;

    /// <summary>True inside <c>write_actions(...)</c>: instructions are not allowed, and the actions never reach the
    /// switch (ovs-ofctl drops the instruction over OpenFlow 1.0), so only ovs-ofctl's own checks apply.</summary>
    public bool InWriteActions { get; } = inWriteActions;

    /// <summary>The context of an action list nested in the current one.</summary>
    public ParseContext Nested(bool writeActions = false) => new(Line, columnBase, Depth + 1, InWriteActions || writeActions);

    /// <summary>1-based column of a 0-based offset.</summary>
    public int Column(int offset) => columnBase + offset + 1;

    public OvsSyntaxException Error(int offset, string message) => new(new OvsSyntaxError(Line, Column(offset), message));
}
