using System.Globalization;
using System.Text;
using MeshSim.Ovs.Conntrack;
using MeshSim.Ovs.Datapath;

namespace MeshSim.Ovs.Stats;

/// <summary>
/// Prometheus text exposition of a set of bridges.
/// <list type="bullet">
/// <item>Per-flow counters, which no OVS exporter offers: <c>meshsim_ovs_flow_packets_total</c> and
/// <c>meshsim_ovs_flow_bytes_total</c> labelled bridge, table and cookie (flows sharing a cookie in a
/// table are summed, so a controller that gives each service its cookie gets per-service traffic).</item>
/// <item>Group, bucket and port counters (<c>meshsim_ovs_group_*</c>, <c>meshsim_ovs_port_*</c>).</item>
/// <item>The series of DigitalOcean's openvswitch_exporter, same names and labels, so existing dashboards
/// work: <c>openvswitch_datapath_stats_hits_total</c>/<c>_misses_total</c>/<c>_lost_total</c>/<c>_flows</c>,
/// <c>openvswitch_datapath_megaflow_stats_mask_hits_total</c>/<c>_masks</c> (datapath="ovs-netdev"), and
/// <c>openvswitch_conntrack_count{zone,state,mark}</c>. MeshSim has no megaflow cache, so "hits" are
/// first-table lookups answered by the exact-match cache, "misses" the ones that needed the
/// classifier, "flows" the OpenFlow flows and "masks" the classifier subtables.</item>
/// </list>
/// Output is sorted, so the same state always prints the same text.
/// </summary>
public static class PrometheusText
{
    /// <summary>Renders all series for <paramref name="bridges"/>.</summary>
    public static string Render(IEnumerable<OpenFlowBridge> bridges)
    {
        var list = bridges.OrderBy(b => b.Name, StringComparer.Ordinal).ToList();
        var sb = new StringBuilder();
        Family(sb, "meshsim_ovs_flow_packets_total", "counter", "Packets matched by OpenFlow flows, by bridge, table and cookie.");
        foreach (var (b, t, c, p, _) in FlowSums(list)) Line(sb, "meshsim_ovs_flow_packets_total", p, ("bridge", b), ("table", t.ToString(CultureInfo.InvariantCulture)), ("cookie", $"0x{c:x}"));
        Family(sb, "meshsim_ovs_flow_bytes_total", "counter", "Bytes matched by OpenFlow flows, by bridge, table and cookie.");
        foreach (var (b, t, c, _, by) in FlowSums(list)) Line(sb, "meshsim_ovs_flow_bytes_total", by, ("bridge", b), ("table", t.ToString(CultureInfo.InvariantCulture)), ("cookie", $"0x{c:x}"));

        Family(sb, "meshsim_ovs_group_packets_total", "counter", "Packets through OpenFlow groups.");
        foreach (var b in list) foreach (var g in b.Groups) Line(sb, "meshsim_ovs_group_packets_total", g.Packets, ("bridge", b.Name), ("group_id", g.Entry.GroupId.ToString(CultureInfo.InvariantCulture)));
        Family(sb, "meshsim_ovs_group_bucket_packets_total", "counter", "Packets through each bucket of OpenFlow groups.");
        foreach (var b in list)
            foreach (var g in b.Groups)
                for (int i = 0; i < g.BucketPackets.Length; i++)
                    Line(sb, "meshsim_ovs_group_bucket_packets_total", g.BucketPackets[i], ("bridge", b.Name), ("group_id", g.Entry.GroupId.ToString(CultureInfo.InvariantCulture)), ("bucket_id", g.Entry.Buckets[i].BucketId.ToString(CultureInfo.InvariantCulture)));

        foreach (var (name, help, get) in PortSeries)
        {
            Family(sb, name, "counter", help);
            foreach (var b in list) foreach (var p in b.Ports) Line(sb, name, get(p), ("bridge", b.Name), ("port", p.Name));
        }

        long hits = list.Sum(b => b.Table(0)?.CacheHits ?? 0);
        long lookups = list.Sum(b => b.Table(0)?.Lookups ?? 0);
        Family(sb, "openvswitch_datapath_stats_hits_total", "counter", "Number of flow table matches.");
        Line(sb, "openvswitch_datapath_stats_hits_total", hits, ("datapath", "ovs-netdev"));
        Family(sb, "openvswitch_datapath_stats_misses_total", "counter", "Number of flow table misses.");
        Line(sb, "openvswitch_datapath_stats_misses_total", lookups - hits, ("datapath", "ovs-netdev"));
        Family(sb, "openvswitch_datapath_stats_lost_total", "counter", "Number of flow table misses not sent to userspace.");
        Line(sb, "openvswitch_datapath_stats_lost_total", 0, ("datapath", "ovs-netdev"));
        Family(sb, "openvswitch_datapath_stats_flows", "gauge", "Number of flows present.");
        Line(sb, "openvswitch_datapath_stats_flows", list.Sum(b => b.Tables.Sum(t => (long)t.Count)), ("datapath", "ovs-netdev"));
        Family(sb, "openvswitch_datapath_megaflow_stats_mask_hits_total", "counter", "Number of megaflow masks used for flow lookups.");
        Line(sb, "openvswitch_datapath_megaflow_stats_mask_hits_total", lookups - hits, ("datapath", "ovs-netdev"));
        Family(sb, "openvswitch_datapath_megaflow_stats_masks", "counter", "Number of megaflow masks present.");
        Line(sb, "openvswitch_datapath_megaflow_stats_masks", list.Sum(b => b.Tables.Sum(t => (long)t.Masks)), ("datapath", "ovs-netdev"));

        Family(sb, "openvswitch_conntrack_count", "gauge", "Number of conntrack entries by zone, state, and mark");
        var counts = new SortedDictionary<(int Zone, string State, uint Mark), long>();
        foreach (var b in list)
            foreach (var c in b.Conntrack.Connections(b.Clock()))
            {
                var k = (c.Key.Zone, StateName(c), c.Mark);
                counts[k] = counts.GetValueOrDefault(k) + 1;
            }
        foreach (var ((zone, state, mark), n) in counts)
            Line(sb, "openvswitch_conntrack_count", n, ("zone", zone.ToString(CultureInfo.InvariantCulture)), ("state", state), ("mark", mark.ToString(CultureInfo.InvariantCulture)));
        return sb.ToString();
    }

