using System.Text;

namespace MeshSim.Control.Rules;

/// <summary>What a flow or group change does.</summary>
public enum ChangeKind : byte
{
    /// <summary>Install a rule that is not there.</summary>
    Add,
    /// <summary>Replace the actions (flows: <c>modify_strict</c>, keeping counters) or the buckets (groups).</summary>
    Modify,
    /// <summary>Remove a rule (flows: <c>delete_strict</c> on table, priority and match).</summary>
    Delete,
}

/// <summary>One flow-mod.</summary>
public sealed record FlowChange(ChangeKind Kind, CompiledFlow Flow);

/// <summary>One group-mod.</summary>
public sealed record GroupChange(ChangeKind Kind, CompiledGroup Group);

/// <summary>
/// The minimal changes that turn an installed rule set into a desired one, keyed as OpenFlow keys
/// flows for strict modify/delete: (table, priority, match). In application order (STYLE §6):
/// group adds and modifies, then flow adds/modifies from the last table back to table 0 (so a
/// jump is never installed before its target), then flow deletes from table 0 forward (so a jump
/// disappears before its target), then group deletes (after no flow points at them).
/// </summary>
public sealed class RuleSetDiff
{
    /// <summary>The switch.</summary>
    public string Switch { get; }
    /// <summary>Group adds and modifies.</summary>
    public IReadOnlyList<GroupChange> GroupUpserts { get; }
    /// <summary>Flow adds and modifies, last table first.</summary>
    public IReadOnlyList<FlowChange> FlowUpserts { get; }
    /// <summary>Flow deletes, table 0 first.</summary>
    public IReadOnlyList<FlowChange> FlowDeletes { get; }
    /// <summary>Group deletes.</summary>
    public IReadOnlyList<GroupChange> GroupDeletes { get; }

    private RuleSetDiff(string sw, IReadOnlyList<GroupChange> gu, IReadOnlyList<FlowChange> fu, IReadOnlyList<FlowChange> fd, IReadOnlyList<GroupChange> gd)
        => (Switch, GroupUpserts, FlowUpserts, FlowDeletes, GroupDeletes) = (sw, gu, fu, fd, gd);

    /// <summary>Number of flow-mods and group-mods.</summary>
    public int Count => GroupUpserts.Count + FlowUpserts.Count + FlowDeletes.Count + GroupDeletes.Count;

    /// <summary>True when nothing changes.</summary>
    public bool IsEmpty => Count == 0;

    /// <summary>
    /// Computes the diff. A flow whose cookie changes is deleted and re-added (an OpenFlow modify
    /// keeps the old cookie, and the cookie is the flow's identity for statistics); a flow whose
    /// actions change is modified in place. Provenance alone never causes a change.
    /// </summary>
    public static RuleSetDiff Compute(RuleSet installed, RuleSet desired)
    {
        if (installed.Switch != desired.Switch)
            throw new ArgumentException($"diff between different switches ({installed.Switch}, {desired.Switch})");
        var upserts = new List<FlowChange>();
        var deletes = new List<FlowChange>();
        // Rule sets that share their flow list (RuleSet.WithGroups) differ in groups only.
        if (!ReferenceEquals(installed.Flows, desired.Flows))
        {
            var have = installed.Flows.ToDictionary(f => f.Key);
            var want = desired.Flows.ToDictionary(f => f.Key);
            foreach (var f in desired.Flows)
            {
                if (!have.TryGetValue(f.Key, out var old)) upserts.Add(new FlowChange(ChangeKind.Add, f));
                else if (old.Flow.Cookie != f.Flow.Cookie) { deletes.Add(new FlowChange(ChangeKind.Delete, old)); upserts.Add(new FlowChange(ChangeKind.Add, f)); }
                else if (!SameActions.Equal(old.Flow.Actions, f.Flow.Actions)) upserts.Add(new FlowChange(ChangeKind.Modify, f));
            }
            foreach (var f in installed.Flows)
                if (!want.ContainsKey(f.Key)) deletes.Add(new FlowChange(ChangeKind.Delete, f));
        }

        var (gUpserts, gDeletes) = DiffGroups(installed.Groups, desired.Groups);

        // Rule sets are already in canonical order within a table; only the table order is imposed here.
        var fu = upserts.OrderByDescending(c => c.Flow.Flow.Table).ToArray();
        var fd = deletes.OrderBy(c => c.Flow.Flow.Table).ToArray();
        return new RuleSetDiff(desired.Switch, gUpserts, fu, fd, gDeletes);
    }

