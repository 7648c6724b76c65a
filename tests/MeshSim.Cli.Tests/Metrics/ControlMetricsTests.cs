using System.Diagnostics;
using System.Text.RegularExpressions;
using MeshSim.Cli.Tests.Control;

namespace MeshSim.Cli.Tests.Metrics;

/// <summary><c>meshsim control --k8s ... --metrics-listen</c>: after the push the controller keeps serving its series until SIGTERM, which ends it normally.</summary>
public partial class ControlMetricsTests
{
    [Fact]
    public async Task The_controller_serves_its_push_counters_until_sigterm()
    {
        var dir = Directory.CreateTempSubdirectory("meshsim-ctl-metrics-");
        Process? control = null;
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "lab.yaml"), ControlCommandTests.PodLab);
            File.WriteAllText(Path.Combine(dir.FullName, "pods.yaml"), ControlCommandTests.Pods);
            var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = dir.FullName, RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "meshsim.dll"));
            foreach (var a in new[] { "control", "-s", "lab.yaml", "--k8s", "pods.yaml", "--push", "dry-run", "--metrics-listen", "0" }) psi.ArgumentList.Add(a);
            control = Process.Start(psi)!;
            var url = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            control.OutputDataReceived += (_, e) => { if (e.Data is not null && MetricsLine().Match(e.Data) is { Success: true } m) url.TrySetResult(m.Groups[1].Value); };
            control.ErrorDataReceived += (_, _) => { };
            control.BeginOutputReadLine();
            control.BeginErrorReadLine();
            Assert.True(url.Task.Wait(TimeSpan.FromSeconds(60)), "control did not print its metrics URL");
            Assert.StartsWith("http://127.0.0.1:", url.Task.Result);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            // The push happens right after the server starts: wait (bounded) for it.
            string text = "";
            Assert.True(await PromTools.Eventually(async () => (text = await http.GetStringAsync(url.Task.Result)).Contains("\nmeshsim_control_pushes_total 1\n"), 30), text);
            Assert.Contains("\nmeshsim_control_services 2\n", text);
            Assert.Matches(@"\nmeshsim_control_switch_flows\{switch=""s1""\} [1-9]\d*\n", text);
            Assert.Matches(@"\nmeshsim_control_modifications_total [1-9]\d*\n", text);

            using (var kill = Process.Start("kill", ["-TERM", control.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) kill.WaitForExit(10_000);
            Assert.True(control.WaitForExit(30_000), "control did not stop on SIGTERM");
            Assert.Equal(0, control.ExitCode);
        }
        finally
        {
            PromTools.Stop(control);
            dir.Delete(true);
        }
    }

    [GeneratedRegex(@"^\*\*\* metrics on (http://\S+/metrics)$")]
    private static partial Regex MetricsLine();
}
