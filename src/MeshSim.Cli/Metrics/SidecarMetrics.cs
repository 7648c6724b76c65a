using System.Text;
using MeshSim.Control.Metrics;
using MeshSim.Stack.Apps.Sidecar;

namespace MeshSim.Cli.Metrics;

/// <summary>
/// The sidecar mesh's service series: what Istio's client-side proxies report
/// (<c>reporter="source"</c>), from each <see cref="SidecarProxy"/>'s per-upstream counters, summed
/// over a service's instances. Same names and labels as the switch mesh's series
/// (<see cref="ServiceTcpMetrics"/>), so one dashboard shows both meshes; bytes here are TCP
/// payload (what Envoy counts), where the switches count IP lengths.
/// </summary>
public static class SidecarMetrics
{
    /// <summary>The series of <paramref name="proxies"/> as Prometheus text, sorted by source and destination.</summary>
    public static string Render(IEnumerable<SidecarProxy> proxies)
    {
        var opened = new SortedDictionary<(string, string), long>();
        var closed = new SortedDictionary<(string, string), long>();
        var sent = new SortedDictionary<(string, string), long>();
        var received = new SortedDictionary<(string, string), long>();
        foreach (var p in proxies)
            foreach (var u in p.Upstreams)
            {
                var k = (p.Service, u.Service);
                opened[k] = opened.GetValueOrDefault(k) + u.Opened;
                closed[k] = closed.GetValueOrDefault(k) + u.Closed;
                sent[k] = sent.GetValueOrDefault(k) + u.ResponseBytes;
                received[k] = received.GetValueOrDefault(k) + u.RequestBytes;
            }
        var sb = new StringBuilder();
        ServiceTcpMetrics.Family(sb, "istio_tcp_connections_opened_total", "Connections the client's sidecar opened to the upstream.", "source", opened);
        ServiceTcpMetrics.Family(sb, "istio_tcp_connections_closed_total", "Connections the client's sidecar saw end in both directions.", "source", closed);
        ServiceTcpMetrics.Family(sb, "istio_tcp_sent_bytes_total", "Bytes sent during response (payload, upstream to client), by the client's sidecar.", "source", sent);
        ServiceTcpMetrics.Family(sb, "istio_tcp_received_bytes_total", "Bytes received during request (payload, client to upstream), by the client's sidecar.", "source", received);
        return sb.ToString();
    }
}
