namespace MeshSim.Ovs;

/// <summary>An entry of a rule file with the line it came from.</summary>
public readonly record struct SourcedEntry<T>(T Entry, int Line);

/// <summary>The outcome of reading a rule file: the entries (as the switch would hold them) and every error.</summary>
public sealed record RuleFileResult<T>(IReadOnlyList<SourcedEntry<T>> Entries, IReadOnlyList<OvsSyntaxError> Errors)
{
    /// <summary>True when no line was rejected.</summary>
    public bool Ok => Errors.Count == 0;
}

/// <summary>
/// Reads <c>ovs-ofctl add-flows FILE</c> / <c>add-groups FILE</c> files: one entry per line, <c>#</c>
/// starts a comment, blank lines are skipped, a trailing backslash continues the line. Adding a
/// flow whose table, priority and match equal an earlier one replaces it, and a group with an
/// existing id is an error, as on a real switch.
/// </summary>
public static class OvsRuleFile
{
    /// <summary>Parses a flows file; all lines are checked, so every error is reported.</summary>
    public static RuleFileResult<FlowEntry> ParseFlows(string content)
    {
        var parsed = new List<SourcedEntry<FlowEntry>>();
        var errors = new List<OvsSyntaxError>();
        bool openFlow10 = true;
        foreach (var (text, line, column) in Lines(content))
        {
            try
            {
                parsed.Add(new SourcedEntry<FlowEntry>(OvsParser.ParseFlow(text, line, column, out bool of10), line));
                openFlow10 &= of10;
            }
            catch (OvsSyntaxException e) { errors.Add(e.Error); }
        }
        // ovs-ofctl add-flows sends the whole file in one flow format: OpenFlow 1.0 only if every flow allows it.
        if (openFlow10)
            for (int i = 0; i < parsed.Count; i++)
                parsed[i] = parsed[i] with { Entry = OvsParser.WithOpenFlow10Match(parsed[i].Entry) };

        var byKey = new Dictionary<(byte, ushort, Match), int>();
        var entries = new List<SourcedEntry<FlowEntry>?>();
        foreach (var entry in parsed)
        {
            var flow = entry.Entry;
            var key = (flow.Table, flow.Priority, flow.Match);
            if (byKey.TryGetValue(key, out int old)) entries[old] = null;   // add over an identical flow replaces it
            byKey[key] = entries.Count;
            entries.Add(entry);
        }
        return new RuleFileResult<FlowEntry>(entries.Where(e => e is not null).Select(e => e!.Value).ToList(), errors);
    }

    /// <summary>Parses a groups file.</summary>
    public static RuleFileResult<GroupEntry> ParseGroups(string content)
    {
        var seen = new Dictionary<uint, int>();
        var entries = new List<SourcedEntry<GroupEntry>>();
        var errors = new List<OvsSyntaxError>();
        foreach (var (text, line, column) in Lines(content))
        {
            try
            {
                var group = OvsParser.ParseGroup(text, line, column);
                if (seen.TryGetValue(group.GroupId, out int firstLine))
                {
                    errors.Add(new OvsSyntaxError(line, column + 1, $"group {group.GroupId} already exists (added on line {firstLine}) (OFPGMFC_GROUP_EXISTS)"));
                    continue;
                }
                seen[group.GroupId] = line;
                entries.Add(new SourcedEntry<GroupEntry>(group, line));
            }
            catch (OvsSyntaxException e) { errors.Add(e.Error); }
        }
        return new RuleFileResult<GroupEntry>(entries, errors);
    }

    /// <summary>
    /// OVS refuses a flow whose <c>group:N</c> names a group the switch does not have
    /// (OFPBAC_BAD_OUT_GROUP). Given the groups that exist, returns one error per such flow.
    /// </summary>
    public static IReadOnlyList<OvsSyntaxError> CheckGroupReferences(IEnumerable<SourcedEntry<FlowEntry>> flows, IReadOnlySet<uint> groupIds)
    {
        var errors = new List<OvsSyntaxError>();
        foreach (var (flow, line) in flows)
            if (MissingGroup(flow, groupIds.Contains) is { } message) errors.Add(new OvsSyntaxError(line, 1, message));
        return errors;
    }

    /// <summary>
    /// The switch's check when a flow is added (ofproto_check_ofpacts): the message for the first <c>group:N</c>
    /// naming a group <paramref name="exists"/> denies, or null when every group exists. (Groups inside
    /// <c>write_actions(...)</c> never reach the switch, which is why they are not looked at.)
    /// </summary>
    public static string? MissingGroup(FlowEntry flow, Func<uint, bool> exists)
    {
        foreach (var a in flow.Actions)
            if (a is GroupAction g && !exists(g.GroupId))
                return $"group:{g.GroupId} refers to a group that does not exist (OFPBAC_BAD_OUT_GROUP); add the group first";
        return null;
    }

    /// <summary>
    /// The flows in the order MeshSim dumps them: by table, then priority (highest first), then the
    /// order they were added. (OVS's own unsorted order follows its hash tables and is not reproducible.)
    /// </summary>
    public static IEnumerable<FlowEntry> DumpOrder(IEnumerable<FlowEntry> flows) =>
        flows.Select((f, i) => (f, i)).OrderBy(x => x.f.Table).ThenByDescending(x => x.f.Priority).ThenBy(x => x.i).Select(x => x.f);

    /// <summary>The groups in dump order: by group id.</summary>
    public static IEnumerable<GroupEntry> DumpOrder(IEnumerable<GroupEntry> groups) => groups.OrderBy(g => g.GroupId);

    /// <summary>Splits into logical lines: (text without comment, 1-based line number, 0-based column of the text's first character).</summary>
    internal static IEnumerable<(string Text, int Line, int Column)> Lines(string content)
    {
        var lines = content.Replace("\r\n", "\n").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            int startLine = i + 1;
            string text = StripComment(lines[i]);
            while (text.EndsWith('\\') && i + 1 < lines.Length)
            {
                text = text[..^1] + StripComment(lines[++i]);
            }
            int lead = 0;
            while (lead < text.Length && char.IsWhiteSpace(text[lead])) lead++;
            string trimmed = text[lead..].TrimEnd();
            if (trimmed.Length == 0) continue;
            yield return (trimmed, startLine, lead);
        }
    }

    private static string StripComment(string line)
    {
        int hash = line.IndexOf('#');
        return hash < 0 ? line : line[..hash];
    }
}