    private static readonly (string Name, string Help, Func<BridgePort, long> Get)[] PortSeries =
    [
        ("meshsim_ovs_port_rx_packets_total", "Packets received on a bridge port.", p => p.RxPackets),
        ("meshsim_ovs_port_rx_bytes_total", "Bytes received on a bridge port.", p => p.RxBytes),
        ("meshsim_ovs_port_tx_packets_total", "Packets sent from a bridge port.", p => p.TxPackets),
        ("meshsim_ovs_port_tx_bytes_total", "Bytes sent from a bridge port.", p => p.TxBytes),
    ];

    /// <summary>TCP connections by the merged TCP state; others "UNREPLIED" until a reply was seen, then "ESTABLISHED".</summary>
    private static string StateName(Connection c)
    {
        if (c.TcpStates is { } s)
        {
            var st = s.Original < s.Reply ? s.Original : s.Reply;
            return st switch
            {
                TcpPeerState.SynSent => "SYN_SENT", TcpPeerState.SynRecv => "SYN_RECV", TcpPeerState.Established => "ESTABLISHED",
                TcpPeerState.Closing or TcpPeerState.FinWait1 or TcpPeerState.CloseWait or TcpPeerState.LastAck => "FIN_WAIT",
                TcpPeerState.FinWait2 or TcpPeerState.TimeWait => "TIME_WAIT",
                _ => "CLOSE",
            };
        }
        return c.Packets[1] > 0 ? "ESTABLISHED" : "UNREPLIED";
    }

    private static IEnumerable<(string Bridge, byte Table, ulong Cookie, long Packets, long Bytes)> FlowSums(List<OpenFlowBridge> bridges)
    {
        foreach (var b in bridges)
        {
            long now = b.Clock();
            foreach (var t in b.Tables)
                foreach (var g in t.Flows(now).GroupBy(r => r.Entry.Cookie).OrderBy(g => g.Key))
                    yield return (b.Name, t.Id, g.Key, g.Sum(r => r.Packets), g.Sum(r => r.Bytes));
        }
    }

    private static void Family(StringBuilder sb, string name, string type, string help) =>
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    private static void Line(StringBuilder sb, string name, long value, params (string Key, string Value)[] labels)
    {
        sb.Append(name).Append('{');
        for (int i = 0; i < labels.Length; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append(labels[i].Key).Append("=\"").Append(labels[i].Value.Replace("\\", "\\\\").Replace("\"", "\\\"")).Append('"');
        }
        sb.Append("} ").Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }
}
