using System.Globalization;
using System.Text;
using System.Text.Json;

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
        };
        return JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true });
    }
}
