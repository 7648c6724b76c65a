using MeshSim.Ovs;

namespace MeshSim.Control.Rules;

/// <summary>
/// Structural equality of action lists and groups. The syntax records hold lists, which C# records
/// compare by reference, so equality has to look inside.
/// </summary>
public static class SameActions
{
    /// <summary>True when both lists hold equal actions in the same order.</summary>
    public static bool Equal(IReadOnlyList<OvsAction> a, IReadOnlyList<OvsAction> b)
    {
        if (a.Count != b.Count) return false;
        for (int i = 0; i < a.Count; i++)
            if (!Equal(a[i], b[i])) return false;
        return true;
    }

    /// <summary>True when the two actions are equal, looking into ct's nested lists.</summary>
    public static bool Equal(OvsAction a, OvsAction b) => (a, b) switch
    {
        (CtAction x, CtAction y) => x.Commit == y.Commit && x.Force == y.Force && x.Zone == y.Zone
            && x.ZoneSource == y.ZoneSource && x.RecircTable == y.RecircTable && x.Alg == y.Alg
            && Equals(x.Nat, y.Nat) && Equal(x.Exec, y.Exec),
        _ => a.Equals(b),
    };

    /// <summary>True when two flows are the same rule (key, cookie, actions, timeouts).</summary>
    public static bool Equal(FlowEntry a, FlowEntry b) =>
        a.Table == b.Table && a.Priority == b.Priority && a.Cookie == b.Cookie && a.IdleTimeout == b.IdleTimeout
        && a.HardTimeout == b.HardTimeout && a.Match.Equals(b.Match) && Equal(a.Actions, b.Actions);

    /// <summary>True when two groups are the same (id, type, method, buckets).</summary>
    public static bool Equal(GroupEntry a, GroupEntry b)
    {
        if (a.GroupId != b.GroupId || a.Type != b.Type || a.SelectionMethod != b.SelectionMethod
            || a.SelectionMethodParam != b.SelectionMethodParam || !a.Fields.SequenceEqual(b.Fields)
            || a.Buckets.Count != b.Buckets.Count) return false;
        for (int i = 0; i < a.Buckets.Count; i++)
        {
            var (x, y) = (a.Buckets[i], b.Buckets[i]);
            if (x.BucketId != y.BucketId || x.Weight != y.Weight || x.WatchPort != y.WatchPort
                || x.WatchGroup != y.WatchGroup || !Equal(x.Actions, y.Actions)) return false;
        }
        return true;
    }
}
