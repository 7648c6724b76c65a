using System.Buffers;
using MeshSim.Ovs.Classification;
using MeshSim.Ovs.Conntrack;
using MeshSim.Ovs.Tracing;
using MeshSim.Wire;

namespace MeshSim.Ovs.Datapath;

/// <summary>Why a translation was abandoned (OVS's enum xlate_error); the whole pass is dropped.</summary>
public enum XlateError : byte
{
    /// <summary>No error.</summary>
    None,
    /// <summary>More than <see cref="Translator.MaxDepth"/> nested resubmits/groups.</summary>
    RecursionTooDeep,
    /// <summary>More than <see cref="Translator.MaxResubmits"/> resubmits in one pass.</summary>
    TooManyResubmits,
    /// <summary>The push/pop stack reached 64 kB by the time of a resubmit (OVS's XLATE_STACK_TOO_DEEP).</summary>
    StackTooDeep,
}

/// <summary>
/// Runs one packet through a bridge's pipeline, like ofproto-dpif-xlate.c: table lookups, action
/// lists, resubmits and goto_table, groups (bucket actions run on a clone of the flow), ct() with
/// recirculation, NORMAL, and outputs. Outputs of a pass are held until the pass finishes and are
/// discarded if translation fails, as OVS drops a packet whose translation failed. When tracing,
/// each step is recorded; otherwise the trace costs one null check per step.
/// </summary>
internal sealed class Translator
{
    private readonly OpenFlowBridge bridge;

    public Translator(OpenFlowBridge bridge)
    {
        this.bridge = bridge;
        _bucketIsLive = b => IsLive(b, 0);
    }

    /// <summary>OVS's MAX_DEPTH: nesting of resubmits (and group buckets). Bounds stack use.</summary>
    public const int MaxDepth = 64;
    /// <summary>OVS's MAX_RESUBMITS: total resubmits per pass. Bounds total work, which depth alone
    /// does not (a table could resubmit to itself 63 times at every level).</summary>
    public const int MaxResubmits = MaxDepth * MaxDepth;

    private readonly List<PacketState> _free = new();
    private readonly Queue<(PacketState Packet, byte Table, string? Header, string? CtState)> _recirc = new();
    private List<(BridgePort Port, byte[] Bytes, int Length, string? Flow)> _pending = new();
    private List<(BridgePort Port, byte[] Bytes, int Length, string? Flow)>? _spare = new();
    private readonly Func<Bucket, bool> _bucketIsLive;
    private PacketState _pkt = null!;
    private PacketTrace? _trace;
    private CtMode _mode;
    private Queue<CtState>? _ctNext;
    private int _depth, _resubmits, _pass;
    private XlateError _error;
    // OVS's ctx->exit: set by exit (and a pausing controller action); stops every action list up the resubmit chain.
    private bool _exit;
    private long _now;
    private uint _nextRecircId;

    private static readonly IReadOnlyList<OvsAction> NoActions = [];

    public void Run(ReadOnlySpan<byte> frame, uint inPort, PacketTrace? trace, CtMode mode, Queue<CtState>? ctNext, PacketKey? flow)
    {
        _trace = trace;
        _mode = mode;
        _ctNext = ctNext;
        _now = bridge.Clock();
        var first = Rent();
        first.Load(frame, inPort);
        if (flow is { } f)
        {
            first.Key = f;
            first.Ingress = FlowHash.FiveTuple.Of(in f);
        }
        RunPass(first, 0, header: null, ctState: null);
        while (_recirc.Count > 0)
        {
            var (p, table, header, ct) = _recirc.Dequeue();
            RunPass(p, table, header, ct);
        }
        _trace = null;
    }

    private PacketState Rent()
    {
        if (_free.Count == 0) return new PacketState();
        var p = _free[^1];
        _free.RemoveAt(_free.Count - 1);
        return p;
    }

