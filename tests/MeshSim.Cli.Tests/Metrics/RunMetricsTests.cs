using System.Globalization;
using MeshSim.Control.Compiler;

namespace MeshSim.Cli.Tests.Metrics;

/// <summary><c>meshsim run --metrics</c> and <c>--metrics-series</c> on the thesis lab.</summary>
public class RunMetricsTests
{
    /// <summary>Runs the lab and returns the final exposition and the series.</summary>
    internal static (string Final, string Series) RunLab(string dir, string interval = "1s")
    {
        var final = Path.Combine(dir, "final.prom");
        var series = Path.Combine(dir, "run.om");
        var (code, _, err) = CliProcess.Run("run", "--metrics", final, "--metrics-series", series, "--metrics-interval", interval);
        Assert.True(code == 0, err);
        return (File.ReadAllText(final), File.ReadAllText(series));
    }

    /// <summary>The value of the one sample whose line starts with <paramref name="prefix"/>.</summary>
    internal static long Sample(string text, string prefix) =>
        long.Parse(text.Split('\n').Single(l => l.StartsWith(prefix, StringComparison.Ordinal)).Split(' ')[^1], CultureInfo.InvariantCulture);

    private static string Pair(string name, string src, string dst) =>
        $"{name}{{reporter=\"switch\",source_workload=\"{src}\",source_canonical_service=\"{src}\",destination_service=\"{dst}\",";

    [Fact]
    public void Service_series_come_from_the_pair_flows_and_conntrack()
    {
        var dir = Directory.CreateTempSubdirectory("meshsim-metrics-").FullName;
        var (final, _) = RunLab(dir);
        // Opened connections are the allowed pair flow's packets, read independently by cookie from the per-flow series.
        long flowPackets = Sample(final, $"meshsim_ovs_flow_packets_total{{bridge=\"s1\",table=\"2\",cookie=\"0x{Cookies.Pair("frontend", "public-api", true):x}\"}}");
        long opened = Sample(final, Pair("istio_tcp_connections_opened_total", "frontend", "public-api"));
        Assert.True(opened > 0);
        Assert.Equal(flowPackets, opened);
        long denied = Sample(final, Pair("meshsim_mesh_tcp_connections_denied_total", "product-api", "payments-api"));
        Assert.Equal(Sample(final, $"meshsim_ovs_flow_packets_total{{bridge=\"s1\",table=\"2\",cookie=\"0x{Cookies.Pair("product-api", "payments-api", false):x}\"}}"), denied);
        Assert.True(denied > 0);
        // HTTP: requests (received, as Istio names the request's bytes) are smaller than responses (sent);
        // every connection the load generator opened was closed.
        long sent = Sample(final, Pair("istio_tcp_sent_bytes_total", "frontend", "public-api"));
        long received = Sample(final, Pair("istio_tcp_received_bytes_total", "frontend", "public-api"));
        Assert.InRange(received, 1, sent - 1);
        Assert.InRange(Sample(final, Pair("istio_tcp_connections_closed_total", "frontend", "public-api")), 1, opened);
        // The switches' own series stay.
        Assert.Contains("\nopenvswitch_datapath_stats_hits_total{datapath=\"ovs-netdev\"} ", final);
    }

    [Fact]
    public void Same_seed_gives_the_same_bytes_and_the_series_is_openmetrics()
    {
        var (final1, series1) = RunLab(Directory.CreateTempSubdirectory("meshsim-metrics-").FullName);
        var (final2, series2) = RunLab(Directory.CreateTempSubdirectory("meshsim-metrics-").FullName);
        Assert.Equal(final1, final2);
        Assert.Equal(series1, series2);
        Assert.EndsWith("\n# EOF\n", series1);
        Assert.Contains("# TYPE istio_tcp_sent_bytes counter\n", series1);
        // One sample per second of virtual time plus the end of the run, each timestamped in seconds.
        var stamps = series1.Split('\n').Where(l => l.StartsWith("istio_tcp_sent_bytes_total{", StringComparison.Ordinal) && l.Contains("source_workload=\"frontend\""))
            .Select(l => l.Split(' ')[^1]).ToList();
        Assert.Equal("0.000", stamps[0]);
        Assert.Equal("1.000", stamps[1]);
        Assert.Equal(stamps.Count, stamps.Distinct().Count());
        // The last sample of each series is the final exposition's value.
        var last = series1.Split('\n').Last(l => l.StartsWith(Pair("istio_tcp_received_bytes_total", "frontend", "public-api"), StringComparison.Ordinal));
        Assert.Equal(Sample(final1, Pair("istio_tcp_received_bytes_total", "frontend", "public-api")), long.Parse(last.Split(' ')[^2], CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Final_counters_do_not_depend_on_the_scrape_interval()
    {
        var (every1s, series1s) = RunLab(Directory.CreateTempSubdirectory("meshsim-metrics-").FullName);
        var (every100ms, series100ms) = RunLab(Directory.CreateTempSubdirectory("meshsim-metrics-").FullName, "100ms");
        Assert.Equal(every1s, every100ms);
        Assert.True(series100ms.Length > 5 * series1s.Length, "ten times the scrapes");
    }

    [Fact]
    public void A_bad_interval_is_bad_input()
    {
        var (code, _, err) = CliProcess.Run("run", "--metrics", Path.Combine(Path.GetTempPath(), "unused.prom"), "--metrics-interval", "0s");
        Assert.Equal(2, code);
        Assert.Contains("--metrics-interval", err);
    }
}
