using MeshSim.Engine;
using MeshSim.Ovs.Conntrack;
using MeshSim.Ovs.Tracing;

namespace MeshSim.Ovs.Datapath;

/// <summary>How conntrack behaves while a packet is traced.</summary>
public enum CtMode : byte
{
    /// <summary>Run the real connection tracker (the simulator; a live trace shows the real ct_state).</summary>
    Live,
    /// <summary>Do what <c>ovs-appctl ofproto/trace</c> does: no connection tracker; each ct(table=T)
    /// resumes with the next state from a list (--ct-next), default trk|new, and NAT is simulated by
    /// taking the first address/port of the range. No side effects (stats, learning, conntrack).</summary>
    Emulate,
}

/// <summary>
/// An OpenFlow bridge as OVS 3.1 runs it: numbered ports, up to 255 tables, groups, a connection
/// tracker, a MAC learning table for NORMAL, and counters. <see cref="Receive"/> runs one packet
/// through the pipeline (with recirculations) and transmits the results; <see cref="Trace"/> does
/// the same while recording what happened.
/// </summary>
public sealed class OpenFlowBridge
{
    private readonly FlowTable?[] _tables = new FlowTable?[255];
    private readonly SortedDictionary<uint, GroupState> _groups = new();
    private readonly SortedDictionary<uint, BridgePort> _ports = new();
    private readonly Translator _translator;

    /// <summary>Creates a bridge named <paramref name="name"/>. Its connection tracker is created with it,
    /// so the tracker's cleaner runs at <paramref name="clock"/>'s current time and every 20 s after.</summary>
    public OpenFlowBridge(string name, SimRandom random, Func<long> clock) : this(name, clock, new ConnTracker(random, createdNs: clock())) { }

    /// <summary>A bridge over an existing connection table (a live trace's replica).</summary>
    internal OpenFlowBridge(string name, Func<long> clock, ConnTracker conntrack)
    {
        Name = name;
        Clock = clock;
        Conntrack = conntrack;
        _translator = new Translator(this);
    }

    /// <summary>Bridge name.</summary>
    public string Name { get; }

    /// <summary>Virtual time source (ns).</summary>
    public Func<long> Clock { get; }

    /// <summary>The datapath's connection tracker.</summary>
    public ConnTracker Conntrack { get; }

    /// <summary>NORMAL's MAC table.</summary>
    public MacLearningTable MacTable { get; } = new();

    /// <summary>Whether tables use the exact-match cache (on by default).</summary>
    public bool UseExactMatchCache { get; set; } = true;

    /// <summary>Datapath counters, as openvswitch_exporter's datapath series report them.</summary>
    public long PacketsIn, PacketsOutput, PacketsDropped, TableMisses, ControllerPackets, TranslationErrors, Recirculations;

    /// <summary>Ports in number order.</summary>
    public IEnumerable<BridgePort> Ports => _ports.Values;

    /// <summary>Ports in number order, as an array (rebuilt when ports change; the flood path iterates it).</summary>
    internal BridgePort[] PortArray { get; private set; } = [];

    /// <summary>Groups in id order.</summary>
    public IEnumerable<GroupState> Groups => _groups.Values;

    /// <summary>Tables that have been used, in number order.</summary>
    public IEnumerable<FlowTable> Tables => _tables.Where(t => t is not null)!;

    /// <summary>Adds a port.</summary>
    public BridgePort AddPort(BridgePort port)
    {
        if (!_ports.TryAdd(port.Number, port)) throw new ArgumentException($"bridge {Name} already has port {port.Number}");
        PortArray = _ports.Values.ToArray();
        return port;
    }

    /// <summary>The port numbered <paramref name="number"/>, or null.</summary>
    public BridgePort? FindPort(uint number) => _ports.GetValueOrDefault(number);

    /// <summary>Adds a flow (replacing one with the same table, match and priority).</summary>
    public void AddFlow(FlowEntry flow) => Table(flow.Table, create: true)!.Add(flow, Clock());

