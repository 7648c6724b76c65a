namespace MeshSim.Ovs.Classification;

/// <summary>
/// A direct-mapped cache in front of a <see cref="Classifier{T}"/> from whole packet keys to the
/// lookup result (a miss is cached too), like OVS's exact-match cache in front of its megaflow
/// classifier. It is invalidated wholesale when the classifier's <see cref="Classifier{T}.Generation"/>
/// changes, so a rule change is visible to the very next packet.
/// </summary>
/// <remarks>Hit cost: one hash of all key words and one 160-byte compare, independent of the number
/// of rules and subtables.</remarks>
public sealed class ExactMatchCache<T>
{
    private readonly Classifier<T> _classifier;
    private readonly Entry[] _entries;
    private readonly int _mask;
    private long _generation = -1;

    /// <summary>Creates a cache of <paramref name="capacity"/> entries (rounded up to a power of two).</summary>
    public ExactMatchCache(Classifier<T> classifier, int capacity = 8192)
    {
        _classifier = classifier;
        int size = 1;
        while (size < capacity) size <<= 1;
        _entries = new Entry[size];
        _mask = size - 1;
    }

    /// <summary>Lookups answered from the cache.</summary>
    public long Hits { get; private set; }

    /// <summary>Lookups that went to the classifier.</summary>
    public long Misses { get; private set; }

    /// <summary>Same answer as <see cref="Classifier{T}.Lookup(in PacketKey)"/>.</summary>
    public ClassifierRule<T>? Lookup(in PacketKey key)
    {
        if (_generation != _classifier.Generation)
        {
            Array.Clear(_entries);
            _generation = _classifier.Generation;
        }
        ulong hash = KeyHash.Full(in key);
        ref var e = ref _entries[(int)hash & _mask];
        if (e.Valid && e.Hash == hash && e.Key.Equals(in key))
        {
            Hits++;
            return e.Rule;
        }
        Misses++;
        var rule = _classifier.Lookup(in key);
        e.Key = key;
        e.Hash = hash;
        e.Rule = rule;
        e.Valid = true;
        return rule;
    }

    private struct Entry
    {
        public PacketKey Key;
        public ulong Hash;
        public ClassifierRule<T>? Rule;
        public bool Valid;
    }
}
