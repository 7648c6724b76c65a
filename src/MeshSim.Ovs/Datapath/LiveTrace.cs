using MeshSim.Ovs.Classification;
using MeshSim.Ovs.Conntrack;
using MeshSim.Ovs.Tracing;

namespace MeshSim.Ovs.Datapath;

/// <summary>
/// Traces a packet against a bridge's live state — its connection table, MAC table, flows and groups —
/// without changing any of it: the packet runs for real through a replica whose state is a copy. A
/// packet from the middle of a connection so resumes each ct(table=...) with the state the tracker gives
/// it (<c>+est+rpl+dnat</c>...), not ofproto/trace's default <c>trk|new</c>. With <c>--ct-next</c> states the
/// trace is ofproto/trace's own emulation instead.
/// </summary>
public static class LiveTrace
{
    /// <summary>Traces <paramref name="frame"/> arriving on <paramref name="inPort"/> of <paramref name="bridge"/>.</summary>
    /// <param name="bridge">The live bridge (left unchanged).</param>
    /// <param name="frame">The frame.</param>
    /// <param name="inPort">Its input port.</param>
    /// <param name="flow">The flow to start from (a trace packet's metadata), or null for the frame's.</param>
    /// <param name="ctNext">ct_state for successive recirculations, as <c>--ct-next</c>; null or empty to use the live table.</param>
    public static PacketTrace Run(OpenFlowBridge bridge, ReadOnlySpan<byte> frame, uint inPort, PacketKey? flow, IReadOnlyList<CtState>? ctNext)
    {
        if (ctNext is { Count: > 0 }) return bridge.Trace(frame, inPort, CtMode.Emulate, ctNext, flow: flow);
        return Replica(bridge).Trace(frame, inPort, CtMode.Live, flow: flow);
    }

    // Patch ports become plain ports in the replica: following one would run the peer bridge for real.
    private static OpenFlowBridge Replica(OpenFlowBridge live)
    {
        var r = new OpenFlowBridge(live.Name, live.Clock, live.Conntrack.Snapshot());
        foreach (var p in live.Ports)
        {
            var port = p;
            r.AddPort(new BridgePort(p.Number, p.Name, BridgePortKind.System, _ => { }, () => port.IsLive) { NoFlood = p.NoFlood });
        }
        foreach (var g in live.Groups) r.AddGroup(g.Entry);
        long now = live.Clock();
        r.AddFlows(live.Tables.SelectMany(t => t.Flows(now)).Select(f => f.Entry));
        foreach (var (port, vlan, mac, age) in live.MacTable.Show(now)) r.MacTable.Learn(vlan, mac, port, now - age * 1_000_000_000L);
        return r;
    }
}
