using System.Globalization;
using System.Text;
using System.Text.Json;
using MeshSim.Stack.Sockets;

namespace MeshSim.Stack.Apps.Load;

/// <summary>What a load run measured: the thesis' Table 4 figures plus status codes and errors.</summary>
public sealed class LoadResult
{
    internal LoadResult(LoadOptions options) => Options = options;

    /// <summary>The run's options.</summary>
    public LoadOptions Options { get; }
    /// <summary>Latency of every completed request (any status).</summary>
    public LatencyHistogram Latency { get; } = new();
    /// <summary>Responses per status code, sorted by code.</summary>
    public SortedDictionary<int, int> StatusCodes { get; } = new();
    /// <summary>Requests that failed without a response (reset, refused, timeout, bad framing).</summary>
    public int Errors { get; internal set; }
    /// <summary>Connections that completed their handshake.</summary>
    public long ConnectionsOpened { get; internal set; }
    /// <summary>Connects that failed, by reason (refused, timed out, no port, ...); each also counts in <see cref="Errors"/>.</summary>
    public SortedDictionary<TcpError, long> ConnectFailures { get; } = new();
    /// <summary>All failed connects.</summary>
    public long ConnectFailureCount => ConnectFailures.Values.Sum();
    /// <summary>One row per virtual second of the run (the last may be partial).</summary>
    public List<LoadSecond> Seconds { get; } = new();
    /// <summary>Virtual time from start to the last completion.</summary>
    public long ElapsedNs { get; internal set; }

    /// <summary>Requests that completed with a response.</summary>
    public int Completed => Latency.Count;
    /// <summary>Completed requests per virtual second.</summary>
    public double ActualQps => ElapsedNs == 0 ? 0 : Completed / (ElapsedNs / 1e9);

    /// <summary>fortio-like text report.</summary>
    public string ToText()
    {
        var o = Options;
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.Append(inv, $"Fortio-like load to http://{o.Target}:{o.Port}{o.Path}: {o.Concurrency} connections, ");
        sb.AppendLine(o.Requests > 0 ? $"{o.Requests} requests" : $"{o.DurationNs / 1e9:0.###} s");
        sb.AppendLine(inv, $"Ended after {ElapsedNs / 1e9:0.000000} s : {Completed} calls. qps={ActualQps:0.00}");
        var h = Latency;
        sb.AppendLine(inv, $"Aggregated Function Time : count {h.Count} avg {LatencyHistogram.Ms(h.Mean)} ms min {LatencyHistogram.Ms(h.Min)} ms max {LatencyHistogram.Ms(h.Max)} ms");
        foreach (var (from, to, count) in h.Buckets())
            sb.AppendLine(inv, $"> {LatencyHistogram.Ms(from)} <= {(to == long.MaxValue ? "inf" : LatencyHistogram.Ms(to))} ms : count {count} ({100.0 * count / h.Count:0.0} %)");
        sb.AppendLine(inv, $"# target 50% {LatencyHistogram.Ms(h.Percentile(50))} ms");
        sb.AppendLine(inv, $"# target 90% {LatencyHistogram.Ms(h.Percentile(90))} ms");
        sb.AppendLine(inv, $"# target 99% {LatencyHistogram.Ms(h.Percentile(99))} ms");
        foreach (var (code, n) in StatusCodes) sb.AppendLine(inv, $"Code {code} : {n} ({100.0 * n / Math.Max(1, Completed):0.0} %)");
        if (Errors > 0) sb.AppendLine(inv, $"Errors : {Errors}");
        if (!o.KeepAlive || ConnectFailures.Count > 0)
        {
            sb.AppendLine(inv, $"Connections : {ConnectionsOpened} opened, {ConnectFailureCount} failed{string.Concat(ConnectFailures.Select(kv => $", {kv.Value} {kv.Key}"))}");
            sb.AppendLine("# second  conn/s  req/s  connect-failed  syn-retrans  rst-in  rst-out");
            foreach (var r in Seconds)
                sb.AppendLine(inv, $"  {r.Second,6}  {r.ConnectionsOpened,6}  {r.Completed,5}  {r.ConnectFailures,14}  {r.SynRetransmits,11}  {r.RstsIn,6}  {r.RstsOut,7}");
        }
        return sb.ToString();
    }

    /// <summary>JSON with the same figures (milliseconds as numbers), keys in a fixed order.</summary>
    public string ToJson()
    {
        var h = Latency;
        var doc = new
        {
            target = $"http://{Options.Target}:{Options.Port}{Options.Path}",
            connections = Options.Concurrency,
            requestedQps = Options.Qps,
            actualQps = Math.Round(ActualQps, 3),
            elapsedSeconds = ElapsedNs / 1e9,
            count = h.Count,
            errors = Errors,
            latencyMs = new
            {
                min = h.Min / 1e6, avg = Math.Round(h.Mean / 1e6, 6), p50 = h.Percentile(50) / 1e6,
                p90 = h.Percentile(90) / 1e6, p99 = h.Percentile(99) / 1e6, max = h.Max / 1e6,
            },
            statusCodes = StatusCodes.ToDictionary(kv => kv.Key.ToString(CultureInfo.InvariantCulture), kv => kv.Value),
            keepAlive = Options.KeepAlive,
            connectionsOpened = ConnectionsOpened,
            connectFailures = ConnectFailures.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value),
            seconds = Seconds.Select(r => new
            {
                second = r.Second, connections = r.ConnectionsOpened, completed = r.Completed, connectFailures = r.ConnectFailures,
                synRetransmits = r.SynRetransmits, rstsIn = r.RstsIn, rstsOut = r.RstsOut,
            }),
        };
        return JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true });
    }
}

/// <summary>One virtual second of a load run: counts of what happened in it.</summary>
/// <param name="Second">Seconds since the run started (0 is the first).</param>
/// <param name="ConnectionsOpened">Handshakes completed.</param>
/// <param name="Completed">Requests answered.</param>
/// <param name="ConnectFailures">Connects that failed.</param>
/// <param name="SynRetransmits">The client host's SYN retransmissions (nstat TcpExtTCPSynRetrans).</param>
/// <param name="RstsIn">RST segments the client host received.</param>
/// <param name="RstsOut">RST segments the client host sent.</param>
public readonly record struct LoadSecond(int Second, long ConnectionsOpened, long Completed, long ConnectFailures, long SynRetransmits, long RstsIn, long RstsOut);
