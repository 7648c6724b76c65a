using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using MeshSim.Cli.Tests.Emulate;
using MeshSim.Cli.Tests.Run;
using MeshSim.Io.Tests.Live;

namespace MeshSim.Cli.Tests.Metrics;

/// <summary>
/// <c>meshsim emulate --metrics-listen</c>: real curl in a namespace opens connections through the
/// simulated switch, and scrapes of the running emulation count them while virtual time follows the wall clock.
/// </summary>
[Collection("netns")]
public partial class EmulateMetricsTests
{
    private const string Opened = "istio_tcp_connections_opened_total{reporter=\"switch\",source_workload=\"outside\",source_canonical_service=\"outside\",destination_service=\"public-api\",";

    [SkippableFact]
    public async Task Scrapes_of_a_running_emulation_count_real_connections()
    {
        NetnsFixture.RequireOrSkip("/usr/bin/curl");
        using var ns = new NetnsFixture("em9", "192.168.1.31/24", mac: "00:00:00:00:00:31");
        var dir = Directory.CreateTempSubdirectory("meshsim-emulate-metrics-");
        var yaml = Path.Combine(dir.FullName, "emulate.yaml");
        File.WriteAllText(yaml, EmulateTests.Scenario);
        Process? emulate = null;
        try
        {
            var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = ThesisLabTests.Repo, RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "meshsim.dll"));
            foreach (var a in new[] { "emulate", "-s", yaml, "--attach", "ext1=" + ns.RootEnd, "--metrics-listen", "127.0.0.1:0", "--duration", "120s" }) psi.ArgumentList.Add(a);
            emulate = Process.Start(psi)!;
            var url = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            var err = new System.Text.StringBuilder();
            emulate.OutputDataReceived += (_, e) => { if (e.Data is not null && MetricsLine().Match(e.Data) is { Success: true } m) url.TrySetResult(m.Groups[1].Value); };
            emulate.ErrorDataReceived += (_, e) => { lock (err) err.AppendLine(e.Data); };
            emulate.BeginOutputReadLine();
            emulate.BeginErrorReadLine();
            Assert.True(url.Task.Wait(TimeSpan.FromSeconds(60)), "emulate did not print its metrics URL: " + err);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

            var before = await http.GetStringAsync(url.Task.Result);
            Assert.Equal(0, RunMetricsTests.Sample(before, Opened));
            const int connections = 3;
            for (int i = 0; i < connections; i++)
            {
                var (code, body) = ns.Exec("curl -s -o /dev/null -w '%{http_code}' --max-time 10 http://192.168.1.250:9191/");
                Assert.True(code == 0 && body == "200", $"curl exit {code}: {body}");
            }
            var after = await http.GetStringAsync(url.Task.Result);
            Assert.Equal(connections, RunMetricsTests.Sample(after, Opened));
            Assert.True(RunMetricsTests.Sample(after, "meshsim_live_captured_frames_total{bridge=\"live-ext1\"}") > 0);
            Assert.True(RunMetricsTests.Sample(after, "meshsim_live_injected_frames_total{bridge=\"live-ext1\"}") > 0);
            // Virtual time follows the wall clock between scrapes, with no command to move it.
            Assert.True(VirtualSeconds(after) > VirtualSeconds(before));
        }
        finally
        {
            PromTools.Stop(emulate);
            dir.Delete(true);
        }
    }

    private static double VirtualSeconds(string exposition) =>
        double.Parse(exposition.Split('\n').Single(l => l.StartsWith("meshsim_virtual_time_seconds ", StringComparison.Ordinal)).Split(' ')[1], CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\*\*\* metrics on (http://\S+/metrics)$")]
    private static partial Regex MetricsLine();
}