    private void RunPass(PacketState pkt, byte table, string? header, string? ctState)
    {
        _pkt = pkt;
        _depth = 0;
        _resubmits = 0;
        _error = XlateError.None;
        _exit = false;
        TracePass? pass = null;
        string? initialFlow = null;
        if (_trace is not null)
        {
            initialFlow = PacketFlowFormatter.Format(in pkt.Key, pkt.RecircId);
            pass = _trace.BeginPass(new TracePass
            {
                Index = _trace.Passes.Count, Bridge = bridge.Name, RecircId = pkt.RecircId, Header = header, CtState = ctState, Flow = initialFlow,
            });
            _pass = pass.Index;
            Step(TraceKind.Bridge, bridge.Name);
            if (pkt.RecircId != 0)
            {
                Step(TraceKind.Action, "thaw");
                Step(TraceKind.Action, $"    Resuming from table {table}");
            }
        }

        LookupAndRun(table);

        if (_error != XlateError.None)
        {
            bridge.TranslationErrors++;
            foreach (var o in _pending) ArrayPool<byte>.Shared.Return(o.Bytes);
            _pending.Clear();
            if (pass is not null)
            {
                pass.Error = ErrorText(_error);
                pass.DatapathActions.Clear();
            }
        }
        if (pass is not null)
        {
            var final = PacketFlowFormatter.Format(in pkt.Key, pkt.RecircId);
            pass.FinalFlow = final == initialFlow ? "unchanged" : final;
        }
        if (_pending.Count == 0 && _error == XlateError.None && _mode == CtMode.Live) bridge.PacketsDropped++;
        Flush();
        _free.Add(pkt);
    }

    private void Flush()
    {
        // Copy out first: a patch port re-enters a bridge (maybe this one) and so this translator.
        if (_pending.Count == 0) return;
        // Swap in an empty list; re-entry through a patch port then fills that one.
        var batch = _pending;
        _pending = _spare ?? new();
        _spare = null;
        var trace = _trace;
        var mode = _mode;
        foreach (var (port, bytes, length, flow) in batch)
        {
            var frame = bytes.AsSpan(0, length);
            trace?.AddOutput(new TraceOutput(port.Number, flow!, frame.ToArray(), bridge.Name));
            if (mode == CtMode.Live) bridge.PacketsOutput++;
            if (port.Kind == BridgePortKind.Patch && port.Peer is { } peer && trace is not null)
            {
                if (mode == CtMode.Live) { port.TxPackets++; port.TxBytes += length; }
                var saved = SaveRunState();
                peer.Bridge.Trace(frame, peer.Port, mode, _ctNext?.ToList(), trace);
                RestoreRunState(saved);
            }
            else if (mode == CtMode.Live)
            {
                var saved = SaveRunState();
                port.Transmit(frame);
                RestoreRunState(saved);
            }
            ArrayPool<byte>.Shared.Return(bytes);
        }
        batch.Clear();
        if (_pending.Count == 0) { _spare = _pending; _pending = batch; }
        else _spare = batch;
    }

    private (PacketTrace?, CtMode, Queue<CtState>?, PacketState) SaveRunState() => (_trace, _mode, _ctNext, _pkt);
    private void RestoreRunState((PacketTrace? T, CtMode M, Queue<CtState>? C, PacketState P) s) => (_trace, _mode, _ctNext, _pkt) = s;

    // ---- tables ----

    private void LookupAndRun(byte tableId)
    {
        var table = bridge.Table(tableId);
        var rule = table?.Lookup(in _pkt.Key, _now);
        if (rule is null)
        {
            if (_mode == CtMode.Live) bridge.TableMisses++;
            if (_trace is not null) TraceTable(tableId, null);
            return;
        }
        if (_mode == CtMode.Live)
        {
            rule.Packets++;
            rule.Bytes += _pkt.Length;
            rule.LastUsedNs = _now;
        }
        if (_trace is not null) TraceTable(tableId, rule);
        RunActions(rule.Entry.Actions, tableId);
    }

    // Kept out of LookupAndRun: its lambdas capture locals, and a capturing method allocates its
    // closure on entry even when the tracing branch is not taken.
    private void TraceTable(byte tableId, FlowRule? rule)
    {
        if (rule is null)
        {
            Step(TraceKind.Table, $"{tableId,2}. No match.", t => t with { Table = tableId });
            Step(TraceKind.Action, "drop");
            return;
        }
        var e = rule.Entry;
        var match = e.Match.Count == 0 ? "" : OvsFormatter.FormatMatch(e.Match, FlowEntry.DefaultPriority);
        var text = $"{tableId,2}. {(match.Length == 0 ? "" : match + ", ")}priority {e.Priority}{(e.Cookie != 0 ? $", cookie 0x{e.Cookie:x}" : "")}";
        Step(TraceKind.Table, text, t => t with { Table = tableId, Priority = e.Priority, Cookie = e.Cookie, Match = match });
    }

