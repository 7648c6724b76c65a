using MeshSim.Engine;
using MeshSim.Ovs.Conntrack;
using MeshSim.Ovs.Datapath;

namespace MeshSim.Ovs.Tracing;

/// <summary>The result of an offline trace: exit code (0 ok, 2 bad input), standard output and error text.</summary>
public readonly record struct OfflineTraceResult(int ExitCode, string Output, string Error);

/// <summary>
/// <c>meshsim ofctl trace FLOWS [--groups FILE] PACKET [--ct-next FLAGS]... [--json]</c>: loads a
/// flows file (and groups) into a fresh bridge "br0" and traces one packet as
/// <c>ovs-appctl ofproto/trace br0 PACKET</c> would, without conntrack (each ct(table=...) resumes with
/// the next --ct-next state, default trk|new). The bridge has a port for every port number the
/// rules or the packet mention, so outputs go where the rules say.
/// </summary>
public static class OfflineTrace
{
    /// <summary>Runs the trace.</summary>
    public static OfflineTraceResult Run(string flowsText, string flowsName, string? groupsText, string? groupsName,
                                         string packetText, IReadOnlyList<string> ctNext, bool json)
    {
        var flows = OvsRuleFile.ParseFlows(flowsText);
        if (!flows.Ok) return Bad(string.Join('\n', flows.Errors.Select(e => e.ToString(flowsName))));
        var groups = groupsText is null ? null : OvsRuleFile.ParseGroups(groupsText);
        if (groups is { Ok: false }) return Bad(string.Join('\n', groups.Errors.Select(e => e.ToString(groupsName ?? "groups"))));
        if (groups is not null)
        {
            // With the groups given, a flow naming another group is refused as the switch refuses it.
            var missing = OvsRuleFile.CheckGroupReferences(flows.Entries, groups.Entries.Select(g => g.Entry.GroupId).ToHashSet());
            if (missing.Count > 0) return Bad(string.Join('\n', missing.Select(e => e.ToString(flowsName))));
        }
        if (!TracePacket.TryParse(packetText, out var packet, out var perr)) return Bad($"packet: {perr}");
        if (!TryParseCtNext(ctNext, out var states, out var cerr)) return Bad(cerr!);

        var bridge = new OpenFlowBridge("br0", SimRandom.ForStream(1, "ofctl-trace"), () => 0);
        foreach (var port in MentionedPorts(flows.Entries.Select(e => e.Entry), groups?.Entries.Select(e => e.Entry), packet!.InPort))
            bridge.AddPort(new BridgePort(port, $"p{port}", BridgePortKind.System, _ => { }));
        bridge.AddFlows(flows.Entries.Select(e => e.Entry));
        if (groups is not null) foreach (var g in groups.Entries) bridge.AddGroup(g.Entry);
        var trace = bridge.Trace(packet.Frame, packet.InPort, CtMode.Emulate, states, flow: packet.Key);
        return new OfflineTraceResult(0, json ? trace.ToJson() : trace.ToText(), "");
    }

    private static OfflineTraceResult Bad(string message) => new(2, "", message);

    /// <summary>Parses <c>--ct-next</c> values as ofproto/trace does (flags, each state including trk).</summary>
    public static bool TryParseCtNext(IReadOnlyList<string> ctNext, out List<CtState> states, out string? error)
    {
        states = new List<CtState>();
        error = null;
        foreach (var s in ctNext)
        {
            if (!CtStateText.TryParse(s, out var st, out var err)) { error = $"--ct-next '{s}': {err}"; return false; }
            if ((st & CtState.Tracked) == 0) { error = $"--ct-next '{s}': ct_state must include trk (as ofproto/trace requires)"; return false; }
            states.Add(st);
        }
        return true;
    }

    /// <summary>Port numbers referenced by in_port matches, output/watch ports and the packet.</summary>
    public static SortedSet<uint> MentionedPorts(IEnumerable<FlowEntry> flows, IEnumerable<GroupEntry>? groups, uint inPort)
    {
        var ports = new SortedSet<uint>();
        if (inPort is > 0 and < OfPort.Max) ports.Add(inPort);
        void FromActions(IEnumerable<OvsAction> actions)
        {
            foreach (var a in actions)
            {
                if (a is OutputAction { Port: > 0 and < OfPort.Max } o) ports.Add(o.Port);
                if (a is ResubmitAction { InPort: { } p and > 0 and < OfPort.Max }) ports.Add(p);
                if (a is CtAction ct) FromActions(ct.Exec);
            }
        }
        foreach (var f in flows)
        {
            if (f.Match.ExactValue(OvsFieldId.InPort) is { } ip && ip > 0 && ip < OfPort.Max) ports.Add((uint)ip);
            FromActions(f.Actions);
        }
        foreach (var g in groups ?? [])
            foreach (var b in g.Buckets)
            {
                if (b.WatchPort is > 0 and < OfPort.Max) ports.Add(b.WatchPort);
                FromActions(b.Actions);
            }
        return ports;
    }
}