    /// <summary>Adds flows.</summary>
    public void AddFlows(IEnumerable<FlowEntry> flows)
    {
        foreach (var f in flows) AddFlow(f);
    }

    /// <summary>Deletes flows (all, or those of one table / with one cookie); returns how many.</summary>
    public int DeleteFlows(byte? table = null, ulong? cookie = null)
    {
        int n = 0;
        foreach (var t in Tables)
            if (table is null || t.Id == table)
                n += t.RemoveWhere(r => cookie is null || r.Entry.Cookie == cookie).Count;
        return n;
    }

    /// <summary>Adds a group; an existing id is an error (OFPGMFC_GROUP_EXISTS), as on a real switch.</summary>
    public void AddGroup(GroupEntry group)
    {
        if (_groups.ContainsKey(group.GroupId)) throw new ArgumentException($"group {group.GroupId} already exists (OFPGMFC_GROUP_EXISTS)");
        _groups[group.GroupId] = new GroupState(group, Clock());
    }

    /// <summary>Replaces a group (mod-group); selection state is rebuilt from the whole bucket list.</summary>
    public void ModifyGroup(GroupEntry group) => _groups[group.GroupId] = new GroupState(group, Clock());

    /// <summary>Deletes a group.</summary>
    public bool DeleteGroup(uint id) => _groups.Remove(id);

    /// <summary>The group with id <paramref name="id"/>, or null.</summary>
    public GroupState? FindGroup(uint id) => _groups.GetValueOrDefault(id);

    /// <summary>The table numbered <paramref name="id"/>.</summary>
    public FlowTable? Table(byte id, bool create = false)
    {
        if (id >= _tables.Length) return null;
        var t = _tables[id];
        if (t is null && create) t = _tables[id] = new FlowTable(id, UseExactMatchCache);
        if (t is not null) t.UseCache = UseExactMatchCache;
        return t;
    }

    /// <summary>Runs a frame that arrived on <paramref name="inPort"/> through the pipeline and transmits the results.</summary>
    public void Receive(ReadOnlySpan<byte> frame, uint inPort)
    {
        if (FindPort(inPort) is { } p) { p.RxPackets++; p.RxBytes += frame.Length; }
        PacketsIn++;
        _translator.Run(frame, inPort, trace: null, CtMode.Live, ctNext: null, flow: null);
    }

    /// <summary>Runs a frame through the pipeline while recording a trace. With
    /// <see cref="CtMode.Live"/> the packet really goes through (stats, learning, conntrack, outputs);
    /// with <see cref="CtMode.Emulate"/> nothing is transmitted or changed, as in ofproto/trace.</summary>
    /// <param name="frame">The frame.</param>
    /// <param name="inPort">The port it arrives on.</param>
    /// <param name="mode">Live conntrack, or ofproto/trace emulation.</param>
    /// <param name="ctNext">Emulation: the ct_state each ct(table=...) resumes with, in order (default trk|new).</param>
    /// <param name="into">An existing trace to append to (patch-port peers do this).</param>
    /// <param name="flow">The flow to start from instead of the one parsed from the frame (a traced flow may carry metadata such as registers).</param>
    public PacketTrace Trace(ReadOnlySpan<byte> frame, uint inPort, CtMode mode = CtMode.Emulate, IReadOnlyList<CtState>? ctNext = null,
                             PacketTrace? into = null, Classification.PacketKey? flow = null)
    {
        var trace = into ?? new PacketTrace();
        if (mode == CtMode.Live)
        {
            if (FindPort(inPort) is { } p) { p.RxPackets++; p.RxBytes += frame.Length; }
            PacketsIn++;
        }
        _translator.Run(frame, inPort, trace, mode, ctNext is null ? null : new Queue<CtState>(ctNext), flow);
        return trace;
    }

    /// <summary>Removes flows whose idle or hard timeout has passed; returns how many.</summary>
    public int ExpireFlows()
    {
        long now = Clock();
        return Tables.Sum(t => t.RemoveWhere(r => r.IsExpired(now)).Count);
    }
}
