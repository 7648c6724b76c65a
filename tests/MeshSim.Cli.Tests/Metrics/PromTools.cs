using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace MeshSim.Cli.Tests.Metrics;

/// <summary>
/// A real Prometheus (and promtool) for the metrics tests: the tests skip when the binaries are
/// absent on a developer machine and fail under <c>CI</c>, which must run them.
/// </summary>
internal static class PromTools
{
    public const string Promtool = "/usr/bin/promtool";
    public const string Prometheus = "/usr/bin/prometheus";

    /// <summary>Skips (no CI) or fails (CI set) when prometheus or promtool is missing.</summary>
    public static void Require()
    {
        var missing = new[] { Promtool, Prometheus }.FirstOrDefault(t => !File.Exists(t));
        if (missing is null) return;
        Skip.If(Environment.GetEnvironmentVariable("CI") is null, "needs " + missing + " (apt-get install prometheus)");
        Assert.Fail("CI must run this test, but it lacks " + missing);
    }

    /// <summary>Starts Prometheus on loopback with <paramref name="config"/> and its TSDB in <paramref name="tsdb"/>; returns it and its API client.</summary>
    public static (Process Process, HttpClient Http) Start(string config, string tsdb)
    {
        int port = FreePort();
        var psi = new ProcessStartInfo(Prometheus) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--config.file=" + config, "--storage.tsdb.path=" + tsdb, $"--web.listen-address=127.0.0.1:{port}", "--storage.tsdb.retention.time=100y" })
            psi.ArgumentList.Add(a);
        var prom = Process.Start(psi)!;
        prom.OutputDataReceived += (_, _) => { };
        prom.ErrorDataReceived += (_, _) => { };
        prom.BeginOutputReadLine();
        prom.BeginErrorReadLine();
        return (prom, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) });
    }

    /// <summary>Kills a process started by a test and waits for it (bounded).</summary>
    public static void Stop(Process? p)
    {
        if (p is null) return;
        try { if (!p.HasExited) p.Kill(true); } catch (InvalidOperationException) { }
        p.WaitForExit(10_000);
        p.Dispose();
    }

    /// <summary>An instant query's vector as name{sorted labels} → value.</summary>
    public static async Task<Dictionary<string, double>> Query(HttpClient http, string promql, string? time = null)
    {
        var json = await http.GetStringAsync($"api/v1/query?query={Uri.EscapeDataString(promql)}" + (time is null ? "" : $"&time={time}"));
        using var doc = JsonDocument.Parse(json);
        var d = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var r in doc.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
            d[Key(r.GetProperty("metric"))] = double.Parse(r.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
        return d;
    }

    /// <summary>The raw samples of a range-vector selector (<c>x[5m]</c>), per series, as (time in seconds, value).</summary>
    public static async Task<Dictionary<string, List<(double Time, double Value)>>> Samples(HttpClient http, string selector)
    {
        var json = await http.GetStringAsync($"api/v1/query?query={Uri.EscapeDataString(selector)}");
        using var doc = JsonDocument.Parse(json);
        var d = new Dictionary<string, List<(double, double)>>(StringComparer.Ordinal);
        foreach (var r in doc.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
            d[Key(r.GetProperty("metric"))] = r.GetProperty("values").EnumerateArray()
                .Select(v => (v[0].GetDouble(), double.Parse(v[1].GetString()!, CultureInfo.InvariantCulture))).ToList();
        return d;
    }

    private static string Key(JsonElement metric)
    {
        var name = metric.TryGetProperty("__name__", out var n) ? n.GetString()! : "";
        var labels = metric.EnumerateObject().Where(p => p.Name != "__name__").Select(p => $"{p.Name}=\"{p.Value.GetString()}\"").Order(StringComparer.Ordinal);
        return name + "{" + string.Join(",", labels) + "}";
    }

    /// <summary>Waits (at most 30 s) for Prometheus' readiness endpoint.</summary>
    public static async Task WaitReady(HttpClient http)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try { if ((await http.GetAsync("-/ready")).StatusCode == HttpStatusCode.OK) return; }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (DateTime.UtcNow > until) throw new TimeoutException("prometheus did not become ready in 30 s");
            await Task.Delay(200);
        }
    }

    /// <summary>Polls <paramref name="condition"/> every 250 ms for at most <paramref name="seconds"/>; false when it never held.</summary>
    public static async Task<bool> Eventually(Func<Task<bool>> condition, int seconds)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < until)
        {
            if (await condition()) return true;
            await Task.Delay(250);
        }
        return await condition();
    }

    /// <summary>A TCP port free on loopback now.</summary>
    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    /// <summary>Runs a tool to completion (at most 60 s) and returns its exit code and output.</summary>
    public static (int Code, string Output) Exec(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000)) { p.Kill(true); throw new TimeoutException(file + " did not finish in 60 s"); }
        return (p.ExitCode, o.Result + e.Result);
    }

    /// <summary>Imports an OpenMetrics file into a new TSDB directory and starts Prometheus on it (no scrape targets).</summary>
    public static (Process Process, HttpClient Http) ServeImported(string dir, string openMetricsFile)
    {
        var tsdb = Path.Combine(dir, "tsdb");
        var (code, output) = Exec(Promtool, "tsdb", "create-blocks-from", "openmetrics", openMetricsFile, tsdb);
        Assert.True(code == 0, output);
        var config = Path.Combine(dir, "prometheus.yml");
        File.WriteAllText(config, "global: {}\n");
        return Start(config, tsdb);
    }
}