    private void RunActions(IReadOnlyList<OvsAction> actions, byte table)
    {
        if (actions.Count == 0 && _trace is not null) Step(TraceKind.Action, "drop");
        for (int i = 0; i < actions.Count; i++)
        {
            if (_error != XlateError.None || _exit) return;
            var a = actions[i];
            if (_trace is not null) Step(TraceKind.Action, ActionText(a));
            switch (a)
            {
                case OutputAction o: Output(o.Port); break;
                case InPortAction: Emit((uint)_pkt.Key.Get(KeyField.InPort)); break;
                case NormalAction: Normal(); break;
                case FloodAction: Flood(includeNoFlood: false); break;
                case OutputRegAction r: Output((uint)ReadSubField(r.Source)); break;
                case SetFieldAction s:
                    if (SetFieldPrerequisites.Met(in _pkt.Key, s.Field)) FieldMap.Write(ref _pkt.Key, s.Field, s.Value, s.Mask);
                    break;
                case LoadAction l:
                    if (SetFieldPrerequisites.Met(in _pkt.Key, l.Destination.Field)) FieldMap.Write(ref _pkt.Key, l.Destination.Field, l.AlignedValue, l.Destination.Mask);
                    break;
                case MoveAction m:
                {
                    var v = ReadSubField(m.Source);
                    FieldMap.Write(ref _pkt.Key, m.Destination.Field, v << m.Destination.Offset, m.Destination.Mask);
                    break;
                }
                case DecTtlAction:
                    if (!DecTtl()) return;   // TTL exception: the rest of this action list is skipped
                    break;
                case StripVlanAction: _pkt.Key.Set(KeyField.VlanTci, 0); break;
                case PushVlanAction:
                    // One tag is modelled: pushing onto an untagged frame adds a tag with VID 0 (CFI marks it present).
                    if (_pkt.Key.Get(KeyField.VlanTci) == 0) _pkt.Key.Set(KeyField.VlanTci, 0x1000);
                    else if (_trace is not null) Warn("a second VLAN tag is not modelled; push_vlan ignored");
                    break;
                case CtClearAction:
                    _pkt.Key.ClearConntrack();
                    _pkt.Ct.Clear();
                    break;
                case ResubmitAction r: Resubmit(r.InPort, r.Table ?? table); break;
                case WriteMetadataAction w:
                    _pkt.Key.Set(KeyField.Metadata, (_pkt.Key.Get(KeyField.Metadata) & ~w.Mask) | (w.Value & w.Mask));
                    break;
                case GotoTableAction g: Resubmit(null, g.Table); break;
                case GroupAction g:
                    // A missing group ends this action list (not the pipeline), as in OVS.
                    if (!Group(g.GroupId)) return;
                    break;
                case ControllerAction c:
                    if (_mode == CtMode.Live) bridge.ControllerPackets++;
                    Detail("sent to controller (counted; no controller is connected)");
                    if (c.Pause)
                    {
                        // ctx_trigger_freeze: the rest of the pipeline waits for the controller to resume it.
                        Detail("pause: the rest of the pipeline is frozen for the controller to resume, and none will");
                        _exit = true;
                    }
                    break;
                case OutputTruncAction t: OutputTrunc(t.Port, t.MaxLen); break;
                case ExitAction: _exit = true; break;
                case StackPushAction p: Push(p.Source); break;
                case StackPopAction p: Pop(p.Destination); break;
                case CtAction ct: Conntrack(ct, table); break;
                default:
                    if (_trace is not null) Warn($"action {a.GetType().Name} is not executed by the MeshSim datapath");
                    break;
            }
        }
    }

    // nxm_execute_stack_push: the bits, kept in as many bytes as they need.
    private void Push(SubField sf)
    {
        int bytes = (sf.Bits + 7) / 8;
        _pkt.Stack.Add((ReadSubField(sf), bytes));
        _pkt.StackBytes += bytes;
    }

