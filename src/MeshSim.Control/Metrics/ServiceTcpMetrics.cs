using System.Globalization;
using System.Text;
using MeshSim.Control.Compiler;
using MeshSim.Ovs.Conntrack;
using MeshSim.Ovs.Datapath;
using MeshSim.Wire;

namespace MeshSim.Control.Metrics;

/// <summary>
/// Istio-named service-level series read from the switches at scrape time, labelled by source and
/// destination service (the compiler's pair bindings turn cookies and conntrack tuples back into
/// services) with <c>reporter="switch"</c>:
/// <list type="bullet">
/// <item><c>istio_tcp_connections_opened_total</c>: packets of the allowed pair flow (it matches only
/// <c>+trk+new</c> SYNs, so each is a connection the group opened).</item>
/// <item><c>meshsim_mesh_tcp_connections_denied_total</c>: packets of the denied pair flow (Istio has no
/// TCP denial counter; same labels so it joins with the Istio series).</item>
/// <item><c>istio_tcp_sent_bytes_total</c> (bytes of the response, server → client) and
/// <c>istio_tcp_received_bytes_total</c> (bytes of the request, client → server), as Istio defines them
/// (its proxies count the downstream connection: "sent" is what went back to the client), and
/// <c>istio_tcp_connections_closed_total</c>, from the pair's conntrack entries in the DNAT zone
/// (original tuple client → virtual IP:bind port).</item>
/// </list>
/// Conntrack forgets connections when they expire, so each scrape folds the live entries into totals
/// kept here: a connection's bytes keep counting after it is gone, provided one scrape saw it at its
/// final counts (scrape at least once per TIME_WAIT timeout, as <c>--metrics-series</c> does).
/// Nothing is added to the per-packet path.
/// </summary>
public sealed class ServiceTcpMetrics
{
    private readonly Ipv4Address _vip;
    private readonly Dictionary<(string Switch, ulong Cookie), PairBinding> _byCookie = new();
    private readonly Dictionary<(string Switch, uint Ip, ushort Port), PairBinding> _byTuple = new();
    // Last seen counters of every connection any scrape met, by identity (conntrack keeps one object per connection).
    private readonly Dictionary<Connection, (PairBinding Pair, long Sent, long Received, bool Closed)> _seen = new(ReferenceEqualityComparer.Instance);

    /// <summary>Series for the pairs of <paramref name="compiled"/>, whose connections go to <paramref name="virtualIp"/>.</summary>
    public ServiceTcpMetrics(CompileResult compiled, Ipv4Address virtualIp)
    {
        _vip = virtualIp;
        foreach (var p in compiled.Pairs)
        {
            _byCookie.TryAdd((p.Host.Switch, p.Cookie), p);
            if (p.Allowed) _byTuple.TryAdd((p.Host.Switch, p.Host.Ip.Value, p.Port), p);
        }
    }

    /// <summary>Folds the bridges' live conntrack entries into the totals; call at every scrape.</summary>
    public void Observe(IEnumerable<OpenFlowBridge> bridges)
    {
        foreach (var b in bridges)
            foreach (var c in b.Conntrack.Connections(b.Clock()))
            {
                if (c.Key.Proto != 6 || c.Key.Dst != _vip.Value) continue;
                if (!_byTuple.TryGetValue((b.Name, c.Key.Src, c.Key.DstPort), out var pair)) continue;
                _seen[c] = (pair, Sent: c.Bytes[1], Received: c.Bytes[0], IsClosed(c));
            }
    }

    /// <summary>Observes <paramref name="bridges"/> and renders the service series as Prometheus text, sorted.</summary>
    public string Render(IReadOnlyCollection<OpenFlowBridge> bridges)
    {
        Observe(bridges);
        var opened = new SortedDictionary<(string, string), long>();
        var denied = new SortedDictionary<(string, string), long>();
        foreach (var b in bridges)
        {
            long now = b.Clock();
            foreach (var t in b.Tables)
                foreach (var r in t.Flows(now))
                {
                    if (!_byCookie.TryGetValue((b.Name, r.Entry.Cookie), out var p)) continue;
                    var into = p.Allowed ? opened : denied;
                    into[(p.Source, p.Destination)] = into.GetValueOrDefault((p.Source, p.Destination)) + r.Packets;
                }
        }
        var sent = new SortedDictionary<(string, string), long>();
        var received = new SortedDictionary<(string, string), long>();
        var closed = new SortedDictionary<(string, string), long>();
        // Every allowed pair gets its series from the start, so rate() sees the first connection.
        foreach (var p in _byTuple.Values) { var k = (p.Source, p.Destination); sent.TryAdd(k, 0); received.TryAdd(k, 0); closed.TryAdd(k, 0); opened.TryAdd(k, 0); }
        foreach (var (pair, s, r, isClosed) in _seen.Values)
        {
            var k = (pair.Source, pair.Destination);
            sent[k] += s; received[k] += r; if (isClosed) closed[k]++;
        }
        var sb = new StringBuilder();
        Family(sb, "istio_tcp_connections_opened_total", "Connections the mesh opened, from the allowed pair flows' counters.", opened);
        Family(sb, "istio_tcp_connections_closed_total", "Connections conntrack saw closed (FIN or RST), from the pair's conntrack entries.", closed);
        Family(sb, "istio_tcp_sent_bytes_total", "Bytes sent during response, server to client (IP lengths, as conntrack counts), from the pair's conntrack entries.", sent);
        Family(sb, "istio_tcp_received_bytes_total", "Bytes received during request, client to server (IP lengths, as conntrack counts), from the pair's conntrack entries.", received);
        Family(sb, "meshsim_mesh_tcp_connections_denied_total", "Connection attempts refused by an intention, from the denied pair flows' counters.", denied);
        return sb.ToString();
    }

    private static bool IsClosed(Connection c) =>
        c.TcpStates is { } s
        && (s.Original >= TcpPeerState.CloseWait || s.Reply >= TcpPeerState.CloseWait
            // A reset leaves both sides CLOSED; a fresh connection's original side is SYN_SENT.
            || (s.Original == TcpPeerState.Closed && s.Reply == TcpPeerState.Closed));

    private static void Family(StringBuilder sb, string name, string help, SortedDictionary<(string Source, string Destination), long> values) =>
        Family(sb, name, help, "switch", values);

    /// <summary>One counter family of service series labelled as Istio labels them, with <paramref name="reporter"/>
    /// ("switch" here, "source" for sidecars); shared so every reporter's series join on the same labels.</summary>
    public static void Family(StringBuilder sb, string name, string help, string reporter, IEnumerable<KeyValuePair<(string Source, string Destination), long>> values)
    {
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(" counter\n");
        foreach (var ((src, dst), v) in values)
            sb.Append(name).Append("{reporter=\"").Append(reporter).Append("\",source_workload=\"").Append(src)
              .Append("\",source_canonical_service=\"").Append(src)
              .Append("\",destination_service=\"").Append(dst)
              .Append("\",destination_service_name=\"").Append(dst)
              .Append("\",destination_workload=\"").Append(dst)
              .Append("\",destination_canonical_service=\"").Append(dst)
              .Append("\"} ").Append(v.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }
}
