using System.Globalization;
using MeshSim.Cli.Tests.Experiment;

namespace MeshSim.Cli.Tests.Metrics;

/// <summary><c>meshsim experiment --out DIR</c> writes each cell's series for both meshes (metrics/*.om).</summary>
public class ExperimentSeriesTests
{
    private const string FortioToFrontend = "istio_tcp_connections_opened_total{mesh=\"{0}\",reporter=\"{1}\",source_workload=\"fortio\",";

    /// <summary>The last value of the series whose line starts with <paramref name="prefix"/>.</summary>
    private static long Last(string series, string prefix) =>
        long.Parse(series.Split('\n').Last(l => l.StartsWith(prefix, StringComparison.Ordinal)).Split(' ')[^2], CultureInfo.InvariantCulture);

    private static (string Dir, string Stdout) RunWithOut(string file)
    {
        var dir = Directory.CreateTempSubdirectory("meshsim-exp-series-").FullName;
        var (code, stdout, err) = CliProcess.Run("experiment", file, "--out", dir);
        Assert.True(code == 0, err);
        return (dir, stdout);
    }

    [Fact]
    public void Both_meshes_series_are_written_labelled_and_leave_the_results_unchanged()
    {
        var file = ExperimentFixture.Small();
        var (dir, withOut) = RunWithOut(file);
        var (code, without, err) = CliProcess.Run("experiment", file);
        Assert.True(code == 0, err);
        // Scraping reads counters only: the table is the same with and without the series.
        Assert.Equal(without, string.Concat(withOut.Split('\n').Where(l => !l.StartsWith("*** wrote", StringComparison.Ordinal)).Select(l => l + "\n"))[..^1]);
        Assert.Equal(File.ReadAllText(Path.Combine(dir, "table.txt")), without);

        var files = Directory.GetFiles(Path.Combine(dir, "metrics")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["api-sn-c1-sidecar.om", "api-sn-c1-switch.om", "frontend-sn-c1-sidecar.om", "frontend-sn-c1-switch.om"], files);
        foreach (var cell in new[] { "api-sn-c1", "frontend-sn-c1" })
        {
            var sidecar = File.ReadAllText(Path.Combine(dir, "metrics", cell + "-sidecar.om"));
            var sw = File.ReadAllText(Path.Combine(dir, "metrics", cell + "-switch.om"));
            foreach (var (text, mesh) in new[] { (sidecar, "sidecar"), (sw, "switch") })
            {
                Assert.EndsWith("\n# EOF\n", text);
                // Every sample carries its mesh first, so both files of a cell import into one TSDB.
                Assert.All(text.Split('\n').Where(l => l.Length > 0 && l[0] != '#'), l => Assert.Contains("{mesh=\"" + mesh + "\"", l));
            }
            // The sidecar mesh's service series come from its proxies (reporter="source"), the switch mesh's from its switches.
            Assert.DoesNotContain("reporter=\"switch\"", sidecar);
            Assert.DoesNotContain("reporter=\"source\"", sw);
            // fortio's sidecar opens one upstream connection per connection fortio opens, as the switch sees them.
            long viaSidecar = Last(sidecar, FortioToFrontend.Replace("{0}", "sidecar").Replace("{1}", "source"));
            Assert.True(viaSidecar > 0);
            Assert.Equal(Last(sw, FortioToFrontend.Replace("{0}", "switch").Replace("{1}", "switch")), viaSidecar);
        }
        // The API test reaches the whole chain; the sidecars count request and response payload bytes.
        var api = File.ReadAllText(Path.Combine(dir, "metrics", "api-sn-c1-sidecar.om"));
        const string ToProduct = "source_workload=\"public-api\",source_canonical_service=\"public-api\",destination_service=\"product-api\",";
        long sent = Last(api, "istio_tcp_sent_bytes_total{mesh=\"sidecar\",reporter=\"source\"," + ToProduct);
        long received = Last(api, "istio_tcp_received_bytes_total{mesh=\"sidecar\",reporter=\"source\"," + ToProduct);
        Assert.InRange(received, 1, sent - 1);
        Directory.Delete(dir, true);
    }

    [SkippableFact]
    public async Task A_cells_two_files_import_into_one_tsdb_and_compare_in_promql()
    {
        PromTools.Require();
        var (dir, _) = RunWithOut(ExperimentFixture.Small());
        var tsdb = Path.Combine(dir, "tsdb");
        string end = "0";
        foreach (var mesh in new[] { "sidecar", "switch" })
        {
            var om = Path.Combine(dir, "metrics", $"api-sn-c1-{mesh}.om");
            var (code, output) = PromTools.Exec(PromTools.Promtool, "tsdb", "create-blocks-from", "openmetrics", om, tsdb);
            Assert.True(code == 0, output);
            var last = File.ReadAllText(om).Split('\n').Last(l => l.StartsWith("istio_", StringComparison.Ordinal)).Split(' ')[^1];
            if (double.Parse(last, CultureInfo.InvariantCulture) > double.Parse(end, CultureInfo.InvariantCulture)) end = last;
        }
        var config = Path.Combine(dir, "prometheus.yml");
        File.WriteAllText(config, "global: {}\n");
        var (prom, http) = PromTools.Start(config, tsdb);
        try
        {
            await PromTools.WaitReady(http);
            var opened = await PromTools.Query(http, "sum by (mesh, reporter) (istio_tcp_connections_opened_total{source_workload=\"fortio\"})", end);
            Assert.Equal(2, opened.Count);
            Assert.Equal(opened["{mesh=\"sidecar\",reporter=\"source\"}"], opened["{mesh=\"switch\",reporter=\"switch\"}"]);
            Assert.True(opened["{mesh=\"switch\",reporter=\"switch\"}"] > 0);
        }
        finally
        {
            PromTools.Stop(prom);
            http.Dispose();
            Directory.Delete(dir, true);
        }
    }
}
