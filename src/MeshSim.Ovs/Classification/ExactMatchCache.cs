using System.Runtime.CompilerServices;

namespace MeshSim.Ovs.Classification;

/// <summary>
/// A direct-mapped cache in front of a <see cref="Classifier{T}"/> from packet keys to the lookup
/// result (a miss is cached too), like OVS's exact-match cache in front of its megaflow classifier.
/// It is invalidated wholesale when the classifier's <see cref="Classifier{T}.Generation"/> changes,
/// so a rule change is visible to the very next packet.
/// </summary>
/// <remarks>
/// Only the key words that some rule looks at (the classifier's <see cref="Classifier{T}.UnionMask"/>)
/// are hashed, stored and compared: two packets that agree on those bits cannot get different
/// answers. Entries are packed into one array (masked words, then the hash) so a hit usually
/// touches one cache line of it plus the rule.
/// </remarks>
public sealed class ExactMatchCache<T>
{
    private readonly Classifier<T> _classifier;
    private readonly int _capacity;
    private readonly int _mask;
    private long _generation = -1;
    private int[] _words = [];
    private ulong[] _wordMasks = [];
    private ulong[] _mults = [];
    private int _stride;
    private ulong[] _slots = [];                     // per entry: masked words..., hash (0 = empty)
    private ClassifierRule<T>?[] _rules = [];
    private byte[] _lastWay = [];                     // per pair of slots: the way hit or filled last

    /// <summary>Creates a cache of <paramref name="capacity"/> entries (rounded up to a power of two).</summary>
    public ExactMatchCache(Classifier<T> classifier, int capacity = 8192)
    {
        _classifier = classifier;
        int size = 1;
        while (size < Math.Max(capacity, 2)) size <<= 1;
        _capacity = size;
        _mask = size - 1;
    }

    /// <summary>Lookups answered from the cache.</summary>
    public long Hits { get; private set; }

    /// <summary>Lookups that went to the classifier.</summary>
    public long Misses { get; private set; }

    /// <summary>Same answer as <see cref="Classifier{T}.Lookup(in PacketKey)"/>.</summary>
    public ClassifierRule<T>? Lookup(in PacketKey key)
    {
        if (_generation != _classifier.Generation) Reset();
        var words = _words;
        var masks = _wordMasks;
        var mults = _mults;
        ref ulong k = ref Unsafe.AsRef(in key.Words[0]);       // word indices are < WordCount by construction
        ulong h = 0;
        for (int i = 0; i < words.Length; i++) h += ((Unsafe.Add(ref k, words[i]) & masks[i]) ^ KeyHash.Seed) * mults[i];
        h = KeyHash.Finish(h) | 1;                              // never 0: 0 marks an empty slot
        // Two-way set associative: a key may sit in either slot of its pair, so two hot flows that
        // hash to the same pair do not keep evicting each other.
        int first = (int)h & _mask & ~1;
        var slots = _slots;
        for (int way = 0; way < 2; way++)
        {
            int index = first | way;
            int at = index * _stride;
            if (slots[at + words.Length] != h) continue;
            int i = 0;
            for (; i < words.Length; i++) if ((Unsafe.Add(ref k, words[i]) & masks[i]) != slots[at + i]) break;
            if (i == words.Length)
            {
                Hits++;
                _lastWay[first >> 1] = (byte)way;
                return _rules[index];
            }
        }
        Misses++;
        var rule = _classifier.Lookup(in key);
        int victim = first | (_lastWay[first >> 1] ^ 1);          // replace the way not used most recently
        _lastWay[first >> 1] = (byte)(victim & 1);
        int to = victim * _stride;
        for (int i = 0; i < words.Length; i++) slots[to + i] = Unsafe.Add(ref k, words[i]) & masks[i];
        slots[to + words.Length] = h;
        _rules[victim] = rule;
        return rule;
    }

    private void Reset()
    {
        _generation = _classifier.Generation;
        var union = _classifier.UnionMask;
        var words = new List<int>();
        for (int i = 0; i < PacketKey.WordCount; i++) if (union.Words[i] != 0) words.Add(i);
        _words = words.ToArray();
        _wordMasks = words.Select(w => union.Words[w]).ToArray();
        _mults = words.Select(KeyHash.Multiplier).ToArray();
        _stride = _words.Length + 1;
        if (_slots.Length != _capacity * _stride) _slots = new ulong[_capacity * _stride];
        else Array.Clear(_slots);
        if (_rules.Length != _capacity) _rules = new ClassifierRule<T>?[_capacity];
        else Array.Clear(_rules);
        if (_lastWay.Length != _capacity / 2) _lastWay = new byte[Math.Max(1, _capacity / 2)];
        else Array.Clear(_lastWay);
    }
}