    private static (List<GroupChange> Upserts, List<GroupChange> Deletes) DiffGroups(IReadOnlyList<CompiledGroup> have, IReadOnlyList<CompiledGroup> want)
    {
        var upserts = new List<GroupChange>();
        var deletes = new List<GroupChange>();
        // Both lists are sorted by id: one merge pass pairs them up.
        int i = 0, j = 0;
        while (i < have.Count || j < want.Count)
        {
            var h = i < have.Count ? have[i] : null;
            var w = j < want.Count ? want[j] : null;
            if (w is null || (h is not null && h.Group.GroupId < w.Group.GroupId)) { deletes.Add(new GroupChange(ChangeKind.Delete, h!)); i++; }
            else if (h is null || w.Group.GroupId < h.Group.GroupId) { upserts.Add(new GroupChange(ChangeKind.Add, w)); j++; }
            else
            {
                if (!ReferenceEquals(h, w) && !SameActions.Equal(h.Group, w.Group)) upserts.Add(new GroupChange(ChangeKind.Modify, w));
                i++; j++;
            }
        }
        return (upserts, deletes);
    }

    /// <summary>Applies the diff to <paramref name="installed"/> in memory, as a switch would: the result equals the desired rule set.</summary>
    public RuleSet ApplyTo(RuleSet installed)
    {
        var flows = installed.Flows.ToDictionary(f => f.Key);
        var groups = installed.Groups.ToDictionary(g => g.Group.GroupId);
        foreach (var g in GroupUpserts)
        {
            if (g.Kind == ChangeKind.Add && groups.ContainsKey(g.Group.Group.GroupId)) throw new InvalidOperationException($"group {g.Group.Group.GroupId} exists");
            if (g.Kind == ChangeKind.Modify && !groups.ContainsKey(g.Group.Group.GroupId)) throw new InvalidOperationException($"group {g.Group.Group.GroupId} missing");
            groups[g.Group.Group.GroupId] = g.Group;
        }
        foreach (var f in FlowDeletes.Where(d => d.Kind == ChangeKind.Delete))
            if (!flows.Remove(f.Flow.Key)) throw new InvalidOperationException($"delete of a missing flow: {RuleText.FormatFlow(f.Flow.Flow)}");
        foreach (var f in FlowUpserts)
        {
            if (f.Kind == ChangeKind.Modify)
            {
                if (!flows.TryGetValue(f.Flow.Key, out var old)) throw new InvalidOperationException($"modify of a missing flow: {RuleText.FormatFlow(f.Flow.Flow)}");
                // modify_strict replaces actions and keeps the installed cookie
                flows[f.Flow.Key] = f.Flow with { Flow = f.Flow.Flow with { Cookie = old.Flow.Cookie } };
            }
            else flows[f.Flow.Key] = f.Flow;
        }
        foreach (var g in GroupDeletes)
            if (!groups.Remove(g.Group.Group.GroupId)) throw new InvalidOperationException($"delete of a missing group {g.Group.Group.GroupId}");
        return new RuleSet(installed.Switch, flows.Values, groups.Values);
    }

    /// <summary>
    /// The diff as an <c>ovs-ofctl -O OpenFlow15 bundle SWITCH FILE</c> file: one atomic transaction
    /// of <c>group add|modify|delete</c> and <c>flow add|modify_strict|delete_strict</c> lines.
    /// The STYLE §6 order holds, except that the delete half of a cookie change (delete + add of
    /// one key) goes right before the flow upserts. Within a bundle the order matters for validity:
    /// a flow may not point at a group that does not exist yet.
    /// </summary>
    public string Render()
    {
        var sb = new StringBuilder();
        foreach (var g in GroupUpserts)
            sb.Append("group ").Append(g.Kind == ChangeKind.Add ? "add " : "modify ").Append(RuleText.FormatGroup(g.Group.Group)).Append('\n');
        // A cookie change is a delete plus an add of the same key: the delete must come first.
        var upserted = FlowUpserts.Select(u => u.Flow.Key).ToHashSet();
        foreach (var d in FlowDeletes.Where(d => upserted.Contains(d.Flow.Key)))
            sb.Append("flow delete_strict ").Append(StrictKey(d.Flow)).Append('\n');
        foreach (var f in FlowUpserts)
            sb.Append("flow ").Append(f.Kind == ChangeKind.Add ? "add " : "modify_strict ").Append(RuleText.FormatFlow(f.Flow.Flow)).Append('\n');
        foreach (var d in FlowDeletes.Where(d => !upserted.Contains(d.Flow.Key)))
            sb.Append("flow delete_strict ").Append(StrictKey(d.Flow)).Append('\n');
        foreach (var g in GroupDeletes)
            sb.Append("group delete group_id=").Append(g.Group.Group.GroupId).Append('\n');
        return sb.ToString();
    }

    private static string StrictKey(CompiledFlow f)
    {
        var m = RuleText.FormatMatch(f.Flow.Match);
        return $"table={f.Flow.Table},priority={f.Flow.Priority}" + (m.Length > 0 ? "," + m : "");
    }
}
