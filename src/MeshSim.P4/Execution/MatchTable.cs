using System.Text;
using MeshSim.P4.Model;

namespace MeshSim.P4.Execution;

/// <summary>A match value supplied by the control plane for one key element.</summary>
/// <param name="Kind">The element's match kind.</param>
/// <param name="Value">exact/lpm/ternary/optional value, range start, or valid (0/1).</param>
/// <param name="MaskOrEnd">ternary/optional mask, or range end.</param>
/// <param name="PrefixLength">lpm prefix length in bits.</param>
public readonly record struct MatchParam(MatchKind Kind, UInt128 Value, UInt128 MaskOrEnd = default, int PrefixLength = 0);

/// <summary>
/// A match-action table as bmv2 runs it. The key is the concatenation of byte-padded key elements
/// (built in a preallocated buffer, no allocation per lookup). Exact tables use one hash index;
/// LPM tables one index per prefix length, probed longest first; ternary/range/optional tables a
/// list ordered by priority where the <b>lowest number wins</b> (bmv2's convention), ties broken by
/// handle. Handles are the lowest free integers, as bmv2's handle manager hands them out.
/// </summary>
public sealed class MatchTable : ControlNode
{
    public required int Id { get; init; }
    public required MatchKind TableKind { get; init; } // Exact, Lpm, Ternary or Range
    public required TableImpl Impl { get; init; }
    public required KeyElement[] Key { get; init; }
    public required int KeyBytes { get; init; }
    public required int MaxSize { get; init; }
    public required HashSet<P4Action> Actions { get; init; }
    public ActionProfile? Profile { get; init; }
    public bool WithCounters { get; init; }
    public MeterArray? DirectMeter { get; set; }
    public ActionBinding? DefaultAction { get; set; }
    /// <summary>The default entry from the JSON (what <c>table_reset_default</c> restores).</summary>
    public ActionBinding? InitialDefault { get; set; }
    public int DefaultIndirectHandle { get; set; } = -1;
    public bool DefaultIndirectIsGroup { get; set; }
    public bool DefaultActionConst { get; set; }
    public bool DefaultEntryConst { get; set; }
    public bool Immutable { get; set; }

    public Dictionary<string, ControlNode?> NextByAction { get; } = new(StringComparer.Ordinal);
    public bool UsesHitMiss { get; set; }
    public ControlNode? HitNext { get; set; }
    public ControlNode? MissNext { get; set; }
    public ControlNode? BaseDefaultNext { get; set; }

    // NextByAction by action id, built on first use (after the loader has linked the graph): a string
    // dictionary lookup per applied table was a measurable share of the per-packet cost.
    private (bool Known, ControlNode? Next)[]? _nextById;

    private ControlNode? NextAfter(P4Action action)
    {
        var byId = _nextById ??= BuildNextById();
        return (uint)action.Id < (uint)byId.Length && byId[action.Id].Known ? byId[action.Id].Next
            : NextByAction.TryGetValue(action.Name, out var next) ? next : BaseDefaultNext;
    }

    private (bool, ControlNode?)[] BuildNextById()
    {
        var actions = Actions.Where(a => NextByAction.ContainsKey(a.Name)).ToArray();
        var byId = new (bool, ControlNode?)[actions.Length == 0 ? 0 : actions.Max(a => a.Id) + 1];
        foreach (var a in actions) byId[a.Id] = (true, NextByAction[a.Name]);
        return byId;
    }

    private readonly List<TableEntry?> _byHandle = [];
    private int _count;
    private byte[] _key = [];
    private byte[] _probe = [];
    private Dictionary<byte[], TableEntry>? _exact;
    private Dictionary<byte[], TableEntry>.AlternateLookup<ReadOnlySpan<byte>> _exactLookup;
    private Dictionary<byte[], TableEntry>?[] _lpm = [];
    private Dictionary<byte[], TableEntry>.AlternateLookup<ReadOnlySpan<byte>>[] _lpmLookup = [];
    private int[] _lpmLengths = [];
    private byte[][] _lpmMasks = [];
    private int _lpmElement = -1;
    private readonly List<TableEntry> _ordered = [];

