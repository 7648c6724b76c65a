using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace MeshSim.Cli.Tests.Metrics;

/// <summary>
/// A simulated run becomes a real Prometheus block: the <c>--metrics-series</c> file goes through
/// <c>promtool tsdb create-blocks-from openmetrics</c>, a real Prometheus serves that TSDB on
/// loopback, and PromQL at the run's last instant must give the final exposition's service counters.
/// </summary>
public class PrometheusImportTests
{
    private const string Promtool = "/usr/bin/promtool";
    private const string Prometheus = "/usr/bin/prometheus";

    [SkippableFact]
    public async Task PromQL_over_the_imported_block_equals_the_final_counters()
    {
        var missing = new[] { Promtool, Prometheus }.FirstOrDefault(t => !File.Exists(t));
        if (missing is not null)
        {
            Skip.If(Environment.GetEnvironmentVariable("CI") is null, "needs " + missing + " (apt-get install prometheus)");
            Assert.Fail("CI must run this test, but it lacks " + missing);
        }
        var dir = Directory.CreateTempSubdirectory("meshsim-prom-").FullName;
        var (final, series) = RunMetricsTests.RunLab(dir);
        var tsdb = Path.Combine(dir, "tsdb");
        var (code, output) = Exec(Promtool, "tsdb", "create-blocks-from", "openmetrics", Path.Combine(dir, "run.om"), tsdb);
        Assert.True(code == 0, output);

        var config = Path.Combine(dir, "prometheus.yml");
        File.WriteAllText(config, "global: {}\n");
        int port = FreePort();
        var psi = new ProcessStartInfo(Prometheus) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--config.file=" + config, "--storage.tsdb.path=" + tsdb, $"--web.listen-address=127.0.0.1:{port}", "--storage.tsdb.retention.time=100y" })
            psi.ArgumentList.Add(a);
        using var prom = Process.Start(psi)!;
        prom.OutputDataReceived += (_, _) => { };
        prom.ErrorDataReceived += (_, _) => { };
        prom.BeginOutputReadLine();
        prom.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
            await WaitReady(http);
            // The last timestamp in the file is the end of the run.
            var end = series.Split('\n').Last(l => l.StartsWith("istio_", StringComparison.Ordinal)).Split(' ')[^1];
            var expected = Services(final);
            // The lab has four allowed pairs (four series each) and one denied pair.
            Assert.Equal(4 * 4 + 1, expected.Count);
            var got = await Query(http, "{__name__=~\"istio_.*|meshsim_mesh_.*\"}", end);
            Assert.Equal(expected, got);
            // And a dashboard-style aggregation: bytes to each destination service.
            var perDest = await Query(http, "sum by (destination_service) (istio_tcp_received_bytes_total)", end);
            long productApi = expected.Where(kv => kv.Key.StartsWith("istio_tcp_received_bytes_total{", StringComparison.Ordinal) && kv.Key.Contains("destination_service=\"product-api\"")).Sum(kv => kv.Value);
            Assert.Equal(productApi, perDest["{destination_service=\"product-api\"}"]);
            Assert.True(productApi > 0);
        }
        finally
        {
            prom.Kill(true);
            prom.WaitForExit(10_000);
        }
    }

    /// <summary>Service series of an exposition, keyed by name and labels sorted as Prometheus returns them.</summary>
    private static Dictionary<string, long> Services(string exposition)
    {
        var d = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in exposition.Split('\n'))
        {
            if (!line.StartsWith("istio_", StringComparison.Ordinal) && !line.StartsWith("meshsim_mesh_", StringComparison.Ordinal)) continue;
            int brace = line.IndexOf('{'), close = line.LastIndexOf('}');
            var labels = line[(brace + 1)..close].Split("\",").Select(l => l.TrimEnd('"') + "\"").Order(StringComparer.Ordinal);
            d[line[..brace] + "{" + string.Join(",", labels) + "}"] = long.Parse(line[(close + 2)..], CultureInfo.InvariantCulture);
        }
        return d;
    }

    private static async Task<Dictionary<string, long>> Query(HttpClient http, string promql, string time)
    {
        var json = await http.GetStringAsync($"api/v1/query?query={Uri.EscapeDataString(promql)}&time={time}");
        using var doc = JsonDocument.Parse(json);
        var d = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var r in doc.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            var metric = r.GetProperty("metric");
            var name = metric.TryGetProperty("__name__", out var n) ? n.GetString()! : "";
            var labels = metric.EnumerateObject().Where(p => p.Name != "__name__").Select(p => $"{p.Name}=\"{p.Value.GetString()}\"").Order(StringComparer.Ordinal);
            d[name + "{" + string.Join(",", labels) + "}"] = long.Parse(r.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
        }
        return d;
    }

    private static async Task WaitReady(HttpClient http)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try { if ((await http.GetAsync("-/ready")).StatusCode == HttpStatusCode.OK) return; }
            catch (HttpRequestException) { }
            if (DateTime.UtcNow > until) throw new TimeoutException("prometheus did not become ready in 30 s");
            await Task.Delay(200);
        }
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static (int Code, string Output) Exec(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000)) { p.Kill(true); throw new TimeoutException(file + " did not finish in 60 s"); }
        return (p.ExitCode, o.Result + e.Result);
    }
}
