using System.Globalization;
using System.Text.Json;
using MeshSim.Cli.Tests.Run;

namespace MeshSim.Cli.Tests.Metrics;

/// <summary>
/// Every panel expression of tools/grafana/meshsim-services.json, with Grafana's variables filled in
/// as Grafana would for "All", is evaluated by <c>promtool query instant</c> and <c>query range</c>
/// against a real Prometheus serving an imported run of the thesis lab; none may fail or come back empty.
/// </summary>
public class GrafanaDashboardTests
{
    private static string DashboardPath => Path.Combine(ThesisLabTests.Repo, "tools", "grafana", "meshsim-services.json");

    /// <summary>The dashboard's panel expressions (rows' nested panels included), by panel title.</summary>
    internal static List<(string Panel, string Expr)> Expressions()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(DashboardPath));
        var found = new List<(string, string)>();
        void Walk(JsonElement panels)
        {
            foreach (var p in panels.EnumerateArray())
            {
                if (p.TryGetProperty("panels", out var nested)) Walk(nested);
                if (!p.TryGetProperty("targets", out var targets)) continue;
                foreach (var t in targets.EnumerateArray())
                    found.Add((p.GetProperty("title").GetString()!, t.GetProperty("expr").GetString()!));
            }
        }
        Walk(doc.RootElement.GetProperty("panels"));
        return found;
    }

    /// <summary>What Grafana sends for the dashboard's variables with "All" selected, at a 1 s scrape interval.</summary>
    internal static string Fill(string expr) => expr
        .Replace("$__rate_interval", "4s").Replace("$__range", "10s").Replace("$__interval", "1s")
        .Replace("$source", ".*").Replace("$destination", ".*").Replace("$mesh", ".*");

    [Fact]
    public void The_dashboard_covers_the_service_series_and_uses_only_known_variables()
    {
        var exprs = Expressions();
        Assert.True(exprs.Count >= 10, $"{exprs.Count} expressions");
        foreach (var family in new[] { "istio_tcp_connections_opened_total", "istio_tcp_connections_closed_total", "istio_tcp_sent_bytes_total", "istio_tcp_received_bytes_total", "meshsim_mesh_tcp_connections_denied_total" })
            Assert.Contains(exprs, e => e.Expr.Contains(family, StringComparison.Ordinal));
        Assert.All(exprs, e => Assert.DoesNotContain("$", Fill(e.Expr)));
    }

    [SkippableFact]
    public async Task Every_panel_expression_evaluates_to_data_over_an_imported_run()
    {
        PromTools.Require();
        var dir = Directory.CreateTempSubdirectory("meshsim-grafana-").FullName;
        var (_, series) = RunMetricsTests.RunLab(dir);
        var end = series.Split('\n').Last(l => l.StartsWith("istio_", StringComparison.Ordinal)).Split(' ')[^1];
        var (prom, http) = PromTools.ServeImported(dir, Path.Combine(dir, "run.om"));
        try
        {
            await PromTools.WaitReady(http);
            var server = http.BaseAddress!.ToString().TrimEnd('/');
            var failures = new List<string>();
            foreach (var (panel, expr) in Expressions())
            {
                var q = Fill(expr);
                var (code, output) = PromTools.Exec(PromTools.Promtool, "query", "instant", "-o", "json", "--time=" + end, server, q);
                if (code != 0) { failures.Add($"{panel}: instant `{q}` failed: {output}"); continue; }
                if (Results(output).Count == 0) failures.Add($"{panel}: instant `{q}` at {end} returned no data");
                (code, output) = PromTools.Exec(PromTools.Promtool, "query", "range", "-o", "json", "--start=1", "--end=" + end, "--step=1s", server, q);
                if (code != 0) { failures.Add($"{panel}: range `{q}` failed: {output}"); continue; }
                var matrix = Results(output);
                if (matrix.Count == 0) failures.Add($"{panel}: range `{q}` returned no data");
                else if (!matrix.SelectMany(s => s.GetProperty("values").EnumerateArray()).Any(v => double.Parse(v[1].GetString()!, CultureInfo.InvariantCulture) != 0))
                    failures.Add($"{panel}: range `{q}` is zero throughout the run");
            }
            Assert.True(failures.Count == 0, string.Join("\n", failures));
            // The template variables' queries (label_values) find the services.
            foreach (var label in new[] { "source_workload", "destination_service" })
            {
                var json = await http.GetStringAsync($"api/v1/label/{label}/values?match[]=istio_tcp_connections_opened_total&start=0&end={end}");
                using var doc = JsonDocument.Parse(json);
                Assert.True(doc.RootElement.GetProperty("data").GetArrayLength() >= 3, json);
            }
        }
        finally
        {
            PromTools.Stop(prom);
            http.Dispose();
            Directory.Delete(dir, true);
        }
    }

    private static List<JsonElement> Results(string promtoolJson)
    {
        using var doc = JsonDocument.Parse(promtoolJson);
        return doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement.EnumerateArray().Select(e => e.Clone()).ToList() : [];
    }
}
