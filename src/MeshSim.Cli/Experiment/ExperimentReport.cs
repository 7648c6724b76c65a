using System.Globalization;
using System.Text;
using System.Text.Json;
using MeshSim.Cli.Reports;
using MeshSim.Stack.Apps.Load;

namespace MeshSim.Cli.Experiment;

/// <summary>Turns the grid's results into the thesis' table layout (text), JSON, and one fortio-style
/// SVG histogram per cell and attempt. Output depends only on the results: same seed, same bytes.</summary>
public static class ExperimentReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The table: per test, layout and concurrency, average/min/max for both meshes, the
    /// sidecar/switch ratio of averages, p50/p90/p99, and the thesis' measured ratio beside ours.</summary>
    public static string ToText(ExperimentSpec spec, IReadOnlyList<CellResult> cells)
    {
        var sb = new StringBuilder();
        sb.Append(Inv, $"*** {spec.Name}: {cells.Count} runs, {cells.FirstOrDefault()?.Second.Options.Requests} requests each (second attempt; seed {spec.Seed})\n");
        sb.Append("    sidecar = Consul Connect style (AKS column), switch = OVS mesh (AZ-OVS column); times in ms\n\n");
        sb.Append(Inv, $"{"Type",-9}{"Pods",-5}{"Par",5} | {"Average",17} | {"Min",17} | {"Max",19} | {"ratio",6} {"thesis",6} | {"p50",15} | {"p90",15} | {"p99",17}\n");
        sb.Append(Inv, $"{"",-9}{"",-5}{"",5} | {"sidecar",8} {"switch",8} | {"sidecar",8} {"switch",8} | {"sidecar",9} {"switch",9} | {"",6} {"",6} | {"sidecar",7} {"switch",7} | {"sidecar",7} {"switch",7} | {"sidecar",8} {"switch",8}\n");
        foreach (var (sidecar, sw) in Pairs(cells))
        {
            var a = sidecar.Second.Latency; var b = sw.Second.Latency;
            var thesis = ThesisTable4.Find(sidecar.Test, sidecar.Layout, sidecar.Concurrency);
            string thesisRatio = thesis is null ? "-" : (thesis.SidecarAvg / thesis.SwitchAvg).ToString("0.00", Inv);
            sb.Append(Inv, $"{sidecar.Test,-9}{sidecar.Layout,-5}{sidecar.Concurrency,5} | {Ms(a.Mean),8} {Ms(b.Mean),8} | {Ms(a.Min),8} {Ms(b.Min),8} | {Ms(a.Max),9} {Ms(b.Max),9} | {Ratio(a.Mean, b.Mean),6} {thesisRatio,6} | {Ms(a.Percentile(50)),7} {Ms(b.Percentile(50)),7} | {Ms(a.Percentile(90)),7} {Ms(b.Percentile(90)),7} | {Ms(a.Percentile(99)),8} {Ms(b.Percentile(99)),8}\n");
        }
        sb.Append("\n*** first attempt (cold ARP caches, every connection opened) vs second, average ms\n");
        foreach (var (sidecar, sw) in Pairs(cells))
            sb.Append(Inv, $"{sidecar.Test,-9}{sidecar.Layout,-5}{sidecar.Concurrency,5} | sidecar {Ms(sidecar.First.Latency.Mean),8} -> {Ms(sidecar.Second.Latency.Mean),8}   max {Ms(sidecar.First.Latency.Max),9} -> {Ms(sidecar.Second.Latency.Max),9} | switch {Ms(sw.First.Latency.Mean),8} -> {Ms(sw.Second.Latency.Mean),8}   max {Ms(sw.First.Latency.Max),9} -> {Ms(sw.Second.Latency.Max),9} | TCP conns sidecar {sidecar.LoopbackConnections}+{sidecar.NetworkConnections} switch {sw.LoopbackConnections}+{sw.NetworkConnections}\n");
        int errors = cells.Sum(c => c.First.Errors + c.Second.Errors);
        int non200 = cells.Sum(c => c.Second.StatusCodes.Where(kv => kv.Key != 200).Sum(kv => kv.Value) + c.First.StatusCodes.Where(kv => kv.Key != 200).Sum(kv => kv.Value));
        sb.Append(Inv, $"\n*** errors: {errors}, non-200 responses: {non200}\n");
        return sb.ToString();
    }

    /// <summary>Every cell with both attempts' statistics, the connection counts, and the thesis' row where there is one.</summary>
    public static string ToJson(ExperimentSpec spec, IReadOnlyList<CellResult> cells)
    {
        var s = spec.Sidecar;
        var doc = new
        {
            experiment = spec.Name,
            seed = spec.Seed,
            requests = cells.FirstOrDefault()?.Second.Options.Requests,
            parameters = new
            {
                sidecar = new
                {
                    perRequestCpuMs = s.Costs.PerRequestCpuNs / 1e6, perByteCpuNs = s.Costs.PerByteCpuNs,
                    perRequestWaitMs = s.Costs.PerRequestWaitNs / 1e6, loopbackLatencyMs = s.Costs.LoopbackLatencyNs / 1e6,
                    perPacketMs = s.PerPacketNs / 1e6,
                },
                @switch = new { perPacketMs = spec.Switch.PerPacketNs / 1e6 },
            },
            cells = cells.Select(c => new
            {
                test = c.Test, layout = c.Layout, concurrency = c.Concurrency, mesh = c.Mesh.ToString().ToLowerInvariant(),
                firstAttempt = Stats(c.First), secondAttempt = Stats(c.Second),
                tcpConnections = new { loopback = c.LoopbackConnections, network = c.NetworkConnections },
                proxyTurns = c.ProxyTurns,
            }),
            thesis = ThesisTable4.Rows,
        };
        return JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }) + "\n";
    }

    /// <summary>Writes table.txt, results.json and histograms/*.svg into <paramref name="dir"/>; returns the files written.</summary>
    public static IReadOnlyList<string> Write(string dir, ExperimentSpec spec, IReadOnlyList<CellResult> cells)
    {
        var written = new List<string>();
        Directory.CreateDirectory(dir);
        var svgDir = Path.Combine(dir, "histograms");
        Directory.CreateDirectory(svgDir);
        void Put(string path, string text) { File.WriteAllText(path, text); written.Add(path); }
        Put(Path.Combine(dir, "table.txt"), ToText(spec, cells));
        Put(Path.Combine(dir, "results.json"), ToJson(spec, cells));
        foreach (var c in cells)
            foreach (var (attempt, result) in new[] { ("first", c.First), ("second", c.Second) })
            {
                var mesh = c.Mesh == MeshKind.Sidecar ? "sidecar" : "switch";
                var title = $"{(c.Mesh == MeshKind.Sidecar ? "Sidecar mesh" : "Switch mesh")}: {c.Concurrency} parallel {c.Test} request(s), {c.Layout} ({attempt} attempt)";
                Put(Path.Combine(svgDir, $"{c.Test.ToLowerInvariant()}-{c.Layout.ToLowerInvariant()}-c{c.Concurrency}-{mesh}-{attempt}.svg"), HistogramSvg.Render(title, Samples(result.Latency)));
            }
        return written;
    }

    /// <summary>The sorted samples, read back through nearest-rank percentiles (rank k is sample k).</summary>
    public static IReadOnlyList<long> Samples(LatencyHistogram h)
    {
        var samples = new long[h.Count];
        for (int k = 1; k <= h.Count; k++) samples[k - 1] = h.Percentile((k - 0.5) * 100.0 / h.Count);
        return samples;
    }

    /// <summary>Sidecar and switch cells of the same test, layout and concurrency, in run order.</summary>
    public static IEnumerable<(CellResult Sidecar, CellResult Switch)> Pairs(IReadOnlyList<CellResult> cells) =>
        cells.Where(c => c.Mesh == MeshKind.Sidecar)
             .Select(a => (a, cells.First(b => b.Mesh == MeshKind.Switch && b.Test == a.Test && b.Layout == a.Layout && b.Concurrency == a.Concurrency)));

    private static object Stats(LoadResult r)
    {
        var h = r.Latency;
        return new
        {
            count = h.Count, errors = r.Errors, elapsedMs = r.ElapsedNs / 1e6,
            avgMs = Math.Round(h.Mean / 1e6, 6), minMs = h.Min / 1e6, p50Ms = h.Percentile(50) / 1e6, p90Ms = h.Percentile(90) / 1e6,
            p99Ms = h.Percentile(99) / 1e6, maxMs = h.Max / 1e6,
            statusCodes = r.StatusCodes.ToDictionary(kv => kv.Key.ToString(Inv), kv => kv.Value),
        };
    }

    private static string Ms(double ns) => (ns / 1e6).ToString("0.000", Inv);

    private static string Ratio(double a, double b) => b == 0 ? "-" : (a / b).ToString("0.00", Inv);
}