    // nxm_execute_stack_pop: the top value's low bits into the subfield; an empty stack is reported and changes nothing.
    private void Pop(SubField sf)
    {
        var stack = _pkt.Stack;
        if (stack.Count == 0)
        {
            Warn("stack underflow");
            return;
        }
        var (value, bytes) = stack[^1];
        stack.RemoveAt(stack.Count - 1);
        _pkt.StackBytes -= bytes;
        var bits = sf.Bits >= 128 ? UInt128.MaxValue : (UInt128.One << sf.Bits) - 1;
        FieldMap.Write(ref _pkt.Key, sf.Field, (value & bits) << sf.Offset, sf.Mask);
        if (_trace is not null) Detail($"{sf} is now {HexOrZero(ReadSubField(sf))}");
    }

    private static string HexOrZero(UInt128 v) => OvsFormatter.HexOrZero(v);

    private UInt128 ReadSubField(SubField sf) =>
        (FieldMap.Read(in _pkt.Key, sf.Field) >> sf.Offset) & (sf.Bits >= 128 ? UInt128.MaxValue : (UInt128.One << sf.Bits) - 1);

    private bool ResourceCheck()
    {
        if (_depth >= MaxDepth) { Fail(XlateError.RecursionTooDeep); return false; }
        if (_resubmits >= MaxResubmits) { Fail(XlateError.TooManyResubmits); return false; }
        if (_pkt.StackBytes >= 65536) { Fail(XlateError.StackTooDeep); return false; }
        return true;
    }

    private void Fail(XlateError error)
    {
        _error = error;
        if (_trace is not null) Step(TraceKind.Error, ErrorText(error));
    }

    private static string ErrorText(XlateError error) => error switch
    {
        XlateError.RecursionTooDeep => "Recursion too deep",
        XlateError.StackTooDeep => "Stack too deep",
        _ => "Too many resubmits",
    };

    private void Resubmit(uint? inPort, byte table)
    {
        if (!ResourceCheck()) return;
        _resubmits++;
        ulong oldInPort = _pkt.Key.Get(KeyField.InPort);
        bool swap = inPort is { } p && p != OfPort.InPort;
        if (swap) _pkt.Key.Set(KeyField.InPort, inPort!.Value);
        _depth++;
        LookupAndRun(table);
        _depth--;
        if (swap) _pkt.Key.Set(KeyField.InPort, oldInPort);
    }

    // ---- outputs ----

    private void Output(uint port)
    {
        switch (port)
        {
            case OfPort.InPort: Emit((uint)_pkt.Key.Get(KeyField.InPort)); return;
            case OfPort.Normal: Normal(); return;
            case OfPort.Flood: Flood(includeNoFlood: false); return;
            case OfPort.All: Flood(includeNoFlood: true); return;
            case OfPort.Controller:
                if (_mode == CtMode.Live) bridge.ControllerPackets++;
                Detail("sent to controller (counted; no controller is connected)");
                return;
            case OfPort.Table or OfPort.None: return;
        }
        if (port == (uint)_pkt.Key.Get(KeyField.InPort))
        {
            Warn("skipping output to input port");
            return;
        }
        Emit(port);
    }

    private void Emit(uint port, int maxLen = int.MaxValue)
    {
        var bp = bridge.FindPort(port);
        if (bp is null)
        {
            Warn("Nonexistent output port");
            return;
        }
        CommitHeaders();
        if (_trace is not null)
        {
            if (maxLen != int.MaxValue) _trace.AddDatapathAction(_pass, $"trunc({maxLen})");
            _trace.AddDatapathAction(_pass, port.ToString());
        }
        int length = Math.Min(_pkt.Length, maxLen);
        var bytes = ArrayPool<byte>.Shared.Rent(length);
        _pkt.Data[..length].CopyTo(bytes);
        string? flow = _trace is null ? null : PacketFlowFormatter.Format(in _pkt.Key, _pkt.RecircId);
        _pending.Add((bp, bytes, length, flow));
    }

    // xlate_output_trunc_action: the datapath's trunc(max_len) before one output. IN_PORT is looked up as a port
    // of its own (and there is none), a patch port is refused.
    private void OutputTrunc(uint port, uint maxLen)
    {
        if (port == (uint)_pkt.Key.Get(KeyField.InPort))
        {
            Detail("skipping output to input port");
            return;
        }
        var bp = port == OfPort.InPort ? null : bridge.FindPort(port);
        if (bp is null || bp.Kind == BridgePortKind.Patch)
        {
            Warn($"output_trunc does not support patch port {OfPort.Format(port)}");
            return;
        }
        Emit(port, (int)Math.Min(maxLen, int.MaxValue - 1));
    }

