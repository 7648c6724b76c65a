using MeshSim.Ovs.Classification;

namespace MeshSim.Ovs.Datapath;

/// <summary>How a select group picks a bucket, as ofproto-dpif.c (OVS 3.1) decides it.</summary>
public enum SelectionMethod : byte
{
    /// <summary>Not a select group.</summary>
    None,
    /// <summary>dp_hash: a datapath hash of the packet indexes a table of hash values distributed over the
    /// buckets by weight with Webster's method (group_setup_dp_hash_table); OVS 3.1's choice when no
    /// method is given and the weights fit in 256 values, with the datapath's <c>sym_l4</c> hash.</summary>
    DpHash,
    /// <summary>hash: a hash of the listed fields (masked, in OVS's field order) selects by highest random weight.</summary>
    Hash,
    /// <summary>OVS's fallback ("default"): <c>flow_hash_symmetric_l4</c> of the flow, then highest random weight:
    /// score(bucket) = (hash(bucket_id, basis) &amp; 0xffff) × weight, the highest (last on ties) wins.</summary>
    Default,
}

/// <summary>The datapath hash algorithms of OVS's <c>hash(...)</c> action (enum ovs_hash_alg).</summary>
public enum DpHashAlgorithm : byte
{
    /// <summary><c>l4</c>: on the userspace datapath, <c>hash_int</c> of the packet's RSS (5-tuple) hash.</summary>
    L4 = 0,
    /// <summary><c>sym_l4</c>: <c>flow_hash_symmetric_l3l4</c> of the packet, the same both ways.</summary>
    SymmetricL4 = 1,
}

/// <summary>An installed group with its counters and, for select groups, its bucket selection state
/// (recomputed from the whole bucket list on every change).</summary>
public sealed class GroupState
{
    private Bucket?[] _hashMap = [];

    internal GroupState(GroupEntry entry, long installedNs)
    {
        Entry = entry;
        InstalledNs = installedNs;
        BucketPackets = new long[entry.Buckets.Count];
        BucketBytes = new long[entry.Buckets.Count];
        ActionSets = entry.Buckets.Select(b => BucketActionSet.From(b.Actions)).ToArray();
        HashFields = entry.Fields.Where(f => FlowHash.HashFieldOrder(f.Field) >= 0)
            .OrderBy(f => FlowHash.HashFieldOrder(f.Field))
            .DistinctBy(f => FlowHash.HashFieldOrder(f.Field)).ToArray();
        Configure();
    }

    /// <summary>The group as added.</summary>
    public GroupEntry Entry { get; }

    /// <summary>When it was added.</summary>
    public long InstalledNs { get; }

    /// <summary>Packets and bytes through the group.</summary>
    public long Packets, Bytes;

    /// <summary>Per-bucket counters, in bucket order.</summary>
    public long[] BucketPackets { get; }

    /// <summary>Per-bucket byte counters.</summary>
    public long[] BucketBytes { get; }

    /// <summary>What each bucket executes (its actions as an OpenFlow action set), in bucket order.</summary>
    public IReadOnlyList<BucketActionSet> ActionSets { get; }

    /// <summary>The method in effect for a select group.</summary>
    public SelectionMethod Method { get; private set; }

    /// <summary>For <see cref="SelectionMethod.DpHash"/>: the datapath hash the group asks for.</summary>
    public DpHashAlgorithm HashAlgorithm { get; private set; }

    /// <summary>For <see cref="SelectionMethod.DpHash"/>: the datapath hash's basis.</summary>
    public uint HashBasis { get; private set; }

    /// <summary>For <see cref="SelectionMethod.Hash"/>: the fields hashed, in OVS's field-id order.</summary>
    internal FieldMatch[] HashFields { get; }

    /// <summary>Hash values of the dp_hash table (a power of two), or 0.</summary>
    public int HashValues => _hashMap.Length;

    /// <summary>The dp_hash table: which bucket each masked hash value selects.</summary>
    public IReadOnlyList<Bucket?> HashMap => _hashMap;

