using MeshSim.P4.Execution;

namespace MeshSim.P4.Model;

/// <summary>Indices of the v1model <c>standard_metadata</c> fields the switch reads and writes (-1 when absent).</summary>
public sealed class StandardMetadata
{
    public int IngressPort = -1, EgressSpec = -1, EgressPort = -1, InstanceType = -1, PacketLength = -1,
        McastGrp = -1, EgressRid = -1, ParserError = -1, ChecksumError = -1, IngressTimestamp = -1, EgressTimestamp = -1;
}

/// <summary>
/// A loaded bmv2 program: every object resolved to direct references, plus its run-time state
/// (table entries, counters, registers, meters, multicast groups, mirroring sessions). Build one
/// with <see cref="Loading.P4Loader"/>; give each simulated switch its own instance.
/// </summary>
public sealed class P4Program
{
    public (int Major, int Minor) Version { get; internal set; }
    public HeaderType[] HeaderTypes { get; internal set; } = [];
    public HeaderInstance[] Headers { get; internal set; } = [];
    public HeaderStack[] Stacks { get; internal set; } = [];
    public HeaderUnion[] Unions { get; internal set; } = [];
    /// <summary>Per global field index: the width mask applied on every write.</summary>
    public UInt128[] FieldMasks { get; internal set; } = [];
    public int[] FieldWidths { get; internal set; } = [];
    public int[] FieldHeader { get; internal set; } = [];
    public string[] FieldNames { get; internal set; } = [];
    public int FieldCount => FieldMasks.Length;
    internal int[] VarbitMaxBytes { get; set; } = [];

    public Dictionary<string, int> Errors { get; } = new(StringComparer.Ordinal);
    public P4Parser? Parser { get; internal set; }
    public P4Deparser? Deparser { get; internal set; }
    public Dictionary<string, P4Action> ActionsByName { get; } = new(StringComparer.Ordinal);
    public Dictionary<int, P4Action> ActionsById { get; } = [];
    public Pipeline? Ingress { get; internal set; }
    public Pipeline? Egress { get; internal set; }
    public Dictionary<string, MatchTable> Tables { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, ActionProfile> ActionProfiles { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, Calculation> Calculations { get; } = new(StringComparer.Ordinal);
    public List<ChecksumUnit> Checksums { get; } = [];
    public Dictionary<string, CounterArray> Counters { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, MeterArray> Meters { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, RegisterArray> Registers { get; } = new(StringComparer.Ordinal);
    public Dictionary<int, FieldList> FieldLists { get; } = [];
    public Dictionary<string, ParseValueSet> ValueSets { get; } = new(StringComparer.Ordinal);
    public StandardMetadata Std { get; } = new();
    public Dictionary<string, int> HeaderByName { get; } = new(StringComparer.Ordinal);

    /// <summary>The simple_switch packet replication engine and mirroring sessions.</summary>
    public ReplicationEngine Pre { get; } = new();

    private ulong _rng = 0x5EED_0000_0000_0001UL;

    /// <summary>Seeds <c>random()</c> (modify_field_rng_uniform).</summary>
    public void Seed(ulong seed) => _rng = seed ^ 0x9E3779B97F4A7C15UL;

    internal UInt128 NextRandom()
    {
        ulong z = _rng += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A fresh packet state sized for this program.</summary>
    public PacketState NewPacketState() => new(FieldCount, Headers.Length, Stacks.Length, VarbitMaxBytes);

    private UInt128[]? _errorValues;

    /// <summary>The numeric value the program gives a core parser error (looked up once, not per packet).</summary>
    public UInt128 ErrorValue(ParserErrorKind kind)
    {
        var table = _errorValues ??= Enum.GetValues<ParserErrorKind>()
            .Select(k => Errors.TryGetValue(k.ToString(), out var v) ? (UInt128)(uint)v : UInt128.Zero).ToArray();
        return (uint)kind < (uint)table.Length ? table[(int)kind] : UInt128.Zero;
    }

    public string ErrorName(UInt128 value)
    {
        foreach (var (n, v) in Errors) if ((UInt128)(uint)v == value) return n;
        return value.ToString();
    }

    internal int PacketLengthForCounters(ExecContext c) =>
        Std.PacketLength >= 0 ? (int)(uint)c.Pkt.Fields[Std.PacketLength] : c.Pkt.Length;

    /// <summary>Marks a header valid; a member of a union invalidates its siblings.</summary>
    public void MarkValid(PacketState pkt, int header)
    {
        var h = Headers[header];
        if (h.UnionIndex >= 0) foreach (var other in Unions[h.UnionIndex].Headers) pkt.Valid[other] = false;
        pkt.Valid[header] = true;
    }

    /// <summary>Copies validity, fields and varbit bytes of one header into another of the same type.</summary>
    public void CopyHeader(PacketState pkt, int src, int dst)
    {
        if (src == dst) return;
        var s = Headers[src]; var d = Headers[dst];
        Array.Copy(pkt.Fields, s.FieldBase, pkt.Fields, d.FieldBase, Math.Min(s.Type.Fields.Length, d.Type.Fields.Length));
        if (s.VarbitSlot >= 0 && d.VarbitSlot >= 0)
        {
            Array.Copy(pkt.Varbit[s.VarbitSlot], pkt.Varbit[d.VarbitSlot], Math.Min(pkt.Varbit[s.VarbitSlot].Length, pkt.Varbit[d.VarbitSlot].Length));
            pkt.VarbitBits[d.VarbitSlot] = pkt.VarbitBits[s.VarbitSlot];
        }
        pkt.Valid[dst] = pkt.Valid[src];
    }

    public int HeaderWireBits(PacketState pkt, int header)
    {
        var h = Headers[header];
        return h.Type.FixedBits + (h.VarbitSlot >= 0 ? pkt.VarbitBits[h.VarbitSlot] : 0);
    }

    /// <summary>Writes the header's wire form at <paramref name="bitOffset"/> of <paramref name="dest"/>; returns the bits written.</summary>
    public int SerializeHeader(PacketState pkt, int header, Span<byte> dest, int bitOffset)
    {
        var w = new BitWriter(dest, bitOffset);
        SerializeHeader(pkt, header, ref w);
        w.Flush();
        return w.BitPosition - bitOffset;
    }

    /// <summary>Appends header <paramref name="header"/>'s fields (and varbit bytes) to <paramref name="w"/>.</summary>
    public void SerializeHeader(PacketState pkt, int header, ref BitWriter w)
    {
        var h = Headers[header];
        var fields = h.Type.Fields;
        var values = pkt.Fields;
        for (int i = 0; i < fields.Length; i++)
        {
            var f = fields[i];
            if (f.IsVarbit) w.WriteBytes(pkt.Varbit[h.VarbitSlot].AsSpan(0, pkt.VarbitBits[h.VarbitSlot] / 8));
            else w.Write(values[h.FieldBase + i], f.Width);
        }
    }

}