    // Writes the flow's header changes into the bytes; a trace records them as OVS's datapath set() actions.
    private void CommitHeaders()
    {
        if (_trace is not null && _pkt.IsDirty)
        {
            var sets = new List<string>();
            DatapathSetText.Describe(in _pkt.Committed, in _pkt.Key, sets);
            foreach (var a in sets) _trace.AddDatapathAction(_pass, a);
        }
        _pkt.Commit();
    }

    private void Flood(bool includeNoFlood)
    {
        uint inPort = (uint)_pkt.Key.Get(KeyField.InPort);
        var ports = bridge.PortArray;
        for (int i = 0; i < ports.Length; i++)
            if (ports[i].Number != inPort && (includeNoFlood || !ports[i].NoFlood)) Emit(ports[i].Number);
    }

    private void Normal()
    {
        uint inPort = (uint)_pkt.Key.Get(KeyField.InPort);
        ushort vlan = (ushort)(_pkt.Key.Get(KeyField.VlanTci) & 0x0FFF);
        var src = new MacAddress(_pkt.Key.Get(KeyField.DlSrc));
        var dst = new MacAddress(_pkt.Key.Get(KeyField.DlDst));
        if (_mode == CtMode.Live && bridge.FindPort(inPort) is not null) bridge.MacTable.Learn(vlan, src, inPort, _now);
        if (dst.IsMulticast)
        {
            Detail("multicast traffic, flooding");
            Flood(includeNoFlood: false);
            return;
        }
        if (bridge.MacTable.TryLookup(vlan, dst, _now, out uint port))
        {
            if (port == inPort)
            {
                Warn("learned port is input port, dropping");
                return;
            }
            Detail("forwarding to learned port");
            Emit(port);
            return;
        }
        Detail("no learned MAC for destination, flooding");
        Flood(includeNoFlood: false);
    }

    private bool DecTtl()
    {
        if ((ushort)_pkt.Key.Get(KeyField.DlType) != 0x0800) return true;
        ulong ttl = _pkt.Key.Get(KeyField.NwTtl);
        if (ttl > 1)
        {
            _pkt.Key.Set(KeyField.NwTtl, ttl - 1);
            return true;
        }
        Warn("IPv4 decrement TTL exception");
        if (_mode == CtMode.Live) bridge.ControllerPackets++;
        return false;
    }

    // ---- groups ----

    /// <summary>Runs group <paramref name="id"/>; false when the group does not exist.</summary>
    private bool Group(uint id)
    {
        if (!ResourceCheck()) return true;
        var g = bridge.FindGroup(id);
        if (g is null)
        {
            if (_trace is not null) Warn($"output to nonexistent group {id}");
            return false;
        }
        if (_mode == CtMode.Live) { g.Packets++; g.Bytes += _pkt.Length; }
        var type = g.Entry.Type;
        if (type is GroupType.All or GroupType.Indirect)
        {
            var buckets = g.Entry.Buckets;
            for (int i = 0; i < buckets.Count; i++) RunBucket(g, buckets[i]);
            return true;
        }
        if (_trace is not null && type == GroupType.Select) TraceAllBuckets(g);
        Bucket? chosen = type == GroupType.FastFailover ? FirstLiveBucket(g) : SelectBucket(g);
        if (chosen is null)
        {
            Detail("no live bucket");
            return true;
        }
        if (_trace is not null) Detail($"using bucket {chosen.BucketId}");
        RunBucket(g, chosen);
        return true;
    }

    private Bucket? FirstLiveBucket(GroupState g)
    {
        var buckets = g.Entry.Buckets;
        for (int i = 0; i < buckets.Count; i++)
        {
            var b = buckets[i];
            if (IsLive(b, 0)) return b;
            if (_trace is not null) Detail($"bucket {b.BucketId}: not live due to watch_port {b.WatchPort}");
        }
        return null;
    }

