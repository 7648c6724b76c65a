using System.Text;

namespace MeshSim.Ovs.Tests.Conformance;

/// <summary>
/// Loads the same rule text into MeshSim and into a real bridge and compares what each accepts,
/// rejects and prints. Dumps are compared as sorted line sets because OVS's own dump order follows
/// its hash tables; everything else must match character for character.
/// </summary>
public static class Conformance
{
    /// <summary>Disagreements found, empty when MeshSim and OVS agree.</summary>
    public sealed class Report
    {
        public List<string> Problems { get; } = [];
        public int Compared { get; set; }
        public int RejectedByBoth { get; set; }
        public override string ToString()
        {
            var sb = new StringBuilder();
            sb.AppendLine($"{Problems.Count} disagreement(s) with Open vSwitch ({Compared} lines compared, {RejectedByBoth} rejected by both):");
            foreach (var p in Problems.Take(40)) sb.AppendLine(p);
            return sb.ToString();
        }
    }

    /// <summary>
    /// Flow lines: MeshSim's accepted flows are added to the bridge in one add-flows batch and the
    /// dumps compared; each line MeshSim rejects is added alone and OVS must reject it too
    /// (at most <paramref name="maxRejectChecks"/> of them, since each costs a process).
    /// </summary>
    public static Report CompareFlows(OvsBridge bridge, IReadOnlyList<string> lines, int maxRejectChecks = 200,
                                      IReadOnlyList<string>? groups = null)
    {
        void Reset()
        {
            bridge.Clear();
            if (groups is { Count: > 0 })
            {
                var g = bridge.AddGroups(groups);
                if (!g.Ok) throw new InvalidOperationException($"preloading groups failed: {g.Stderr}");
            }
        }

        var report = new Report();
        var parsed = OvsRuleFile.ParseFlows(string.Join("\n", lines));
        var rejections = parsed.Errors;
        var rejectedLines = parsed.Errors.Select(e => e.Line).ToHashSet();
        var accepted = lines.Where((_, i) => !rejectedLines.Contains(i + 1)).ToList();

        Reset();
        var add = bridge.AddFlows(accepted);
        if (!add.Ok)
        {
            var refused = Refused(accepted, batch => { Reset(); return bridge.AddFlows(batch); });
            foreach (var (line, why) in refused)
                report.Problems.Add($"MeshSim accepts but OVS rejects: {line}\n    OVS: {FirstLine(why)}");
            var refusedSet = refused.Select(r => r.Line).ToHashSet();
            accepted = accepted.Where(l => !refusedSet.Contains(l)).ToList();
            Reset();
            add = bridge.AddFlows(accepted);
            if (!add.Ok) { report.Problems.Add($"add-flows still fails: {add.Stderr}"); return report; }
            parsed = OvsRuleFile.ParseFlows(string.Join("\n", accepted));
        }

        var ours = parsed.Entries.Select(e => OvsFormatter.FormatFlow(e.Entry)).ToList();
        var theirs = bridge.DumpFlows();
        CompareLineSets(ours, theirs, report);

        foreach (var error in rejections.Take(maxRejectChecks))
        {
            var line = lines[error.Line - 1];
            Reset();
            var one = bridge.AddFlow(line);
            if (one.Ok)
                report.Problems.Add($"MeshSim rejects but OVS accepts: {line}\n    MeshSim: {error.Message}\n    OVS stores: {string.Join(" | ", bridge.DumpFlows())}");
            else report.RejectedByBoth++;
        }
        return report;
    }

    /// <summary>Group lines: same scheme with add-groups/dump-groups over OpenFlow 1.5.</summary>
    public static Report CompareGroups(OvsBridge bridge, IReadOnlyList<string> lines, int maxRejectChecks = 200)
    {
        var report = new Report();
        var parsed = OvsRuleFile.ParseGroups(string.Join("\n", lines));
        var rejections = parsed.Errors;
        var rejectedLines = parsed.Errors.Select(e => e.Line).ToHashSet();
        var accepted = lines.Where((_, i) => !rejectedLines.Contains(i + 1)).ToList();

        bridge.Clear();
        var add = bridge.AddGroups(accepted);
        if (!add.Ok)
        {
            var refused = Refused(accepted, batch => { bridge.Clear(); return bridge.AddGroups(batch); });
            foreach (var (line, why) in refused)
                report.Problems.Add($"MeshSim accepts but OVS rejects: {line}\n    OVS: {FirstLine(why)}");
            var refusedSet = refused.Select(r => r.Line).ToHashSet();
            accepted = accepted.Where(l => !refusedSet.Contains(l)).ToList();
            bridge.Clear();
            add = bridge.AddGroups(accepted);
            if (!add.Ok) { report.Problems.Add($"add-groups still fails: {add.Stderr}"); return report; }
            parsed = OvsRuleFile.ParseGroups(string.Join("\n", accepted));
        }

        var ours = parsed.Entries.Select(e => OvsFormatter.FormatGroup(e.Entry)).ToList();
        CompareLineSets(ours, bridge.DumpGroups(), report);

        foreach (var error in rejections.Take(maxRejectChecks))
        {
            var line = lines[error.Line - 1];
            bridge.Clear();
            var one = bridge.AddGroup(line);
            if (one.Ok)
                report.Problems.Add($"MeshSim rejects but OVS accepts: {line}\n    MeshSim: {error.Message}\n    OVS stores: {string.Join(" | ", bridge.DumpGroups())}");
            else report.RejectedByBoth++;
        }
        return report;
    }

