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
        // Each value column is as wide as its widest value (never narrower than the layout's usual width), so
        // rows with four-digit milliseconds still line up under their headings.
        var rows = Pairs(cells).Select(pair =>
        {
            var (sidecar, sw) = pair;
            var x = sidecar.Second.Latency; var y = sw.Second.Latency;
            var thesis = ThesisTable4.Find(sidecar.Test, sidecar.Layout, sidecar.Concurrency);
            string thesisRatio = thesis is null ? "-" : (thesis.SidecarAvg / thesis.SwitchAvg).ToString("0.00", Inv);
            return (Lead: string.Create(Inv, $"{sidecar.Test,-9}{sidecar.Layout,-5}{sidecar.Concurrency,5}"), Values: new[]
            {
                Ms(x.Mean), Ms(y.Mean), Ms(x.Min), Ms(y.Min), Ms(x.Max), Ms(y.Max), Ratio(x.Mean, y.Mean), thesisRatio,
                Ms(x.Percentile(50)), Ms(y.Percentile(50)), Ms(x.Percentile(90)), Ms(y.Percentile(90)), Ms(x.Percentile(99)), Ms(y.Percentile(99)),
            });
        }).ToList();
        int[] widths = [8, 8, 8, 8, 9, 9, 6, 6, 7, 7, 7, 7, 8, 8];
        foreach (var r in rows)
            for (int i = 0; i < widths.Length; i++) widths[i] = Math.Max(widths[i], r.Values[i].Length);
        string[] groups = ["Average", "Min", "Max", "", "p50", "p90", "p99"];
        string[] labels = ["sidecar", "switch", "sidecar", "switch", "sidecar", "switch", "", "", "sidecar", "switch", "sidecar", "switch", "sidecar", "switch"];
        string Line(string lead, Func<int, string> cell) =>
            lead + string.Concat(Enumerable.Range(0, groups.Length).Select(g => $" | {cell(2 * g).PadLeft(widths[2 * g])} {cell(2 * g + 1).PadLeft(widths[2 * g + 1])}"));
        // The ratio group's heading is its two column names; the others span their pair of columns.
        string heading = string.Create(Inv, $"{"Type",-9}{"Pods",-5}{"Par",5}") + string.Concat(Enumerable.Range(0, groups.Length).Select(g => g == 3
            ? $" | {"ratio".PadLeft(widths[6])} {"thesis".PadLeft(widths[7])}"
            : $" | {groups[g].PadLeft(widths[2 * g] + 1 + widths[2 * g + 1])}"));
        sb.Append(heading).Append('\n');
        sb.Append(Line(string.Create(Inv, $"{"",-9}{"",-5}{"",5}"), i => labels[i])).Append('\n');
        foreach (var r in rows) sb.Append(Line(r.Lead, i => r.Values[i])).Append('\n');
        sb.Append("\n*** first attempt (cold ARP caches, every connection opened) vs second, average ms\n");
        foreach (var (sidecar, sw) in Pairs(cells))
            sb.Append(Inv, $"{sidecar.Test,-9}{sidecar.Layout,-5}{sidecar.Concurrency,5} | sidecar {Ms(sidecar.First.Latency.Mean),8} -> {Ms(sidecar.Second.Latency.Mean),8}   max {Ms(sidecar.First.Latency.Max),9} -> {Ms(sidecar.Second.Latency.Max),9} | switch {Ms(sw.First.Latency.Mean),8} -> {Ms(sw.Second.Latency.Mean),8}   max {Ms(sw.First.Latency.Max),9} -> {Ms(sw.Second.Latency.Max),9} | TCP conns sidecar {sidecar.LoopbackConnections}+{sidecar.NetworkConnections} switch {sw.LoopbackConnections}+{sw.NetworkConnections}\n");
        int errors = cells.Sum(c => c.First.Errors + c.Second.Errors);
        int non200 = cells.Sum(c => c.Second.StatusCodes.Where(kv => kv.Key != 200).Sum(kv => kv.Value) + c.First.StatusCodes.Where(kv => kv.Key != 200).Sum(kv => kv.Value));
        sb.Append(Inv, $"\n*** errors: {errors}, non-200 responses: {non200}\n");
        return sb.ToString();
    }

    /// <summary>Every cell with both attempts' statistics, the connection counts, and the thesis' row where there is one.</summary>
    /// <remarks>Written with <see cref="Utf8JsonWriter"/>, not by reflection, so the Native AOT tool writes it too.</remarks>
    public static string ToJson(ExperimentSpec spec, IReadOnlyList<CellResult> cells)
    {
        var s = spec.Sidecar;
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("experiment", spec.Name);
            w.WriteNumber("seed", spec.Seed);
            if (cells.FirstOrDefault() is { } first) w.WriteNumber("requests", first.Second.Options.Requests);
            else w.WriteNull("requests");
            w.WriteStartObject("parameters");
            w.WriteStartObject("sidecar");
            w.WriteNumber("perRequestCpuMs", s.Costs.PerRequestCpuNs / 1e6);
            w.WriteNumber("perByteCpuNs", s.Costs.PerByteCpuNs);
            w.WriteNumber("perRequestWaitMs", s.Costs.PerRequestWaitNs / 1e6);
            w.WriteNumber("loopbackLatencyMs", s.Costs.LoopbackLatencyNs / 1e6);
            w.WriteNumber("perPacketMs", s.PerPacketNs / 1e6);
            w.WriteEndObject();
            w.WriteStartObject("switch");
            w.WriteNumber("perPacketMs", spec.Switch.PerPacketNs / 1e6);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartArray("cells");
            foreach (var c in cells)
            {
                w.WriteStartObject();
                w.WriteString("test", c.Test);
                w.WriteString("layout", c.Layout);
                w.WriteNumber("concurrency", c.Concurrency);
                w.WriteString("mesh", c.Mesh.ToString().ToLowerInvariant());
                Stats(w, "firstAttempt", c.First);
                Stats(w, "secondAttempt", c.Second);
                w.WriteStartObject("tcpConnections");
                w.WriteNumber("loopback", c.LoopbackConnections);
                w.WriteNumber("network", c.NetworkConnections);
                w.WriteEndObject();
                w.WriteNumber("proxyTurns", c.ProxyTurns);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("thesis");
            foreach (var r in ThesisTable4.Rows)
            {
                w.WriteStartObject();
                w.WriteString("test", r.Test);
                w.WriteString("layout", r.Layout);
                w.WriteNumber("concurrency", r.Concurrency);
                w.WriteNumber("sidecarAvg", r.SidecarAvg);
                w.WriteNumber("switchAvg", r.SwitchAvg);
                w.WriteNumber("sidecarMin", r.SidecarMin);
                w.WriteNumber("switchMin", r.SwitchMin);
                w.WriteNumber("sidecarMax", r.SidecarMax);
                w.WriteNumber("switchMax", r.SwitchMax);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>Writes table.txt, results.json, histograms/*.svg and, for cells that kept them, metrics/*.om
    /// into <paramref name="dir"/>; returns the files written.</summary>
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
        foreach (var c in cells.Where(c => c.Series is not null))
        {
            var metricsDir = Path.Combine(dir, "metrics");
            Directory.CreateDirectory(metricsDir);
            Put(Path.Combine(metricsDir, $"{c.Test.ToLowerInvariant()}-{c.Layout.ToLowerInvariant()}-c{c.Concurrency}-{(c.Mesh == MeshKind.Sidecar ? "sidecar" : "switch")}.om"), c.Series!);
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

    private static void Stats(Utf8JsonWriter w, string name, LoadResult r)
    {
        var h = r.Latency;
        w.WriteStartObject(name);
        w.WriteNumber("count", h.Count);
        w.WriteNumber("errors", r.Errors);
        w.WriteNumber("elapsedMs", r.ElapsedNs / 1e6);
        w.WriteNumber("avgMs", Math.Round(h.Mean / 1e6, 6));
        w.WriteNumber("minMs", h.Min / 1e6);
        w.WriteNumber("p50Ms", h.Percentile(50) / 1e6);
        w.WriteNumber("p90Ms", h.Percentile(90) / 1e6);
        w.WriteNumber("p99Ms", h.Percentile(99) / 1e6);
        w.WriteNumber("maxMs", h.Max / 1e6);
        w.WriteStartObject("statusCodes");
        foreach (var (code, n) in r.StatusCodes) w.WriteNumber(code.ToString(Inv), n);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static string Ms(double ns) => (ns / 1e6).ToString("0.000", Inv);

    private static string Ratio(double a, double b) => b == 0 ? "-" : (a / b).ToString("0.00", Inv);
}
