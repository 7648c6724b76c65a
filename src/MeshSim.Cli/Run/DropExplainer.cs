using MeshSim.Ovs.Datapath;
using MeshSim.Ovs.Tracing;
using MeshSim.Wire;

namespace MeshSim.Cli.Run;

/// <summary>
/// Says where a frame dies: it traces the frame through the switch the sender is attached to (as
/// ofproto/trace would, without touching counters or conntrack) and follows it across inter-switch
/// links, so a failed pingall pair can name the switch, table and flow that dropped it.
/// </summary>
public static class DropExplainer
{
    /// <summary>Explains an ICMP echo from <paramref name="from"/> to <paramref name="to"/>; null when it would be delivered.</summary>
    public static string? ExplainPing(ScenarioWorld world, string from, string to)
    {
        var src = world.Hosts[from];
        var dst = world.Hosts[to];
        var buffer = new byte[128];
        var srcIface = src.Interfaces[0];
        int n = FrameBuilder.IcmpEcho(buffer, new EthernetRepr(srcIface.Mac, dst.Interfaces[0].Mac, EtherType.Ipv4),
            new Ipv4Repr(srcIface.Address, dst.Address, Ttl: 64), identifier: 1, sequenceNumber: 1, ReadOnlySpan<byte>.Empty);
        return Explain(world, srcIface.Port.Peer, buffer.AsSpan(0, n).ToArray());
    }

    /// <summary>Follows <paramref name="frame"/> entering at <paramref name="ingress"/> (a switch port) until it reaches a host or dies.</summary>
    public static string? Explain(ScenarioWorld world, MeshSim.Engine.Port? ingress, byte[] frame)
    {
        for (int hop = 0; hop < 16 && ingress is not null; hop++)
        {
            if (world.P4Switches.ContainsKey(ingress.Owner.Name)) return ExplainP4(world, frame);
            if (!world.Switches.TryGetValue(ingress.Owner.Name, out var sw)) return null;   // reached a host
            var trace = sw.Bridge.Trace(frame, ingress.Number, CtMode.Emulate);
            if (trace.Dropped) return $"dropped at {sw.Name}: {Decision(trace)}";
            var output = trace.Outputs[0];
            var next = sw.FindPort(output.Port)?.Peer;
            if (next is null) return $"{sw.Name} sent it to port {output.Port}, which has no link";
            frame = output.Frame;
            ingress = next;
        }
        return null;
    }

    /// <summary>A frame whose path enters a P4 switch: what the pipelines reported when the real packets
    /// (this direction, then the reply's) were dropped, with the tables to look at.</summary>
    private static string? ExplainP4(ScenarioWorld world, byte[] frame)
    {
        if (frame.Length < 34) return null;
        var src = new Ipv4Address(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(26)));
        var dst = new Ipv4Address(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(30)));
        var (drop, what) = world.P4Drops.LastDrop(src, dst) is { } d ? (d, "dropped at") : world.P4Drops.LastDrop(dst, src) is { } r ? (r, "the reply was dropped at") : (null, "");
        if (drop is null) return "no P4 pipeline reported dropping it, so it went astray (a forwarding loop, or out of a wrong port): check the switches' table entries with `p4 SWITCH table_dump TABLE` in `meshsim lab`";
        var name = drop[..drop.IndexOf(':')];
        var hint = world.P4Switches.TryGetValue(name, out var sw) ? $" (in `meshsim lab`, `p4 {name} table_dump TABLE` shows what it matches; {ScenarioWorld.TableList(sw)})" : "";
        return $"{what} {drop}{hint}";
    }

    /// <summary>Why a dropped trace went nowhere: the failed translation, or the last table and the flow
    /// it matched ("table 2: flow cookie=0x1 priority=0" or "table 0: no match").</summary>
    public static string Decision(PacketTrace trace)
    {
        var error = trace.Passes.FirstOrDefault(p => p.Error is not null)?.Error;
        if (error is not null) return $"translation failed: {error}";
        var table = trace.Steps.LastOrDefault(s => s.Kind == TraceKind.Table);
        if (table is null) return "no table visited";
        return table.Match is null ? $"table {table.Table}: no match"
            : $"table {table.Table}: flow cookie=0x{table.Cookie:x} priority={table.Priority}{(table.Match.Length > 0 ? "," + table.Match : "")}";
    }
}
