using MeshSim.Ovs;

namespace MeshSim.Control.Rules;

/// <summary>
/// Everything one switch should hold: flows sorted by (table, priority descending, match text)
/// and groups sorted by id, so that rendering is byte-stable and diffs are meaningful.
/// </summary>
public sealed class RuleSet
{
    /// <summary>The switch these rules are for.</summary>
    public string Switch { get; }
    /// <summary>Flows in canonical order.</summary>
    public IReadOnlyList<CompiledFlow> Flows { get; }
    /// <summary>Groups in id order.</summary>
    public IReadOnlyList<CompiledGroup> Groups { get; }

    /// <summary>Builds a rule set; two flows with the same (table, priority, match) or two groups with one id are an error.</summary>
    public RuleSet(string switchName, IEnumerable<CompiledFlow> flows, IEnumerable<CompiledGroup> groups)
    {
        Switch = switchName;
        var sorted = flows.Select(f => (Flow: f, Text: RuleText.FormatMatch(f.Flow.Match)))
            .OrderBy(x => x.Flow.Flow.Table)
            .ThenByDescending(x => x.Flow.Flow.Priority)
            .ThenBy(x => x.Text, StringComparer.Ordinal)
            .ToArray();
        for (int i = 1; i < sorted.Length; i++)
        {
            var (a, b) = (sorted[i - 1].Flow.Flow, sorted[i].Flow.Flow);
            if (a.Table == b.Table && a.Priority == b.Priority && sorted[i - 1].Text == sorted[i].Text)
                throw new InvalidOperationException(
                    $"{switchName}: two flows share table={a.Table},priority={a.Priority},{sorted[i].Text} ({sorted[i - 1].Flow.From} / {sorted[i].Flow.From})");
        }
        Flows = sorted.Select(x => x.Flow).ToArray();
        Groups = groups.OrderBy(g => g.Group.GroupId).ToArray();
        for (int i = 1; i < Groups.Count; i++)
            if (Groups[i].Group.GroupId == Groups[i - 1].Group.GroupId)
                throw new InvalidOperationException($"{switchName}: group {Groups[i].Group.GroupId} defined twice");
    }

    private RuleSet(string switchName, IReadOnlyList<CompiledFlow> sortedFlows, IReadOnlyList<CompiledGroup> sortedGroups)
        => (Switch, Flows, Groups) = (switchName, sortedFlows, sortedGroups);

    /// <summary>
    /// The same flows (the very same list, already sorted and checked) with some groups replaced by
    /// id. Sharing the list is what lets <see cref="RuleSetDiff.Compute"/> skip the flows: an update
    /// that only changes groups costs in proportion to the groups, not to the flows.
    /// </summary>
    public RuleSet WithGroups(IReadOnlyCollection<CompiledGroup> replacements)
    {
        var byId = replacements.ToDictionary(g => g.Group.GroupId);
        var groups = new CompiledGroup[Groups.Count];
        int replaced = 0;
        for (int i = 0; i < groups.Length; i++)
        {
            if (byId.TryGetValue(Groups[i].Group.GroupId, out var g)) { groups[i] = g; replaced++; }
            else groups[i] = Groups[i];
        }
        if (replaced != byId.Count)
            throw new ArgumentException($"{Switch}: only existing groups can be replaced ({byId.Count - replaced} unknown)", nameof(replacements));
        return new RuleSet(Switch, Flows, groups);
    }

    /// <summary>True when both hold the same flows and groups (provenance aside).</summary>
    public bool SameRules(RuleSet other) =>
        Flows.Count == other.Flows.Count && Groups.Count == other.Groups.Count
        && Flows.Zip(other.Flows).All(p => SameActions.Equal(p.First.Flow, p.Second.Flow))
        && Groups.Zip(other.Groups).All(p => SameActions.Equal(p.First.Group, p.Second.Group));
}