    public int Count => _count;

    internal void Initialise()
    {
        _key = new byte[KeyBytes];
        _probe = new byte[KeyBytes];
        if (TableKind == MatchKind.Exact)
        {
            _exact = new Dictionary<byte[], TableEntry>(KeyComparer.Instance);
            _exactLookup = _exact.GetAlternateLookup<ReadOnlySpan<byte>>();
        }
        else if (TableKind == MatchKind.Lpm)
        {
            _lpmElement = Array.FindIndex(Key, k => k.Kind == MatchKind.Lpm);
            var e = Key[_lpmElement];
            _lpm = new Dictionary<byte[], TableEntry>?[e.Width + 1];
            _lpmLookup = new Dictionary<byte[], TableEntry>.AlternateLookup<ReadOnlySpan<byte>>[e.Width + 1];
            _lpmMasks = new byte[e.Width + 1][];
            for (int p = 0; p <= e.Width; p++)
            {
                _lpmMasks[p] = new byte[e.ByteWidth];
                Bits.WriteBytes(_lpmMasks[p], Bits.Mask(e.Width) & ~Bits.Mask(e.Width - p));
            }
        }
    }

    /// <summary>All installed entries in handle order.</summary>
    public IEnumerable<TableEntry> Entries => _byHandle.Where(e => e is not null)!;

    public TableEntry? GetEntry(int handle) => (uint)handle < (uint)_byHandle.Count ? _byHandle[handle] : null;

    // ---------------------------------------------------------------- data plane

    public override ControlNode? Apply(ExecContext c)
    {
        var t = c.Trace;
        BuildKey(c);
        t?.Line($"Applying table '{Name}'");
        if (t is not null && Key.Length > 0) t.Line("Looking up key: " + FormatKey(c));
        var entry = Lookup();
        ActionBinding? binding;
        if (entry is not null)
        {
            if (WithCounters) { entry.Packets++; entry.Bytes += (ulong)c.Program.PacketLengthForCounters(c); }
            if (DirectMeter is { } m)
            {
                int color = m.Execute(ref entry.Meter, c.Program.PacketLengthForCounters(c), c.NowNs);
                if (m.ResultField >= 0) c.Write(m.ResultField, (UInt128)(uint)color);
            }
            binding = entry.Action ?? ResolveIndirect(c, entry.IndirectHandle, entry.IsGroup);
            t?.Line($"Table '{Name}': hit with handle {entry.Handle}");
        }
        else
        {
            binding = DefaultAction ?? (DefaultIndirectHandle >= 0 ? ResolveIndirect(c, DefaultIndirectHandle, DefaultIndirectIsGroup) : null);
            t?.Line($"Table '{Name}': miss");
        }
        if (binding is not null)
        {
            t?.Line($"Action entry is {binding.Action.Name} - {FormatData(binding)}");
            binding.Action.Execute(c, binding.Data);
        }
        if (UsesHitMiss) return entry is not null ? HitNext : MissNext;
        return binding is not null ? NextAfter(binding.Action) : BaseDefaultNext;
    }

    private ActionBinding? ResolveIndirect(ExecContext c, int handle, bool group)
    {
        if (Profile is null) return null;
        if (group) return Profile.Select(c, handle);
        return Profile.Members.TryGetValue(handle, out var b) ? b : null;
    }

    private void BuildKey(ExecContext c)
    {
        var key = _key.AsSpan();
        foreach (var k in Key)
        {
            var dst = key.Slice(k.ByteOffset, k.ByteWidth);
            Bits.WriteBytes(dst, k.Source.Eval(c));
            if (k.StaticMask is { } sm) for (int i = 0; i < dst.Length; i++) dst[i] &= sm[i];
        }
    }

