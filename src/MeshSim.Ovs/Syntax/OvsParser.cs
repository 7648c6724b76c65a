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

    /// <summary>
    /// Parses a flow found at <paramref name="line"/> of a file, <paramref name="columnBase"/> characters into the
    /// line, as <c>ovs-ofctl add-flow</c> would store it on its own.
    /// </summary>
    public static FlowEntry ParseFlow(string text, int line, int columnBase)
    {
        var flow = ParseFlow(text, line, columnBase, out bool openFlow10);
        return openFlow10 ? WithOpenFlow10Match(flow) : flow;
    }

    /// <summary>
    /// Parses a flow without the normalisation that only a flow sent as an OpenFlow 1.0 match gets;
    /// <paramref name="openFlow10"/> says whether this flow could be sent that way. ovs-ofctl picks one flow format
    /// for a whole <c>add-flows</c> file, so a file's flows are normalised only when every one of them could.
    /// </summary>
    internal static FlowEntry ParseFlow(string text, int line, int columnBase, out bool openFlow10)
    {
        ArgumentNullException.ThrowIfNull(text);
        return FlowParser.Parse(text, new ParseContext(line, columnBase), out openFlow10);
    }

    /// <summary>The flow as the switch holds it after receiving it as an OpenFlow 1.0 match (VLAN rules).</summary>
    internal static FlowEntry WithOpenFlow10Match(FlowEntry flow)
    {
        var match = MatchBuilder.NormalizeOpenFlow10(flow.Match);
        return ReferenceEquals(match, flow.Match) ? flow : flow with { Match = match };
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
