using MeshSim.Ovs.Classification;

namespace MeshSim.Ovs.Datapath;

/// <summary>One OpenFlow table: a classifier of <see cref="FlowRule"/>s with an exact-match cache
/// in front, plus lookup/miss counters (ovs-ofctl dump-tables).</summary>
public sealed class FlowTable
{
    private readonly Classifier<FlowRule> _classifier = new();
    private readonly ExactMatchCache<FlowRule> _cache;

    internal FlowTable(byte id, bool useCache)
    {
        Id = id;
        _cache = new ExactMatchCache<FlowRule>(_classifier, 4096);
        UseCache = useCache;
    }

    /// <summary>Table number.</summary>
    public byte Id { get; }

    /// <summary>Whether lookups go through the exact-match cache.</summary>
    public bool UseCache { get; set; }

    /// <summary>Packets looked up here.</summary>
    public long Lookups { get; private set; }

    /// <summary>Packets that found a flow.</summary>
    public long Matched { get; private set; }

    /// <summary>Lookups answered by the exact-match cache.</summary>
    public long CacheHits => _cache.Hits;

    /// <summary>Number of distinct masks (subtables).</summary>
    public int Masks => _classifier.SubtableCount;

    /// <summary>Number of flows.</summary>
    public int Count => _classifier.Count;

    /// <summary>The classifier (for tests and benchmarks).</summary>
    public Classifier<FlowRule> Classifier => _classifier;

    /// <summary>Adds (or replaces, same match and priority) a flow.</summary>
    public FlowRule? Add(FlowEntry entry, long nowNs)
    {
        var match = FieldMap.Compile(entry.Match);
        var rule = new ClassifierRule<FlowRule>(in match, entry.Priority, new FlowRule(entry, nowNs));
        return _classifier.Insert(rule)?.Value;
    }

    /// <summary>Removes flows for which <paramref name="predicate"/> holds; returns them.</summary>
    public List<FlowRule> RemoveWhere(Func<FlowRule, bool> predicate)
    {
        var victims = _classifier.Rules().Where(r => predicate(r.Value)).ToList();
        foreach (var v in victims) _classifier.Remove(v);
        return victims.Select(v => v.Value).ToList();
    }

    /// <summary>The flow for <paramref name="key"/>, removing any expired flow it would have hit.</summary>
    public FlowRule? Lookup(in PacketKey key, long nowNs)
    {
        Lookups++;
        while (true)
        {
            var hit = UseCache ? _cache.Lookup(in key) : _classifier.Lookup(in key);
            if (hit is null) return null;
            if (hit.Value.IsExpired(nowNs))
            {
                _classifier.Remove(hit);
                continue;
            }
            Matched++;
            return hit.Value;
        }
    }

    /// <summary>Flows in OVS dump order (priority descending, then insertion order).</summary>
    public IEnumerable<FlowRule> Flows(long nowNs) =>
        _classifier.Rules().Where(r => !r.Value.IsExpired(nowNs))
            .OrderByDescending(r => r.Priority).ThenBy(r => r.Sequence).Select(r => r.Value);
}