    internal TableEntry? Lookup()
    {
        if (_count == 0) return null;
        switch (TableKind)
        {
            case MatchKind.Exact:
                return _exactLookup.TryGetValue(_key, out var e) ? e : null;
            case MatchKind.Lpm:
            {
                var el = Key[_lpmElement];
                _key.CopyTo(_probe, 0);
                var region = _probe.AsSpan(el.ByteOffset, el.ByteWidth);
                var original = _key.AsSpan(el.ByteOffset, el.ByteWidth);
                foreach (var p in _lpmLengths)
                {
                    var m = _lpmMasks[p];
                    for (int i = 0; i < region.Length; i++) region[i] = (byte)(original[i] & m[i]);
                    if (_lpmLookup[p].TryGetValue(_probe, out var hit)) return hit;
                }
                return null;
            }
            default:
                foreach (var entry in _ordered) if (MatchesMasked(entry)) return entry;
                return null;
        }
    }

    private bool MatchesMasked(TableEntry entry)
    {
        var key = _key; var ek = entry.Key; var em = entry.Mask;
        // Eight bytes at a time: ternary keys are often tens of bytes (the mesh program's l7 key is 40).
        int i = 0;
        for (; i + 8 <= key.Length; i += 8)
        {
            ulong k = System.Runtime.InteropServices.MemoryMarshal.Read<ulong>(key.AsSpan(i));
            ulong m = System.Runtime.InteropServices.MemoryMarshal.Read<ulong>(em.AsSpan(i));
            if ((k & m) != System.Runtime.InteropServices.MemoryMarshal.Read<ulong>(ek.AsSpan(i))) return false;
        }
        for (; i < key.Length; i++) if ((key[i] & em[i]) != ek[i]) return false;
        if (entry.RangeEnd is { } end)
        {
            foreach (var k in Key)
            {
                if (k.Kind != MatchKind.Range) continue;
                var v = key.AsSpan(k.ByteOffset, k.ByteWidth);
                if (v.SequenceCompareTo(entry.RangeStart!.AsSpan(k.ByteOffset, k.ByteWidth)) < 0) return false;
                if (v.SequenceCompareTo(end.AsSpan(k.ByteOffset, k.ByteWidth)) > 0) return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- control plane

    /// <summary>Adds an entry; on success <paramref name="handle"/> is its handle.</summary>
    public TableOpResult AddEntry(ReadOnlySpan<MatchParam> match, ActionBinding? action, int indirectHandle, bool isGroup, int priority, out int handle)
    {
        handle = -1;
        if (Immutable) return TableOpResult.ImmutableTable;
        if (_count >= MaxSize) return TableOpResult.TableFull;
        var r = BuildEntry(match, priority, out var entry);
        if (r != TableOpResult.Success) return r;
        if (Impl == TableImpl.Simple)
        {
            if (action is null || !Actions.Contains(action.Action)) return TableOpResult.InvalidActionName;
            entry.Action = action;
        }
        else
        {
            r = CheckIndirect(indirectHandle, isGroup);
            if (r != TableOpResult.Success) return r;
            entry.IndirectHandle = indirectHandle; entry.IsGroup = isGroup;
        }
        if (IsDuplicate(entry)) return TableOpResult.DuplicateEntry;
        handle = 0;
        while (handle < _byHandle.Count && _byHandle[handle] is not null) handle++;
        entry.Handle = handle;
        if (handle == _byHandle.Count) _byHandle.Add(entry); else _byHandle[handle] = entry;
        Index(entry);
        _count++;
        return TableOpResult.Success;
    }

    /// <summary>Adds an entry from the JSON <c>entries</c> list (bypasses immutability).</summary>
    internal TableOpResult AddConstEntry(ReadOnlySpan<MatchParam> match, ActionBinding action, int priority)
    {
        bool was = Immutable; Immutable = false;
        var r = AddEntry(match, action, -1, false, priority, out _);
        Immutable = was;
        return r;
    }

    internal TableOpResult CheckIndirect(int handle, bool isGroup)
    {
        if (Profile is null) return TableOpResult.WrongTableType;
        if (isGroup && Impl != TableImpl.IndirectWs) return TableOpResult.WrongTableType;
        if (isGroup ? !Profile.Groups.ContainsKey(handle) : !Profile.Members.ContainsKey(handle))
            return isGroup ? TableOpResult.InvalidGrpHandle : TableOpResult.InvalidMbrHandle;
        return TableOpResult.Success;
    }

    /// <summary>The installed entry with exactly this match key (and priority for ternary/range tables), or null.</summary>
    public TableEntry? FindEntry(ReadOnlySpan<MatchParam> match, int priority)
    {
        if (BuildEntry(match, priority, out var probe) != TableOpResult.Success) return null;
        foreach (var e in Entries)
            if (e.Key.AsSpan().SequenceEqual(probe.Key) && e.Mask.AsSpan().SequenceEqual(probe.Mask) && e.PrefixLength == probe.PrefixLength
                && (TableKind is not (MatchKind.Ternary or MatchKind.Range) || e.Priority == priority)
                && (e.RangeStart ?? []).AsSpan().SequenceEqual(probe.RangeStart ?? []) && (e.RangeEnd ?? []).AsSpan().SequenceEqual(probe.RangeEnd ?? []))
                return e;
        return null;
    }

    public TableOpResult ModifyEntry(int handle, ActionBinding? action, int indirectHandle = -1, bool isGroup = false)
    {
        if (Immutable) return TableOpResult.ImmutableTable;
        var e = GetEntry(handle);
        if (e is null) return TableOpResult.InvalidHandle;
        if (Impl == TableImpl.Simple)
        {
            if (action is null || !Actions.Contains(action.Action)) return TableOpResult.InvalidActionName;
            e.Action = action;
        }
        else
        {
            var r = CheckIndirect(indirectHandle, isGroup);
            if (r != TableOpResult.Success) return r;
            e.IndirectHandle = indirectHandle; e.IsGroup = isGroup;
        }
        return TableOpResult.Success;
    }

    public TableOpResult DeleteEntry(int handle)
    {
        if (Immutable) return TableOpResult.ImmutableTable;
        var e = GetEntry(handle);
        if (e is null) return TableOpResult.InvalidHandle;
        _byHandle[handle] = null;
        Unindex(e);
        _count--;
        return TableOpResult.Success;
    }

    public void Clear()
    {
        foreach (var e in Entries.ToList()) { _byHandle[e.Handle] = null; Unindex(e); }
        _count = 0;
    }

    public TableOpResult SetDefault(ActionBinding action)
    {
        if (Impl != TableImpl.Simple) return TableOpResult.WrongTableType;
        if (!Actions.Contains(action.Action)) return TableOpResult.InvalidActionName;
        if (DefaultActionConst && DefaultAction is not null && DefaultAction.Action != action.Action) return TableOpResult.DefaultActionIsConst;
        if (DefaultEntryConst) return TableOpResult.DefaultEntryIsConst;
        DefaultAction = action;
        return TableOpResult.Success;
    }

    public TableOpResult SetDefaultIndirect(int handle, bool isGroup)
    {
        var r = CheckIndirect(handle, isGroup);
        if (r != TableOpResult.Success) return r;
        DefaultIndirectHandle = handle; DefaultIndirectIsGroup = isGroup;
        return TableOpResult.Success;
    }

    private TableOpResult BuildEntry(ReadOnlySpan<MatchParam> match, int priority, out TableEntry entry)
    {
        entry = new TableEntry { Key = new byte[KeyBytes], Mask = new byte[KeyBytes], ShownKey = new byte[KeyBytes], Priority = priority };
        if (match.Length != Key.Length) return TableOpResult.BadMatchKey;
        bool anyRange = false;
        for (int i = 0; i < Key.Length; i++)
        {
            var k = Key[i]; var m = match[i];
            var key = entry.Key.AsSpan(k.ByteOffset, k.ByteWidth);
            var mask = entry.Mask.AsSpan(k.ByteOffset, k.ByteWidth);
            var full = Bits.Mask(k.ByteWidth * 8);
            if (k.StaticMask is { } sm) full = Bits.FromBytes(sm);
            var fieldMask = Bits.Mask(k.Width) & full;
            UInt128 value = m.Value, msk;
            switch (k.Kind)
            {
                case MatchKind.Exact:
                case MatchKind.Selector:
                    if (m.Kind != MatchKind.Exact) return TableOpResult.BadMatchKey;
                    msk = fieldMask; break;
                case MatchKind.Valid:
                    if (m.Kind is not (MatchKind.Valid or MatchKind.Exact)) return TableOpResult.BadMatchKey;
                    value = value != UInt128.Zero ? UInt128.One : UInt128.Zero; msk = UInt128.One; break;
                case MatchKind.Lpm:
                    if (m.Kind != MatchKind.Lpm || m.PrefixLength < 0 || m.PrefixLength > k.Width) return TableOpResult.BadMatchKey;
                    msk = Bits.Mask(k.Width) & ~Bits.Mask(k.Width - m.PrefixLength) & fieldMask;
                    entry.PrefixLength = m.PrefixLength; break;
                case MatchKind.Ternary:
                case MatchKind.Optional:
                    if (m.Kind is not (MatchKind.Ternary or MatchKind.Optional or MatchKind.Exact)) return TableOpResult.BadMatchKey;
                    msk = (m.Kind == MatchKind.Exact ? fieldMask : m.MaskOrEnd) & fieldMask; break;
                case MatchKind.Range:
                    if (m.Kind != MatchKind.Range || m.Value > m.MaskOrEnd) return TableOpResult.BadMatchKey;
                    if (m.Value > Bits.Mask(k.Width) || m.MaskOrEnd > Bits.Mask(k.Width)) return TableOpResult.BadMatchKey;
                    entry.RangeEnd ??= new byte[KeyBytes];
                    entry.RangeStart ??= new byte[KeyBytes];
                    Bits.WriteBytes(entry.RangeStart.AsSpan(k.ByteOffset, k.ByteWidth), m.Value);
                    Bits.WriteBytes(entry.RangeEnd.AsSpan(k.ByteOffset, k.ByteWidth), m.MaskOrEnd);
                    anyRange = true;
                    msk = 0; break;
                default: return TableOpResult.BadMatchKey;
            }
            if (k.Kind != MatchKind.Range && value > Bits.Mask(k.Width)) return TableOpResult.BadMatchKey;
            if (k.Kind == MatchKind.Range) { Bits.WriteBytes(key, 0); Bits.WriteBytes(mask, 0); continue; }
            Bits.WriteBytes(key, value & msk);
            Bits.WriteBytes(mask, msk);
            Bits.WriteBytes(entry.ShownKey.AsSpan(k.ByteOffset, k.ByteWidth), value);
        }
        _ = anyRange;
        return TableOpResult.Success;
    }

    private bool IsDuplicate(TableEntry e) => TableKind switch
    {
        MatchKind.Exact => _exact!.ContainsKey(e.Key),
        MatchKind.Lpm => _lpm[e.PrefixLength]?.ContainsKey(e.Key) == true,
        _ => _ordered.Any(o => o.Priority == e.Priority && o.Key.AsSpan().SequenceEqual(e.Key) && o.Mask.AsSpan().SequenceEqual(e.Mask)
                               && (o.RangeEnd ?? []).AsSpan().SequenceEqual(e.RangeEnd ?? []) && (o.RangeStart ?? []).AsSpan().SequenceEqual(e.RangeStart ?? [])),
    };

    private void Index(TableEntry e)
    {
        switch (TableKind)
        {
            case MatchKind.Exact: _exact![e.Key] = e; break;
            case MatchKind.Lpm:
                if (_lpm[e.PrefixLength] is null)
                {
                    _lpm[e.PrefixLength] = new Dictionary<byte[], TableEntry>(KeyComparer.Instance);
                    _lpmLookup[e.PrefixLength] = _lpm[e.PrefixLength]!.GetAlternateLookup<ReadOnlySpan<byte>>();
                }
                _lpm[e.PrefixLength]![e.Key] = e;
                RebuildLengths();
                break;
            default:
                int i = 0;
                while (i < _ordered.Count && (_ordered[i].Priority < e.Priority || (_ordered[i].Priority == e.Priority && _ordered[i].Handle < e.Handle))) i++;
                _ordered.Insert(i, e);
                break;
        }
    }

    private void Unindex(TableEntry e)
    {
        switch (TableKind)
        {
            case MatchKind.Exact: _exact!.Remove(e.Key); break;
            case MatchKind.Lpm: _lpm[e.PrefixLength]!.Remove(e.Key); RebuildLengths(); break;
            default: _ordered.Remove(e); break;
        }
    }

    private void RebuildLengths() =>
        _lpmLengths = Enumerable.Range(0, _lpm.Length).Where(p => _lpm[p] is { Count: > 0 }).OrderByDescending(p => p).ToArray();

    // ---------------------------------------------------------------- text

    private string FormatKey(ExecContext c)
    {
        var sb = new StringBuilder();
        foreach (var k in Key)
        {
            if (sb.Length > 0) sb.Append(", ");
            sb.Append(k.Name).Append(" = ").Append(Convert.ToHexString(_key, k.ByteOffset, k.ByteWidth).ToLowerInvariant());
        }
        return sb.ToString();
    }

    internal static string FormatData(ActionBinding b)
    {
        var parts = new string[b.Data.Length];
        for (int i = 0; i < parts.Length; i++) parts[i] = Bits.ToColonHex(b.Data[i], b.Action.Params[i].Width);
        return string.Join(",", parts);
    }

    /// <summary>Action data as simple_switch_CLI's dumps print it: each value in its shortest big-endian bytes (at least one), ", "-separated.</summary>
    public static string DumpData(ActionBinding b) =>
        string.Join(", ", b.Data.Select(d => Hex(d, Math.Max(1, (128 - (int)UInt128.LeadingZeroCount(d) + 7) / 8))));

    private static string Hex(UInt128 v, int bytes)
    {
        Span<byte> buf = stackalloc byte[Math.Max(1, bytes)];
        Bits.WriteBytes(buf, v);
        return Convert.ToHexString(buf).ToLowerInvariant();
    }

    /// <summary>The match key and priority of an entry as simple_switch_CLI's <c>table_dump</c> prints them.</summary>
    public string FormatEntryKey(TableEntry e)
    {
        var sb = new StringBuilder();
        int w = Math.Max(20, Key.Length == 0 ? 0 : Key.Max(k => k.DumpName.Length));
        foreach (var k in Key)
        {
            string hex(byte[] b) => Convert.ToHexString(b, k.ByteOffset, k.ByteWidth).ToLowerInvariant();
            string kind = k.Kind switch { MatchKind.Optional => "TERNARY", _ => k.Kind.ToString().ToUpperInvariant() };
            string value = k.Kind switch
            {
                MatchKind.Lpm => $"{hex(e.ShownKey)}/{e.PrefixLength}",
                MatchKind.Ternary or MatchKind.Optional => $"{hex(e.ShownKey)} &&& {hex(e.Mask)}",
                MatchKind.Range => $"{hex(e.RangeStart!)} -> {hex(e.RangeEnd!)}",
                _ => hex(e.ShownKey),
            };
            sb.Append("* ").Append(k.DumpName.PadRight(w)).Append(": ").Append(kind.PadRight(10)).Append(value).Append('\n');
        }
        if (TableKind is MatchKind.Ternary or MatchKind.Range) sb.Append("Priority: ").Append(e.Priority).Append('\n');
        return sb.ToString();
    }
}
