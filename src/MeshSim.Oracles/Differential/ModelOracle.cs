using System.Text.RegularExpressions;
using MeshSim.Engine;
using MeshSim.Ovs;
using MeshSim.Ovs.Conntrack;
using MeshSim.Ovs.Datapath;

namespace MeshSim.Oracles.Differential;

/// <summary>Runs a case through MeshSim's <see cref="OpenFlowBridge"/>: the same rule text, the same frames.</summary>
public static partial class ModelOracle
{
    /// <summary>The observation, or the reason MeshSim refused the pipeline. <paramref name="natHashBasis"/>
    /// is the real daemon's (<see cref="Observation.NatHashBasis"/>), so NAT ranges choose alike.</summary>
    public static (Observation? Observed, string? SetupError) Run(DiffCase c, uint natHashBasis = 0)
    {
        var groups = OvsRuleFile.ParseGroups(string.Join('\n', c.GroupLines));
        if (!groups.Ok) return (null, "groups: " + string.Join("; ", groups.Errors));
        var flows = OvsRuleFile.ParseFlows(string.Join('\n', c.Flows));
        if (!flows.Ok) return (null, "flows: " + string.Join("; ", flows.Errors));
        var missing = OvsRuleFile.CheckGroupReferences(flows.Entries, groups.Entries.Select(g => g.Entry.GroupId).ToHashSet());
        if (missing.Count > 0) return (null, "flows: " + string.Join("; ", missing));

        long now = 1_000_000_000;
        var bridge = new OpenFlowBridge("dt", new SimRandom(1), () => now);
        bridge.Conntrack.NatHashBasis = natHashBasis;
        var obs = new Observation();
        SortedDictionary<uint, List<string>>? current = null;
        for (uint p = 1; p <= DiffCase.PortCount; p++)
        {
            uint port = p;
            bridge.AddPort(new BridgePort(port, $"p{port}", BridgePortKind.System, frame =>
            {
                if (!current!.TryGetValue(port, out var list)) current[port] = list = new();
                list.Add(Convert.ToHexStringLower(frame));
            }));
        }
        try
        {
            foreach (var g in groups.Entries) bridge.AddGroup(g.Entry);
            foreach (var f in flows.Entries) bridge.AddFlow(f.Entry);
        }
        catch (ArgumentException e)
        {
            return (null, e.Message);
        }

        foreach (var packet in c.Packets)
        {
            current = new();
            obs.Outputs.Add(current);
            bridge.Receive(packet.Frame, packet.InPort);
            now += 1_000_000;
        }

        foreach (var t in bridge.Tables)
            foreach (var r in t.Flows(now))
                obs.Flows[r.Entry.Cookie] = Observation.FlowCounters(r.Packets, r.Bytes);
        foreach (var g in bridge.Groups)
            obs.Groups[g.Entry.GroupId] = Observation.GroupCounters(g.Packets, g.Bytes, g.BucketPackets.Zip(g.BucketBytes));
        obs.Conntrack.AddRange(bridge.Conntrack.Connections(now).Select(Verbose).Order(StringComparer.Ordinal));
        return (obs, null);
    }

    /// <summary>A connection as <c>dpctl/dump-conntrack -m</c> prints it, minus what
    /// <see cref="RealObservation"/> drops (id, status, TCP flags).</summary>
    private static string Verbose(Connection c)
    {
        var line = c.ToString();
        if (c.TcpStates is { } s)
            line = MergedState().Replace(line, $"protoinfo=(state_orig={Name(s.Original)},state_reply={Name(s.Reply)})");
        return line;
    }

    private static string Name(TcpPeerState s) => s switch
    {
        TcpPeerState.Closed => "CLOSED", TcpPeerState.Listen => "LISTEN", TcpPeerState.SynSent => "SYN_SENT",
        TcpPeerState.SynRecv => "SYN_RECV", TcpPeerState.Established => "ESTABLISHED", TcpPeerState.CloseWait => "CLOSE_WAIT",
        TcpPeerState.FinWait1 => "FIN_WAIT_1", TcpPeerState.Closing => "CLOSING", TcpPeerState.LastAck => "LAST_ACK",
        TcpPeerState.FinWait2 => "FIN_WAIT_2", _ => "TIME_WAIT",
    };

    [GeneratedRegex(@"protoinfo=\(state=[A-Z_0-9]+\)")]
    private static partial Regex MergedState();
}