    private Bucket? SelectBucket(GroupState g)
    {
        switch (g.Method)
        {
            case SelectionMethod.DpHash:
                if (_pkt.DpHash == 0) DatapathHash(g);
                if (_trace is not null)
                    Detail($"dp_hash 0x{_pkt.DpHash:x8}: value {_pkt.DpHash & (uint)(g.HashValues - 1)} of {g.HashValues} (Webster's method spreads the values over the buckets by weight)");
                return g.DpHashBucket(_pkt.DpHash, _bucketIsLive);
            case SelectionMethod.Hash:
            {
                uint basis = FlowHash.Fields(in _pkt.Key, g.HashFields, g.Entry.SelectionMethodParam);
                return BestBucket(g, basis, "selection_method=hash over the listed fields");
            }
            default:
                return BestBucket(g, FlowHash.SymmetricL4(in _pkt.Key, 0), "default selection: symmetric L4 hash");
        }
    }

    // OVS has no dp_hash yet: it emits hash(...),recirc(...) and resumes the frozen actions with the hash
    // the datapath computed from the packet as it is then. The resumed actions are exactly the ones that
    // would have run here, so MeshSim computes the same hash and goes on; the trace says what OVS did.
    private void DatapathHash(GroupState g)
    {
        CommitHeaders();
        // sym_l4 extracts the packet as it is in the datapath: after a ct(nat) without table= that
        // is the NATed header, which the flow (still pre-NAT) does not show.
        var packet = PacketKey.FromFlow(in _pkt.Base);
        uint hash = g.HashAlgorithm == DpHashAlgorithm.SymmetricL4
            ? FlowHash.SymmetricL3L4(in packet, g.HashBasis)
            : FlowHash.DatapathL4(in _pkt.Ingress, g.HashBasis);
        _pkt.DpHash = hash;
        uint recircId = ++_nextRecircId;   // OVS spends a recirculation id here, traced or not
        if (_mode == CtMode.Live) bridge.Recirculations++;
        if (_trace is not null)
        {
            var alg = g.HashAlgorithm == DpHashAlgorithm.SymmetricL4 ? "sym_l4" : "l4";
            Detail($"no dp_hash yet: the datapath runs hash({alg}({g.HashBasis})) and recirculates to resume here " +
                   "(real ofproto/trace stops at this point and prints \"no live bucket\")");
            _trace.AddDatapathAction(_pass, $"hash({alg}({g.HashBasis}))");
            _trace.AddDatapathAction(_pass, $"recirc(0x{recircId:x})");
        }
    }

    private Bucket? BestBucket(GroupState g, uint basis, string why)
    {
        var scores = _trace is null ? null : new List<(Bucket, uint)>();
        var best = g.BestLiveBucket(basis, _bucketIsLive, scores);
        if (scores is not null)
        {
            Detail($"{why}, basis 0x{basis:x8}; highest random weight wins");
            foreach (var (b, s) in scores) Detail($"bucket {b.BucketId}: score {s}");
        }
        return best;
    }

    private bool IsLive(Bucket b, int depth)
    {
        bool hasWatch = b.WatchPort != Bucket.NoWatchPort || b.WatchGroup != Bucket.NoWatchGroup;
        if (!hasWatch) return true;
        if (b.WatchPort != Bucket.NoWatchPort && bridge.FindPort(b.WatchPort) is { IsLive: true }) return true;
        if (b.WatchGroup != Bucket.NoWatchGroup && depth < 32 && bridge.FindGroup(b.WatchGroup) is { } wg)
            foreach (var inner in wg.Entry.Buckets) if (IsLive(inner, depth + 1)) return true;
        return false;
    }

    private void RunBucket(GroupState g, Bucket b)
    {
        int index = g.IndexOf(b);
        if (_mode == CtMode.Live && index >= 0) { g.BucketPackets[index]++; g.BucketBytes[index] += _pkt.Length; }
        var set = g.ActionSets[index];
        if (_trace is not null) TraceBucket(b, set);
        // Bucket actions work on a clone: the flow is restored afterwards.
        var savedKey = _pkt.Key;
        var savedCt = _pkt.Ct;
        _depth++;
        RunActions(set.Executed, 0);
        _depth--;
        _pkt.Key = savedKey;
        _pkt.Ct = savedCt;
        _exit = false;   // a bucket that exits (or freezes) does not end the actions after the group
    }

