using System.Runtime.CompilerServices;

namespace MeshSim.Ovs.Classification;

/// <summary>
/// All rules of one classifier that share a mask: a hash table from the masked packet bits to a
/// chain of rules with that exact match, highest priority first. Only the words the mask touches
/// are hashed and compared, so a subtable on (in_port, dl_dst) costs two words per probe.
/// </summary>
internal sealed class Subtable<T>
{
    private readonly int[] _words;          // indices of the non-zero mask words
    private readonly ulong[] _maskWords;    // the mask restricted to those words
    private readonly ulong[] _mults;        // hash multiplier of each of those words
    private Node?[] _buckets = new Node?[16];
    private int _nodeCount;
    private readonly SortedDictionary<int, int> _rulesPerPriority = new();

    public Subtable(in PacketKey mask, int id)
    {
        Mask = mask;
        Id = id;
        var words = new List<int>();
        for (int i = 0; i < PacketKey.WordCount; i++) if (mask.Words[i] != 0) words.Add(i);
        _words = words.ToArray();
        _maskWords = new ulong[_words.Length];
        _mults = new ulong[_words.Length];
        for (int i = 0; i < _words.Length; i++)
        {
            _maskWords[i] = mask.Words[_words[i]];
            _mults[i] = KeyHash.Multiplier(_words[i]);
        }
    }

    public PacketKey Mask;

    /// <summary>Creation order; the classifier visits subtables of equal max priority in this order.</summary>
    public int Id { get; }

    /// <summary>Highest priority of any rule here (int.MinValue when empty).</summary>
    public int MaxPriority { get; private set; } = int.MinValue;

    public int RuleCount { get; private set; }

    /// <summary>The highest-priority rule whose match <paramref name="key"/> satisfies, or null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ClassifierRule<T>? Find(in PacketKey key)
    {
        var words = _words;
        var masks = _maskWords;
        var mults = _mults;
        ref ulong k = ref Unsafe.AsRef(in key.Words[0]);    // word indices come from the mask: always < WordCount
        ulong h = 0;
        for (int i = 0; i < words.Length; i++) h += ((Unsafe.Add(ref k, words[i]) & masks[i]) ^ KeyHash.Seed) * mults[i];
        h = KeyHash.Finish(h);
        for (var n = _buckets[h & (ulong)(_buckets.Length - 1)]; n is not null; n = n.Next)
        {
            if (n.Hash != h) continue;
            var values = n.Values;
            int i = 0;
            for (; i < words.Length; i++) if ((Unsafe.Add(ref k, words[i]) & masks[i]) != values[i]) break;
            if (i == words.Length) return n.Head;
        }
        return null;
    }

    /// <summary>Adds <paramref name="rule"/>; a rule with the same match and priority is replaced and returned.</summary>
    public ClassifierRule<T>? Insert(ClassifierRule<T> rule)
    {
        var (node, hash) = FindNode(in rule.Match.Value);
        ClassifierRule<T>? displaced = null;
        if (node is null)
        {
            node = new Node(hash, _words.Select(w => rule.Match.Value.Words[w]).ToArray());
            AddNode(node);
            node.Rules.Add(rule);
        }
        else
        {
            int at = node.Rules.FindIndex(r => r.Priority == rule.Priority);
            if (at >= 0)
            {
                displaced = node.Rules[at];
                node.Rules[at] = rule;
            }
            else
            {
                // Keep the chain sorted by priority, highest first.
                int pos = node.Rules.FindIndex(r => r.Priority < rule.Priority);
                node.Rules.Insert(pos < 0 ? node.Rules.Count : pos, rule);
            }
        }
        node.Head = node.Rules[0];
        if (displaced is null)
        {
            RuleCount++;
            _rulesPerPriority[rule.Priority] = _rulesPerPriority.GetValueOrDefault(rule.Priority) + 1;
            if (rule.Priority > MaxPriority) MaxPriority = rule.Priority;
        }
        return displaced;
    }

    /// <summary>Removes <paramref name="rule"/> (by reference); false if it is not here.</summary>
    public bool Remove(ClassifierRule<T> rule)
    {
        var (node, _) = FindNode(in rule.Match.Value);
        if (node is null || !node.Rules.Remove(rule)) return false;
        if (node.Rules.Count == 0) RemoveNode(node);
        else node.Head = node.Rules[0];
        RuleCount--;
        int left = _rulesPerPriority[rule.Priority] - 1;
        if (left == 0)
        {
            _rulesPerPriority.Remove(rule.Priority);
            MaxPriority = _rulesPerPriority.Count == 0 ? int.MinValue : _rulesPerPriority.Keys.Max();
        }
        else _rulesPerPriority[rule.Priority] = left;
        return true;
    }

    /// <summary>The rule with exactly this (pre-masked) value and priority, or null.</summary>
    public ClassifierRule<T>? FindExact(in PacketKey maskedValue, int priority)
    {
        var (node, _) = FindNode(in maskedValue);
        return node?.Rules.Find(r => r.Priority == priority);
    }

    /// <summary>Every rule, chains in bucket order (callers sort).</summary>
    public IEnumerable<ClassifierRule<T>> Rules()
    {
        foreach (var head in _buckets)
            for (var n = head; n is not null; n = n.Next)
                foreach (var r in n.Rules) yield return r;
    }

    private (Node? Node, ulong Hash) FindNode(in PacketKey maskedValue)
    {
        ulong h = 0;
        for (int i = 0; i < _words.Length; i++) h += (maskedValue.Words[_words[i]] ^ KeyHash.Seed) * _mults[i];
        h = KeyHash.Finish(h);
        for (var n = _buckets[h & (ulong)(_buckets.Length - 1)]; n is not null; n = n.Next)
        {
            if (n.Hash != h) continue;
            int i = 0;
            for (; i < _words.Length; i++) if (maskedValue.Words[_words[i]] != n.Values[i]) break;
            if (i == _words.Length) return (n, h);
        }
        return (null, h);
    }

    private void AddNode(Node node)
    {
        if (_nodeCount >= _buckets.Length) Grow();
        ref var head = ref _buckets[node.Hash & (ulong)(_buckets.Length - 1)];
        node.Next = head;
        head = node;
        _nodeCount++;
    }

    private void RemoveNode(Node node)
    {
        ref var link = ref _buckets[node.Hash & (ulong)(_buckets.Length - 1)];
        while (link != node) link = ref link!.Next;
        link = node.Next;
        _nodeCount--;
    }

    private void Grow()
    {
        var old = _buckets;
        _buckets = new Node?[old.Length * 2];
        foreach (var head in old)
        {
            for (var n = head; n is not null;)
            {
                var next = n.Next;
                ref var slot = ref _buckets[n.Hash & (ulong)(_buckets.Length - 1)];
                n.Next = slot;
                slot = n;
                n = next;
            }
        }
    }

    private sealed class Node(ulong hash, ulong[] values)
    {
        public readonly ulong Hash = hash;
        public readonly ulong[] Values = values;
        public readonly List<ClassifierRule<T>> Rules = new(1);
        public ClassifierRule<T> Head = null!;     // Rules[0], kept here to save two loads per probe
        public Node? Next;
    }
}
