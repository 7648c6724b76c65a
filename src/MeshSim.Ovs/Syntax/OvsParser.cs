namespace MeshSim.Ovs;

/// <summary>
/// Entry points for the ovs-ofctl language: one flow (<c>add-flow</c> syntax) or one group
/// (<c>-O OpenFlow15 add-group</c> syntax). Results are normalised as Open vSwitch 3.1 stores them;
/// errors carry the column and OVS's wording.
/// </summary>
public static class OvsParser
{
    /// <summary>Parses a flow or throws <see cref="OvsSyntaxException"/>.</summary>
    public static FlowEntry ParseFlow(string text) => ParseFlow(text, line: 0, columnBase: 0);

    /// <summary>Parses a flow found at <paramref name="line"/> of a file, <paramref name="columnBase"/> characters into the line.</summary>
    public static FlowEntry ParseFlow(string text, int line, int columnBase)
    {
        ArgumentNullException.ThrowIfNull(text);
        return FlowParser.Parse(text, new ParseContext(line, columnBase));
    }

    /// <summary>Parses a flow; on failure returns false with the error.</summary>
    public static bool TryParseFlow(string text, out FlowEntry? flow, out OvsSyntaxError? error)
    {
        try { flow = ParseFlow(text); error = null; return true; }
        catch (OvsSyntaxException e) { flow = null; error = e.Error; return false; }
    }

    /// <summary>Parses a group or throws <see cref="OvsSyntaxException"/>.</summary>
    public static GroupEntry ParseGroup(string text) => ParseGroup(text, line: 0, columnBase: 0);

    /// <summary>Parses a group found at <paramref name="line"/> of a file.</summary>
    public static GroupEntry ParseGroup(string text, int line, int columnBase)
    {
        ArgumentNullException.ThrowIfNull(text);
        return GroupParser.Parse(text, new ParseContext(line, columnBase));
    }

    /// <summary>Parses a group; on failure returns false with the error.</summary>
    public static bool TryParseGroup(string text, out GroupEntry? group, out OvsSyntaxError? error)
    {
        try { group = ParseGroup(text); error = null; return true; }
        catch (OvsSyntaxException e) { group = null; error = e.Error; return false; }
    }
}
