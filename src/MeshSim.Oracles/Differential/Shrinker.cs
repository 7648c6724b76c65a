namespace MeshSim.Oracles.Differential;

/// <summary>
/// Shrinks a diverging case: drops packets (halves first, then one by one), flows, groups and
/// buckets, and turns select methods into the default, keeping each step only while the case
/// still diverges the same way. The predicate runs both sides, so the budget bounds real-OVS runs.
/// </summary>
public static class Shrinker
{
    /// <summary>Simpler variants of <paramref name="c"/>, most promising first.</summary>
    public static IEnumerable<DiffCase> Candidates(DiffCase c)
    {
        var packets = c.Packets;
        for (int chunk = Math.Max(1, packets.Count / 2); chunk >= 1 && packets.Count > 0; chunk /= 2)
            for (int start = packets.Count - chunk; start >= 0; start -= chunk)
                yield return c with { Packets = packets.Take(start).Concat(packets.Skip(start + chunk)).ToList() };
        for (int i = c.Groups.Count - 1; i >= 0; i--)
            yield return c with { Groups = c.Groups.Where((_, j) => j != i).ToList() };
        for (int i = c.Flows.Count - 1; i >= 0; i--)
            yield return c with { Flows = c.Flows.Where((_, j) => j != i).ToList() };
        for (int g = 0; g < c.Groups.Count; g++)
        {
            var group = c.Groups[g];
            if (group.Selection is not null)
                yield return c with { Groups = Replace(c.Groups, g, group with { Selection = null }) };
            if (group.Buckets.Count > 1)
                for (int b = group.Buckets.Count - 1; b >= 0; b--)
                    yield return c with { Groups = Replace(c.Groups, g, group with { Buckets = group.Buckets.Where((_, j) => j != b).ToList() }) };
        }
    }

    /// <summary>Greedy shrinking: the first candidate that still <paramref name="diverges"/> replaces
    /// the case, until none does or <paramref name="budget"/> predicate runs are spent.</summary>
    public static DiffCase Shrink(DiffCase c, Func<DiffCase, bool> diverges, int budget, out int runs)
    {
        runs = 0;
        bool progress = true;
        while (progress && runs < budget)
        {
            progress = false;
            foreach (var candidate in Candidates(c))
            {
                if (runs++ >= budget) break;
                if (!diverges(candidate)) continue;
                c = candidate;
                progress = true;
                break;
            }
        }
        return c;
    }

    private static List<GroupSpec> Replace(IReadOnlyList<GroupSpec> groups, int index, GroupSpec with) =>
        groups.Select((g, i) => i == index ? with : g).ToList();
}
