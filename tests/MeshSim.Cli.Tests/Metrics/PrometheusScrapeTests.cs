using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using MeshSim.Cli.Tests.Run;

namespace MeshSim.Cli.Tests.Metrics;

/// <summary>
/// A real Prometheus scrapes <c>meshsim lab --metrics-listen</c> every second while a script on the
/// lab's stdin opens connections at intervals; PromQL over what it scraped must count exactly those
/// connections, and the target must be up.
/// </summary>
public partial class PrometheusScrapeTests
{
    private const string Opened = "istio_tcp_connections_opened_total{source_workload=\"frontend\",destination_service=\"public-api\"}";

    [SkippableFact]
    public async Task Prometheus_scraping_the_lab_counts_the_connections_the_script_opened()
    {
        PromTools.Require();
        var dir = Directory.CreateTempSubdirectory("meshsim-scrape-").FullName;
        Process? lab = null, prom = null;
        HttpClient? http = null;
        try
        {
            var (started, url, stdout) = StartLab();
            lab = started;
            var target = new Uri(url);
            var config = Path.Combine(dir, "prometheus.yml");
            File.WriteAllText(config, $$"""
                global: { scrape_interval: 1s, scrape_timeout: 1s }
                scrape_configs:
                  - job_name: meshsim
                    static_configs: [ { targets: ["{{target.Authority}}"] } ]

                """);
            (prom, http) = PromTools.Start(config, Path.Combine(dir, "tsdb"));
            await PromTools.WaitReady(http);

            // The counter's first scraped value is 0: no connection before the script starts.
            Assert.True(await PromTools.Eventually(async () => (await PromTools.Query(http, Opened)).Values.SingleOrDefault(-1) == 0, 30),
                "prometheus never scraped the lab's counter at 0");
            const int connections = 6;
            for (int i = 0; i < connections; i++)
            {
                lab.StandardInput.WriteLine("h1 curl 192.168.1.250:9191");
                lab.StandardInput.Flush();
                await Task.Delay(700);
            }
            Assert.True(await PromTools.Eventually(async () => (await PromTools.Query(http, Opened)).Values.SingleOrDefault(-1) == connections, 30),
                $"prometheus never scraped {connections} opened connections; the lab printed:\n{stdout}");
            await Task.Delay(1500);   // one more scrape at the final value

            // Evaluate at the last sample's own timestamp, so neither window edge is extrapolated:
            // the first sample is 0 (Prometheus stops the extrapolation there) and the last one is the window's end.
            var raw = (await PromTools.Samples(http, Opened + "[10m]")).Values.Single();
            Assert.True(raw.Count >= 4, $"only {raw.Count} scrapes of the counter");
            Assert.Equal(0, raw[0].Value);
            Assert.Equal(connections, raw[^1].Value);
            var at = raw[^1].Time.ToString("0.000", CultureInfo.InvariantCulture);
            var increase = (await PromTools.Query(http, $"increase({Opened}[10m])", at)).Values.Single();
            Assert.Equal(connections, increase, 9);
            var rate = (await PromTools.Query(http, $"rate({Opened}[10m])", at)).Values.Single();
            Assert.Equal(connections / 600.0, rate, 12);
            // Dashboard-style: the request bytes per destination service grew with the connections.
            var bytes = await PromTools.Query(http, "sum by (destination_service) (increase(istio_tcp_received_bytes_total[10m]))", at);
            Assert.True(bytes["{destination_service=\"public-api\"}"] > 0);
            // The target was up at every scrape, and the scrapes saw virtual time move with the commands.
            var up = await PromTools.Samples(http, "up{job=\"meshsim\"}[10m]");
            Assert.All(up.Values.Single(), s => Assert.Equal(1, s.Value));
            Assert.Equal(1, (await PromTools.Query(http, "up{job=\"meshsim\"}", at)).Values.Single());
            Assert.True((await PromTools.Query(http, "meshsim_virtual_time_seconds", at)).Values.Single() > 0);

            lab.StandardInput.Close();
            Assert.True(lab.WaitForExit(30_000), "the lab did not end at the end of its input");
            Assert.Equal(0, lab.ExitCode);
        }
        finally
        {
            PromTools.Stop(prom);
            PromTools.Stop(lab);
            http?.Dispose();
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task The_endpoint_serves_the_text_format_and_says_no_to_the_rest()
    {
        Process? lab = null;
        try
        {
            var (started, url, _) = StartLab();
            lab = started;
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var response = await http.GetAsync(url);
            Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
            var text = await response.Content.ReadAsStringAsync();
            Assert.Contains("\nmeshsim_virtual_time_seconds 0.000\n", text);
            Assert.Contains("# TYPE istio_tcp_connections_opened_total counter\n", text);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync(url.Replace("/metrics", "/nope"))).StatusCode);
            Assert.Equal(System.Net.HttpStatusCode.MethodNotAllowed, (await http.PostAsync(url, new StringContent("x"))).StatusCode);
            // The lab's own metrics command prints what a scrape at the same moment serves.
            lab.StandardInput.WriteLine("h1 curl 192.168.1.250:9191");
            lab.StandardInput.Flush();
            Assert.True(await PromTools.Eventually(async () => (await http.GetStringAsync(url)).Contains("destination_canonical_service=\"public-api\"} 1\n"), 30));
        }
        finally { PromTools.Stop(lab); }
    }

    [Fact]
    public void A_bad_listen_address_is_bad_input()
    {
        var (code, _, err) = CliProcess.Run("lab", "--metrics-listen", "example.org:9464");
        Assert.Equal(2, code);
        Assert.Contains("--metrics-listen: expected an IP address (or localhost) before the port, got \"example.org\"", err);
        (code, _, err) = CliProcess.Run("lab", "--metrics-listen", "99999");
        Assert.Equal(2, code);
        Assert.Contains("--metrics-listen: expected PORT or ADDRESS:PORT", err);
    }

    /// <summary>Starts <c>meshsim lab --metrics-listen 127.0.0.1:0</c> with stdin open; returns it, the URL it printed and its stdout so far.</summary>
    internal static (Process Lab, string Url, ConcurrentQueue<string> Stdout) StartLab(params string[] more)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = ThesisLabTests.Repo, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "meshsim.dll"));
        foreach (var a in new[] { "lab", "--metrics-listen", "127.0.0.1:0" }.Concat(more)) psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        var stdout = new ConcurrentQueue<string>();
        var url = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) stdout.Enqueue(e.Data); };
        p.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null && ServingLine().Match(e.Data) is { Success: true } m) url.TrySetResult(m.Groups[1].Value);
        };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (!url.Task.Wait(TimeSpan.FromSeconds(60)))
        {
            PromTools.Stop(p);
            throw new TimeoutException("meshsim lab did not say where it serves metrics within 60 s");
        }
        return (p, url.Task.Result, stdout);
    }

    [GeneratedRegex(@"^meshsim lab: serving metrics on (http://\S+/metrics)$")]
    private static partial Regex ServingLine();
}