    /// <summary>One flow added alone: what OVS dumped (null when it refused, then <see cref="OvsError"/>) and what MeshSim prints (null when it refused).</summary>
    public sealed record SingleFlow(string Line, string? Ovs, string? OvsError, string? MeshSim, string? MeshSimError)
    {
        /// <summary>Both refuse it, or both print the same.</summary>
        public bool Agree => Ovs is null ? MeshSim is null : MeshSim == Ovs;

        /// <inheritdoc/>
        public override string ToString() => $"{Line}\n    OVS:     {Ovs ?? "refuses: " + OvsError}\n    MeshSim: {MeshSim ?? "refuses: " + MeshSimError}";
    }

    /// <summary>
    /// <c>ovs-ofctl add-flow</c> of one line to a bridge holding no flows (and the groups <paramref name="groups"/>
    /// names), its dump, and MeshSim's parse of the same line with the same groups; the bridge's flows are deleted after.
    /// A flow added alone travels in the flow format it needs itself, unlike a line of an add-flows file.
    /// </summary>
    public static SingleFlow AddAlone(OvsBridge bridge, string line, IReadOnlySet<uint> groups)
    {
        string? ms = null, msError = null;
        if (OvsParser.TryParseFlow(line, out var flow, out var error))
        {
            if (OvsRuleFile.MissingGroup(flow!, groups.Contains) is { } missing) msError = missing;
            else ms = OvsFormatter.FormatFlow(flow!);
        }
        else msError = error!.ToString();

        var add = bridge.AddFlow(line);
        if (!add.Ok) return new SingleFlow(line, null, FirstLine(add.Stderr), ms, msError);
        var dump = bridge.DumpFlows();
        bridge.DeleteFlows();
        return new SingleFlow(line, string.Join(" | ", dump), null, ms, msError);
    }

    /// <summary>
    /// The lines OVS refuses, found by bisection so a few bad lines in thousands cost a few dozen
    /// ovs-ofctl runs instead of one per line.
    /// </summary>
    private static List<(string Line, string Why)> Refused(List<string> lines, Func<List<string>, RealOvs.Run> tryAdd)
    {
        var result = new List<(string, string)>();
        void Search(List<string> part)
        {
            if (part.Count == 0) return;
            var run = tryAdd(part);
            if (run.Ok) return;
            if (part.Count == 1) { result.Add((part[0], run.Stderr)); return; }
            int half = part.Count / 2;
            Search(part.GetRange(0, half));
            Search(part.GetRange(half, part.Count - half));
        }
        Search(lines);
        return result;
    }

    private static void CompareLineSets(List<string> ours, IReadOnlyList<string> theirs, Report report)
    {
        report.Compared += Math.Max(ours.Count, theirs.Count);
        var a = ours.Order(StringComparer.Ordinal).ToList();
        var b = theirs.Order(StringComparer.Ordinal).ToList();
        var onlyOurs = Except(a, b);
        var onlyTheirs = Except(b, a);
        foreach (var l in onlyOurs) report.Problems.Add($"MeshSim prints: {l}\n    closest OVS: {Closest(l, onlyTheirs)}");
        foreach (var l in onlyTheirs.Where(l => !onlyOurs.Any(o => Closest(o, onlyTheirs) == l)))
            report.Problems.Add($"OVS prints (MeshSim has nothing similar): {l}");
    }

    // Multiset difference.
    private static List<string> Except(List<string> a, List<string> b)
    {
        var counts = b.GroupBy(x => x, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var x in a)
        {
            if (counts.TryGetValue(x, out int n) && n > 0) counts[x] = n - 1;
            else result.Add(x);
        }
        return result;
    }

    // The candidate sharing the longest prefix; enough to pair a line with its counterpart in a report.
    private static string Closest(string line, List<string> candidates)
    {
        string best = "(none)";
        int bestLen = -1;
        foreach (var c in candidates)
        {
            int n = 0;
            while (n < line.Length && n < c.Length && line[n] == c[n]) n++;
            if (n > bestLen) { bestLen = n; best = c; }
        }
        return best;
    }

    private static string FirstLine(string s) => s.Split('\n').FirstOrDefault(l => l.Length > 0 && !l.Contains("|ofp_")) ?? s;
}
