using System.Collections;

namespace MeshSim.Ovs;

/// <summary>
/// A normalised OpenFlow match: at most one <see cref="FieldMatch"/> per storage slot, sorted by
/// <see cref="OvsFieldId"/>, values pre-masked, all-zero masks dropped. Protocol shorthands are
/// expanded (<c>tcp</c> is <c>dl_type=0x0800,nw_proto=6</c>) and aliases folded onto their slot
/// (<c>arp_spa</c> is stored as <see cref="OvsFieldId.NwSrc"/>, <c>dl_vlan</c> as bits of
/// <see cref="OvsFieldId.VlanTci"/>), so two texts OVS treats as the same match compare equal here.
/// </summary>
public sealed class Match : IEquatable<Match>, IReadOnlyList<FieldMatch>
{
    private readonly FieldMatch[] _fields;

    /// <summary>The match that matches every packet.</summary>
    public static readonly Match Any = new([], false);

    private Match(FieldMatch[] sortedFields, bool ethernetOnly)
    {
        _fields = sortedFields;
        EthernetOnly = ethernetOnly;
    }

    /// <summary>
    /// OVS's hidden <c>packet_type=eth</c>: set when the flow text named any field beyond pipeline
    /// metadata (a protocol shorthand, dl_src, nw_src…), even one that normalisation then dropped.
    /// It is never printed and changes nothing for Ethernet frames (all MeshSim frames are), but two
    /// flows that differ only in it are different flows to OVS: <c>nw_src=1.2.3.4,actions=drop</c>
    /// (no <c>ip</c>) adds a second flow printed as <c>actions=drop</c> next to a plain one.
    /// </summary>
    public bool EthernetOnly { get; }

    /// <summary>Builds a match from slot constraints; aliases are rejected, duplicates merged (later wins per bit).</summary>
    public static Match Create(IEnumerable<FieldMatch> fields) => Create(fields, ethernetOnly: false);

    /// <summary>Builds a match, stating whether it carries OVS's hidden Ethernet packet-type constraint.</summary>
    public static Match Create(IEnumerable<FieldMatch> fields, bool ethernetOnly)
    {
        var bySlot = new SortedDictionary<OvsFieldId, FieldMatch>();
        foreach (var f in fields)
        {
            if (f.Info.IsAlias) throw new ArgumentException($"{f.Field} is an alias; store it as {f.Info.Slot}", nameof(fields));
            var full = f.Info.FullMask;
            var mask = f.Mask & full;
            if (bySlot.TryGetValue(f.Field, out var old))
            {
                var merged = (old.Mask | mask);
                var value = (old.Value & ~mask) | (f.Value & mask);
                bySlot[f.Field] = new FieldMatch(f.Field, value & merged, merged);
            }
            else bySlot[f.Field] = new FieldMatch(f.Field, f.Value & mask, mask);
        }
        var arr = bySlot.Values.Where(f => f.Mask != UInt128.Zero).ToArray();
        return arr.Length == 0 && !ethernetOnly ? Any : new Match(arr, ethernetOnly);
    }

    /// <summary>Number of matched slots.</summary>
    public int Count => _fields.Length;

    /// <summary>The i-th matched slot in id order.</summary>
    public FieldMatch this[int index] => _fields[index];

    /// <summary>The constraints as a span, in id order.</summary>
    public ReadOnlySpan<FieldMatch> Fields => _fields;

    /// <summary>Looks up the constraint on a storage slot (or the slot of an alias).</summary>
    public bool TryGet(OvsFieldId field, out FieldMatch match)
    {
        var slot = OvsFields.Get(field).Slot;
        foreach (var f in _fields)
            if (f.Field == slot) { match = f; return true; }
        match = default;
        return false;
    }

    /// <summary>The value of an exactly matched slot, or null when it is wildcarded or partly masked.</summary>
    public UInt128? ExactValue(OvsFieldId field) =>
        TryGet(field, out var m) && m.IsExact ? m.Value : null;

    /// <summary>The matched EtherType, or null when dl_type is wildcarded.</summary>
    public ushort? EthType => ExactValue(OvsFieldId.EthType) is { } v ? (ushort)v : null;

    /// <summary>The matched IP protocol (or low byte of arp_op), or null when wildcarded.</summary>
    public byte? NwProto => ExactValue(OvsFieldId.NwProto) is { } v ? (byte)v : null;

    /// <inheritdoc/>
    public bool Equals(Match? other) => other is not null && EthernetOnly == other.EthernetOnly && _fields.AsSpan().SequenceEqual(other._fields);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Match);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        // Deterministic (no HashCode): FNV-1a over the constraints.
        ulong h = EthernetOnly ? 1469598103934665603UL : 14695981039346656037UL;
        foreach (var f in _fields)
        {
            h = (h ^ (byte)f.Field) * 1099511628211UL;
            h = (h ^ (ulong)f.Value) * 1099511628211UL;
            h = (h ^ (ulong)(f.Value >> 64)) * 1099511628211UL;
            h = (h ^ (ulong)f.Mask) * 1099511628211UL;
        }
        return (int)(h ^ (h >> 32));
    }

    /// <inheritdoc/>
    public IEnumerator<FieldMatch> GetEnumerator() => ((IEnumerable<FieldMatch>)_fields).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => _fields.GetEnumerator();

    /// <summary>The match as OVS prints it (without priority).</summary>
    public override string ToString() => OvsFormatter.FormatMatch(this, OvsFormatter.DefaultPriority);
}
