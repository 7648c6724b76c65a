using System.Globalization;

namespace MeshSim.Cli.Tests.Metrics;

/// <summary>
/// A simulated run becomes a real Prometheus block: the <c>--metrics-series</c> file goes through
/// <c>promtool tsdb create-blocks-from openmetrics</c>, a real Prometheus serves that TSDB on
/// loopback, and PromQL at the run's last instant must give the final exposition's service counters.
/// </summary>
public class PrometheusImportTests
{
    [SkippableFact]
    public async Task PromQL_over_the_imported_block_equals_the_final_counters()
    {
        PromTools.Require();
        var dir = Directory.CreateTempSubdirectory("meshsim-prom-").FullName;
        var (final, series) = RunMetricsTests.RunLab(dir);
        var (prom, http) = PromTools.ServeImported(dir, Path.Combine(dir, "run.om"));
        try
        {
            await PromTools.WaitReady(http);
            // The last timestamp in the file is the end of the run.
            var end = series.Split('\n').Last(l => l.StartsWith("istio_", StringComparison.Ordinal)).Split(' ')[^1];
            var expected = Services(final);
            // The lab has four allowed pairs (four series each) and one denied pair.
            Assert.Equal(4 * 4 + 1, expected.Count);
            var got = await PromTools.Query(http, "{__name__=~\"istio_.*|meshsim_mesh_.*\"}", end);
            Assert.Equal(expected, got);
            // And a dashboard-style aggregation: bytes to each destination service.
            var perDest = await PromTools.Query(http, "sum by (destination_service) (istio_tcp_received_bytes_total)", end);
            double productApi = expected.Where(kv => kv.Key.StartsWith("istio_tcp_received_bytes_total{", StringComparison.Ordinal) && kv.Key.Contains("destination_service=\"product-api\"")).Sum(kv => kv.Value);
            Assert.Equal(productApi, perDest["{destination_service=\"product-api\"}"]);
            Assert.True(productApi > 0);
        }
        finally
        {
            PromTools.Stop(prom);
            http.Dispose();
        }
    }

    /// <summary>Service series of an exposition, keyed by name and labels sorted as Prometheus returns them.</summary>
    private static Dictionary<string, double> Services(string exposition)
    {
        var d = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in exposition.Split('\n'))
        {
            if (!line.StartsWith("istio_", StringComparison.Ordinal) && !line.StartsWith("meshsim_mesh_", StringComparison.Ordinal)) continue;
            int brace = line.IndexOf('{'), close = line.LastIndexOf('}');
            var labels = line[(brace + 1)..close].Split("\",").Select(l => l.TrimEnd('"') + "\"").Order(StringComparer.Ordinal);
            d[line[..brace] + "{" + string.Join(",", labels) + "}"] = long.Parse(line[(close + 2)..], CultureInfo.InvariantCulture);
        }
        return d;
    }
}