    // Every bucket with its weight, liveness and actions, so a trace shows the alternatives too.
    private void TraceAllBuckets(GroupState g)
    {
        Detail($"select group {g.Entry.GroupId}: {g.Entry.Buckets.Count} buckets, method {g.Method}" + (g.HashValues > 0 ? $" ({g.HashValues} hash values)" : ""));
        foreach (var b in g.Entry.Buckets)
        {
            int share = g.HashValues > 0 ? g.HashMap.Count(x => ReferenceEquals(x, b)) : 0;
            Detail($"bucket {b.BucketId}: weight {b.Weight}{(g.HashValues > 0 ? $", {share}/{g.HashValues} of the hash values" : "")}{(IsLive(b, 0) ? "" : ", not live")}, actions={OvsFormatter.FormatActions(b.Actions)}");
        }
    }

    private void TraceBucket(Bucket b, BucketActionSet set)
    {
        Step(TraceKind.Bucket, $"bucket {b.BucketId}", t => t with { BucketId = b.BucketId });
        if (set.Dropped.Count > 0)
            Detail($"bucket actions are an action set: {(set.Executed.Count == 0 ? "with no output, group, resubmit or ct nothing runs" : "one of output/group/resubmit/ct runs, after the set_field/move actions")}; " +
                   $"not executed: {OvsFormatter.FormatActions(set.Dropped)}");
    }

    // ---- conntrack ----

    private void Conntrack(CtAction ct, byte table)
    {
        ushort zone = ct.ZoneSource is { } zs ? (ushort)ReadSubField(zs) : ct.Zone;
        // A nat(...) after exec(...) or inside it stays among ct's nested actions as a CtNatAction;
        // xlate keeps the last one it meets (ctx->ct_nat_action), so the last nat wins.
        var nat = ct.Nat;
        for (int i = 0; i < ct.Exec.Count; i++) if (ct.Exec[i] is CtNatAction na) nat = na.Nat;
        (uint, uint)? setMark = null;
        (UInt128, UInt128)? setLabel = null;
        if (_trace is not null && nat is not null) Step(TraceKind.Action, NatText(nat));
        for (int i = 0; i < ct.Exec.Count; i++)
        {
            var e = ct.Exec[i];
            if (e is CtNatAction) continue;
            // No SetFieldAction is made for a load: this runs per packet.
            var (field, value, mask) = e switch
            {
                SetFieldAction s => (s.Field, s.Value, s.Mask),
                LoadAction l => (l.Destination.Field, l.AlignedValue, l.Destination.Mask),
                _ => (default(OvsFieldId?), UInt128.Zero, UInt128.Zero),
            };
            if (field is not { } f) continue;
            FieldMap.Write(ref _pkt.Key, f, value, mask);   // OVS translates exec() on the flow too
            if (f == OvsFieldId.CtMark) setMark = ((uint)value, (uint)mask);
            else if (f == OvsFieldId.CtLabel) setLabel = (value, mask);
            if (_trace is not null) Step(TraceKind.Action, ActionText(e));
        }

        CommitHeaders();
        if (_trace is not null)
        {
            _trace.AddDatapathAction(_pass, CtDatapathText(ct, zone, setMark, setLabel, nat));
            if (ct.RecircTable is not null) _trace.AddDatapathAction(_pass, $"recirc(0x{_nextRecircId + 1:x})");
        }
        if (_mode == CtMode.Live)
        {
            var req = new CtRequest(ct.Commit, ct.Force, zone, nat is null ? null : NatRequest.From(nat)) { SetMark = setMark, SetLabel = setLabel };
            bool rewrote = bridge.Conntrack.Execute(_pkt.Data, in _pkt.Base, ref _pkt.Ct, in req, _now);
            if (rewrote) _pkt.DatapathRewrote();
            if (ct.RecircTable is { } t)
            {
                var clone = Rent();
                clone.CopyFrom(_pkt);
                if (rewrote) clone.Reparse();   // a recirculation re-extracts the flow from the NATed bytes
                clone.LoadCtIntoKey();
                clone.RecircId = ++_nextRecircId;
                bridge.Recirculations++;
                string? header = null, state = null;
                if (_trace is not null)
                {
                    state = CtStateText.Format(_pkt.Ct.State);
                    header = $"recirc(0x{clone.RecircId:x}) - resume conntrack with ct_state={state} (from the live connection table)";
                    Detail($"A clone of the packet is forked to recirculate. The forked pipeline will be resumed at table {t}.");
                }
                _recirc.Enqueue((clone, t, header, state));
            }
        }
        else if (ct.RecircTable is { } t)
        {
            // ofproto/trace: the forked pipeline resumes with the next --ct-next state (default trk|new)
            // and NAT "translates to the first IP/port" of the range.
            var clone = Rent();
            clone.CopyFrom(_pkt);
            clone.RecircId = ++_nextRecircId;
            bool given = _ctNext is { Count: > 0 };
            var state = given ? _ctNext!.Dequeue() : CtState.Tracked | CtState.New;
            clone.Key.Set(KeyField.CtState, (byte)state);
            clone.Key.Set(KeyField.CtZone, zone);
            var header = $"recirc(0x{clone.RecircId:x}) - resume conntrack with " +
                         (given ? $"ct_state={CtStateText.Format(state)}" : "default ct_state=trk|new (use --ct-next to customize)");
            if (nat is not null && nat.AddressMin is { } min)
            {
                string Tuple(in PacketKey k) =>
                    $"nw_src={new Ipv4Address((uint)k.Get(KeyField.NwSrc))},tp_src={k.Get(KeyField.TpSrc)},nw_dst={new Ipv4Address((uint)k.Get(KeyField.NwDst))},tp_dst={k.Get(KeyField.TpDst)}";
                var initial = Tuple(in clone.Key);
                if (nat.Kind == NatKind.Source)
                {
                    clone.Key.Set(KeyField.NwSrc, min.Value);
                    if (nat.PortMin != 0) clone.Key.Set(KeyField.TpSrc, nat.PortMin);
                }
                else if (nat.Kind == NatKind.Destination)
                {
                    clone.Key.Set(KeyField.NwDst, min.Value);
                    if (nat.PortMin != 0) clone.Key.Set(KeyField.TpDst, nat.PortMin);
                }
                header += $"\nReplacing src/dst IP/ports to simulate NAT:\n Initial flow: {initial}\n Modified flow: {Tuple(in clone.Key)}";
                // The datapath's ct() rewrote the bytes too: the resumed pass has nothing left to set().
                clone.Commit();
            }
            Detail($"A clone of the packet is forked to recirculate. The forked pipeline will be resumed at table {t}.");
            _recirc.Enqueue((clone, t, header, CtStateText.Format(state)));
        }
        // The ct_* fields are only valid in the recirculated pipeline; this one continues untracked.
        _pkt.Key.ClearConntrack();
        Detail("Sets the packet to an untracked state, and clears all the conntrack fields.");
    }

