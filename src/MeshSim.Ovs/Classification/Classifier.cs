namespace MeshSim.Ovs.Classification;

// ============================================================================================
//  Tuple space search with priority-sorted subtables (the algorithm of Open vSwitch's
//  lib/classifier.c, without its staged lookup and prefix tries).
//
//  What. A classifier holds rules (match = value/mask over the packet key, priority) and answers
//  "which highest-priority rule matches this packet?". OpenFlow tables are exactly this.
//
//  Basic design. Rules are grouped by mask: every distinct mask gets one *subtable*, a hash table
//  keyed by (packet & mask). A table with rules on {in_port}, {in_port, dl_dst} and
//  {ip, nw_dst/24} has three subtables no matter how many rules it holds. Looking up a packet in a
//  subtable is one hash of the masked words plus one probe: O(1) in the number of rules. A full
//  lookup probes each subtable once, so its cost grows with the number of distinct masks, not the
//  number of rules; real flow tables have few masks and many rules, which is why this scales to
//  100k rules.
//
//  Priority sorting. Each subtable knows the highest priority among its rules (MaxPriority).
//  Subtables are visited in decreasing MaxPriority. Once a match with priority P is found, any
//  subtable whose MaxPriority <= P cannot produce a better match, and since the rest are sorted the
//  lookup stops there. A table whose high-priority rules sit in few subtables therefore probes only
//  those.
//
//  Identical matches. Rules with the same mask and value but different priorities share one hash
//  node: a chain sorted by priority, highest first; a probe returns the head. Inserting a rule with
//  the same match and priority as an existing one replaces it (OpenFlow's add-flow semantics).
//
//  Ties. OpenFlow leaves overlapping rules of equal priority undefined. MeshSim makes the choice
//  deterministic: among subtables of equal MaxPriority the older subtable (created first) is visited
//  first, and the first match found at a given priority is kept. Same rule insertion order =
//  same answers.
//
//  Invariants a reader must keep: a rule's Match.Value is pre-masked; _ordered is re-sorted
//  whenever a subtable's MaxPriority changes or a subtable is added or removed; Generation changes
//  on every mutation (the exact-match cache relies on it).
// ============================================================================================

/// <summary>
/// Tuple-space-search classifier: one subtable per distinct mask, visited in order of decreasing
/// highest priority, stopping as soon as no remaining subtable can beat the best match. See the
/// comment at the top of this file before editing.
/// </summary>
/// <typeparam name="T">The payload of each rule.</typeparam>
public sealed class Classifier<T>
{
    private readonly List<Subtable<T>> _subtables = new();
    private Subtable<T>[] _ordered = [];
    private int _nextSubtableId;
    private long _nextSequence;

    /// <summary>Number of rules.</summary>
    public int Count { get; private set; }

    /// <summary>Number of distinct masks (subtables).</summary>
    public int SubtableCount => _subtables.Count;

    /// <summary>Changes on every insert, replace and remove; caches compare it to know they are stale.</summary>
    public long Generation { get; private set; }

    /// <summary>Inserts <paramref name="rule"/>. A rule with the same match and priority is replaced and returned.</summary>
    public ClassifierRule<T>? Insert(ClassifierRule<T> rule)
    {
        if (rule.IsInserted) throw new InvalidOperationException("rule is already in a classifier");
        var sub = FindSubtable(in rule.Match.Mask);
        if (sub is null)
        {
            sub = new Subtable<T>(in rule.Match.Mask, _nextSubtableId++);
            _subtables.Add(sub);
        }
        rule.Sequence = _nextSequence++;
        int oldMax = sub.MaxPriority;
        var displaced = sub.Insert(rule);
        if (displaced is not null) displaced.Sequence = -1;
        else Count++;
        if (sub.MaxPriority != oldMax || sub.RuleCount == 1) Reorder();
        Generation++;
        return displaced;
    }

    /// <summary>Removes <paramref name="rule"/>; false if it is not in this classifier.</summary>
    public bool Remove(ClassifierRule<T> rule)
    {
        if (!rule.IsInserted) return false;
        var sub = FindSubtable(in rule.Match.Mask);
        if (sub is null) return false;
        int oldMax = sub.MaxPriority;
        if (!sub.Remove(rule)) return false;
        rule.Sequence = -1;
        Count--;
        if (sub.RuleCount == 0) _subtables.Remove(sub);
        if (sub.RuleCount == 0 || sub.MaxPriority != oldMax) Reorder();
        Generation++;
        return true;
    }

    /// <summary>The highest-priority rule matching <paramref name="key"/>, or null.</summary>
    public ClassifierRule<T>? Lookup(in PacketKey key)
    {
        ClassifierRule<T>? best = null;
        int bestPriority = int.MinValue;
        var subs = _ordered;
        for (int i = 0; i < subs.Length; i++)
        {
            var sub = subs[i];
            if (best is not null && sub.MaxPriority <= bestPriority) break;   // nothing left can win
            var found = sub.Find(in key);
            if (found is not null && (best is null || found.Priority > bestPriority))
            {
                best = found;
                bestPriority = found.Priority;
            }
        }
        return best;
    }

    /// <summary>Like <see cref="Lookup(in PacketKey)"/>, also counting the subtables probed (for traces and tests).</summary>
    public ClassifierRule<T>? Lookup(in PacketKey key, out int subtablesProbed)
    {
        ClassifierRule<T>? best = null;
        subtablesProbed = 0;
        foreach (var sub in _ordered)
        {
            if (best is not null && sub.MaxPriority <= best.Priority) break;
            subtablesProbed++;
            var found = sub.Find(in key);
            if (found is not null && (best is null || found.Priority > best.Priority)) best = found;
        }
        return best;
    }

    /// <summary>The rule with exactly this match and priority, or null (OVS's classifier_find_rule_exactly).</summary>
    public ClassifierRule<T>? FindExactly(in KeyMatch match, int priority)
    {
        var masked = match;
        for (int i = 0; i < PacketKey.WordCount; i++) masked.Value.Words[i] &= masked.Mask.Words[i];
        var sub = FindSubtable(in masked.Mask);
        return sub?.FindExact(in masked.Value, priority);
    }

    /// <summary>All rules in insertion order.</summary>
    public IEnumerable<ClassifierRule<T>> Rules() =>
        _subtables.SelectMany(s => s.Rules()).OrderBy(r => r.Sequence);

    private Subtable<T>? FindSubtable(in PacketKey mask)
    {
        foreach (var s in _subtables) if (s.Mask.Equals(in mask)) return s;
        return null;
    }

    /// <summary>The OR of every subtable's mask: bits outside it never influence a lookup, so an
    /// exact-match cache may ignore them.</summary>
    public PacketKey UnionMask { get; private set; }

    private void Reorder()
    {
        _ordered = _subtables.OrderByDescending(s => s.MaxPriority).ThenBy(s => s.Id).ToArray();
        var union = default(PacketKey);
        foreach (var s in _subtables)
            for (int i = 0; i < PacketKey.WordCount; i++) union.Words[i] |= s.Mask.Words[i];
        UnionMask = union;
    }
}
