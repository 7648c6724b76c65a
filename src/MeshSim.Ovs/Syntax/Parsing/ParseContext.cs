namespace MeshSim.Ovs;

/// <summary>Raises a syntax error at a 0-based offset of the text being parsed (reported 1-based).</summary>
internal readonly struct ParseContext(int line, int columnBase)
{
    public int Line { get; } = line;

    /// <summary>1-based column of a 0-based offset.</summary>
    public int Column(int offset) => columnBase + offset + 1;

    public OvsSyntaxException Error(int offset, string message) => new(new OvsSyntaxError(Line, Column(offset), message));
}