    // ---- trace output (string work only when tracing) ----

    private void Step(TraceKind kind, string text, Func<TraceStep, TraceStep>? decorate = null)
    {
        if (_trace is null) return;
        var s = new TraceStep(_pass, _depth, kind, text) { Bridge = bridge.Name };
        _trace.Add(decorate is null ? s : decorate(s));
    }

    private void Detail(string text) { if (_trace is not null) Step(TraceKind.Detail, text); }
    private void Warn(string text) { if (_trace is not null) Step(TraceKind.Warn, text); }

    private static string ActionText(OvsAction a)
    {
        var text = OvsFormatter.FormatActions([a]);
        return a switch { InPortAction => "IN_PORT", _ => text };
    }

    // The datapath ct() action as odp-util prints it: commit, zone (resolved), mark/label value/mask, nat.
    private static string CtDatapathText(CtAction ct, ushort zone, (uint Value, uint Mask)? mark, (UInt128 Value, UInt128 Mask)? label, NatSpec? nat)
    {
        var parts = new List<string>();
        if (ct.Force) parts.Add("force_commit");
        else if (ct.Commit) parts.Add("commit");
        if (zone != 0) parts.Add($"zone={zone}");
        if (mark is { } m) parts.Add($"mark=0x{m.Value:x}/0x{m.Mask:x}");
        if (label is { } l) parts.Add($"label=0x{l.Value:x}/0x{l.Mask:x}");
        if (nat is not null) parts.Add(NatText(nat));
        return parts.Count == 0 ? "ct" : $"ct({string.Join(',', parts)})";
    }

    private static string NatText(NatSpec nat)
    {
        var ct = CtAction.Plain with { Commit = true, Nat = nat };
        var text = OvsFormatter.FormatActions([ct]);
        int at = text.IndexOf("nat", StringComparison.Ordinal);
        return at < 0 ? "nat" : text[at..^1];
    }
}
