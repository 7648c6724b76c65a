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
    /// <summary>Requests still in flight when a run for a duration reached its deadline (duration plus one
    /// request timeout) and gave up on them.</summary>
    public int Abandoned { get; internal set; }
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
        if (Abandoned > 0) sb.AppendLine(inv, $"Abandoned : {Abandoned} still in flight at the deadline");
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
    /// <remarks>Written with <see cref="Utf8JsonWriter"/>, not by reflection, so the Native AOT tool writes it too.</remarks>
    public string ToJson()
    {
        var h = Latency;
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("target", $"http://{Options.Target}:{Options.Port}{Options.Path}");
            w.WriteNumber("connections", Options.Concurrency);
            w.WriteNumber("requestedQps", Options.Qps);
            w.WriteNumber("actualQps", Math.Round(ActualQps, 3));
            w.WriteNumber("elapsedSeconds", ElapsedNs / 1e9);
            w.WriteNumber("count", h.Count);
            w.WriteNumber("errors", Errors);
            if (Abandoned > 0) w.WriteNumber("abandoned", Abandoned);
            w.WriteStartObject("latencyMs");
            w.WriteNumber("min", h.Min / 1e6);
            w.WriteNumber("avg", Math.Round(h.Mean / 1e6, 6));
            w.WriteNumber("p50", h.Percentile(50) / 1e6);
            w.WriteNumber("p90", h.Percentile(90) / 1e6);
            w.WriteNumber("p99", h.Percentile(99) / 1e6);
            w.WriteNumber("max", h.Max / 1e6);
            w.WriteEndObject();
            w.WriteStartObject("statusCodes");
            foreach (var (code, n) in StatusCodes) w.WriteNumber(code.ToString(CultureInfo.InvariantCulture), n);
            w.WriteEndObject();
            w.WriteBoolean("keepAlive", Options.KeepAlive);
            w.WriteNumber("connectionsOpened", ConnectionsOpened);
            w.WriteStartObject("connectFailures");
            foreach (var (error, n) in ConnectFailures) w.WriteNumber(error.ToString(), n);
            w.WriteEndObject();
            w.WriteStartArray("seconds");
            foreach (var r in Seconds)
            {
                w.WriteStartObject();
                w.WriteNumber("second", r.Second);
                w.WriteNumber("connections", r.ConnectionsOpened);
                w.WriteNumber("completed", r.Completed);
                w.WriteNumber("connectFailures", r.ConnectFailures);
                w.WriteNumber("synRetransmits", r.SynRetransmits);
                w.WriteNumber("rstsIn", r.RstsIn);
                w.WriteNumber("rstsOut", r.RstsOut);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
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