    private void Configure()
    {
        if (Entry.Type != GroupType.Select) { Method = SelectionMethod.None; return; }
        switch (Entry.SelectionMethod)
        {
            case null or "":
                Method = TrySetupDpHash(256) ? SelectionMethod.DpHash : SelectionMethod.Default;
                HashAlgorithm = DpHashAlgorithm.SymmetricL4;
                HashBasis = 0;
                break;
            case "dp_hash":
                Method = TrySetupDpHash(0) ? SelectionMethod.DpHash : SelectionMethod.Default;
                // The algorithm rides in the parameter's high word (an unknown one means l4), the basis in its low word.
                HashAlgorithm = (Entry.SelectionMethodParam >> 32) == 1 ? DpHashAlgorithm.SymmetricL4 : DpHashAlgorithm.L4;
                HashBasis = (uint)Entry.SelectionMethodParam;
                break;
            case "hash":
                Method = Entry.Fields.Count > 0 ? SelectionMethod.Hash : SelectionMethod.Default;
                break;
            default:
                Method = SelectionMethod.Default;
                break;
        }
    }

    // group_setup_dp_hash_table: Webster's method spreads 2^k hash values over the buckets by weight.
    private bool TrySetupDpHash(int maxHash)
    {
        var buckets = Entry.Buckets;
        if (buckets.Count == 0) return false;
        ulong total = 0;
        int minWeight = ushort.MaxValue;
        foreach (var b in buckets)
        {
            if (b.Weight > 0 && b.Weight < minWeight) minWeight = b.Weight;
            total += b.Weight;
        }
        if (total == 0) return false;
        ulong minSlots = (total + (ulong)minWeight - 1) / (ulong)minWeight;
        ulong pow2 = 1;
        while (pow2 < minSlots) pow2 <<= 1;
        ulong nHash = Math.Max(16, pow2);
        if (nHash > 256 || (maxHash != 0 && nHash > (ulong)maxHash)) return false;   // MAX_SELECT_GROUP_HASH_VALUES = 256

        var divisor = new int[buckets.Count];
        var value = new double[buckets.Count];
        for (int i = 0; i < buckets.Count; i++) { divisor[i] = 1; value[i] = buckets[i].Weight; }
        _hashMap = new Bucket?[nHash];
        for (int h = 0; h < (int)nHash; h++)
        {
            int winner = 0;
            for (int i = 1; i < buckets.Count; i++) if (value[i] > value[winner]) winner = i;
            divisor[winner] += 2;
            value[winner] = (double)buckets[winner].Weight / divisor[winner];
            _hashMap[h] = buckets[winner];
        }
        return true;
    }

    internal int IndexOf(Bucket b)
    {
        var list = Entry.Buckets;
        for (int i = 0; i < list.Count; i++) if (ReferenceEquals(list[i], b)) return i;
        return -1;
    }

    /// <summary>Highest-random-weight choice among live buckets (group_best_live_bucket), with the scores for the trace.</summary>
    internal Bucket? BestLiveBucket(uint basis, Func<Bucket, bool> isLive, List<(Bucket Bucket, uint Score)>? scores)
    {
        Bucket? best = null;
        uint bestScore = 0;
        var buckets = Entry.Buckets;
        for (int i = 0; i < buckets.Count; i++)
        {
            var b = buckets[i];
            if (!isLive(b)) continue;
            uint score = (OvsHash.Int(b.BucketId, basis) & 0xFFFF) * b.Weight;
            scores?.Add((b, score));
            if (score >= bestScore)
            {
                best = b;
                bestScore = score;
            }
        }
        return best;
    }

    /// <summary>dp_hash choice: start at hash &amp; mask and take the first live bucket (pick_dp_hash_select_group).</summary>
    internal Bucket? DpHashBucket(uint dpHash, Func<Bucket, bool> isLive)
    {
        int mask = _hashMap.Length - 1;
        for (int i = 0; i <= mask; i++)
        {
            var b = _hashMap[(int)((dpHash + (uint)i) & (uint)mask)];
            if (b is not null && isLive(b)) return b;
        }
        return null;
    }
}
