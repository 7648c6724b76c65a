using System.Globalization;
using System.Text;
using MeshSim.Ovs.Datapath;

namespace MeshSim.Ovs.Stats;

/// <summary>Counters printed the way ovs-ofctl prints them: dump-flows (with statistics),
/// dump-group-stats and dump-ports.</summary>
public static class StatsDump
{
    /// <summary><c>ovs-ofctl dump-flows BRIDGE</c>: one line per flow, tables in order, priority descending.</summary>
    public static string DumpFlows(OpenFlowBridge bridge)
    {
        long now = bridge.Clock();
        var sb = new StringBuilder();
        foreach (var t in bridge.Tables)
            foreach (var r in t.Flows(now))
            {
                var stats = new FlowStats((ulong)r.Packets, (ulong)r.Bytes, now - r.InstalledNs, (now - r.LastUsedNs) / 1_000_000_000L);
                sb.Append(' ').Append(OvsFormatter.FormatFlowWithStats(r.Entry, in stats)).Append('\n');
            }
        return sb.ToString();
    }

    /// <summary><c>ovs-ofctl -O OpenFlow15 dump-group-stats BRIDGE</c>.</summary>
    public static string DumpGroupStats(OpenFlowBridge bridge)
    {
        long now = bridge.Clock();
        var sb = new StringBuilder();
        foreach (var g in bridge.Groups)
        {
            sb.Append(" group_id=").Append(g.Entry.GroupId)
              .Append(",duration=").Append(Seconds(now - g.InstalledNs)).Append('s')
              .Append(",ref_count=0,packet_count=").Append(g.Packets)
              .Append(",byte_count=").Append(g.Bytes);
            for (int i = 0; i < g.BucketPackets.Length; i++)
                sb.Append(",bucket").Append(i).Append(":packet_count=").Append(g.BucketPackets[i]).Append(",byte_count=").Append(g.BucketBytes[i]);
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary><c>ovs-ofctl dump-ports BRIDGE</c> (counters MeshSim does not model print 0).</summary>
    public static string DumpPorts(OpenFlowBridge bridge)
    {
        var sb = new StringBuilder();
        foreach (var p in bridge.Ports)
        {
            sb.Append("  port ").Append(OfPort.Format(p.Number).PadLeft(2)).Append(": rx pkts=").Append(p.RxPackets)
              .Append(", bytes=").Append(p.RxBytes).Append(", drop=0, errs=0, frame=0, over=0, crc=0\n")
              .Append("           tx pkts=").Append(p.TxPackets).Append(", bytes=").Append(p.TxBytes)
              .Append(", drop=").Append(p.TxDropped).Append(", errs=0, coll=0\n");
        }
        return sb.ToString();
    }

    // ofp_print_duration: whole seconds, then .mmm when the fraction is whole milliseconds, else all nine digits trimmed.
    private static string Seconds(long ns)
    {
        long sec = ns / 1_000_000_000, frac = ns % 1_000_000_000;
        if (frac == 0) return sec.ToString(CultureInfo.InvariantCulture);
        if (frac % 1_000_000 == 0) return $"{sec}.{frac / 1_000_000:D3}";
        return $"{sec}.{frac:D9}".TrimEnd('0');
    }
}
