using System.CommandLine;
using MeshSim.Cli.Metrics;
using MeshSim.Cli.Progress;
using MeshSim.Cli.Run;
using MeshSim.Cli.Scenario;
using MeshSim.Control.Registry;
using MeshSim.Engine.Capture;

namespace MeshSim.Cli.Commands.Run;

/// <summary><c>meshsim run [SCENARIO] [--seed N] [--until T] [--pcap DIR] [--metrics FILE] [--metrics-series FILE] [--json]</c>: runs a scenario
/// (the embedded thesis lab by default), prints the summary and the expectation verdicts, and exits 0
/// only when every expectation held.</summary>
public static class RunCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var scenario = new Argument<string?>("scenario") { Description = "scenario YAML file, or a P4 tutorials topology.json (default: the embedded thesis lab)", Arity = ArgumentArity.ZeroOrOne };
        var program = ScenarioOptions.ProgramOption();
        var seed = new Option<ulong?>("--seed") { Description = "override the scenario's seed" };
        var until = new Option<string?>("--until") { Description = "override the scenario's virtual time limit, e.g. 2s" };
        var pcap = new Option<string?>("--pcap") { Description = "write one pcap per link into this directory" };
        var metrics = new Option<string?>("--metrics") { Description = "write the Prometheus text exposition at the end of the run to this file (see docs/metrics.md)" };
        var series = new Option<string?>("--metrics-series") { Description = "write the whole run as OpenMetrics with virtual timestamps to this file (promtool tsdb create-blocks-from openmetrics)" };
        var interval = new Option<string>("--metrics-interval") { Description = "virtual time between scrapes", DefaultValueFactory = _ => "1s" };
        var json = new Option<bool>("--json") { Description = "print the report as JSON" };
        var command = new Command("run", "Run a scenario and check its expectations") { scenario, seed, until, pcap, metrics, series, interval, json, program };
        command.SetAction((ParseResult p, CancellationToken ct) =>
        {
            var output = p.InvocationConfiguration.Output;
            var error = p.InvocationConfiguration.Error;
            try
            {
                var limits = LimitOption.Read(p);
                var spec = EmbeddedScenarios.LoadOrDefault(p.GetValue(scenario), p.GetValue(program), limits);
                if (p.GetValue(until) is { } u)
                {
                    if (!ScalarValues.TryDuration(u, out var ns)) throw new UsageException($"--until: expected a duration such as 2s, got '{u}'");
                    if (ns > limits.MaxVirtualSeconds * 1_000_000_000)
                        throw new UsageException($"--until: {u} is more than the limit of {limits.MaxVirtualSeconds} virtual seconds (until); raise it with --limit until=N");
                    spec = spec with { UntilNs = ns };
                }
                var metricsFile = p.GetValue(metrics);
                var seriesFile = p.GetValue(series);
                if (!ScalarValues.TryDuration(p.GetValue(interval)!, out var intervalNs) || intervalNs <= 0)
                    throw new UsageException($"--metrics-interval: expected a positive duration such as 1s, got '{p.GetValue(interval)}'");
                var pcapDir = p.GetValue(pcap) ?? spec.Capture?.Directory;
                NetworkCapture? capture = null;
                RunMetrics? runMetrics = null;
                using var progress = TerminalProgress.For(error);
                var report = ScenarioRun.Execute(spec, p.GetValue(seed), world =>
                {
                    if (metricsFile is not null || seriesFile is not null) runMetrics = RunMetrics.Attach(world, intervalNs, keepSeries: seriesFile is not null);
                    if (pcapDir is null) return;
                    capture = spec.Capture?.Format == "pcapng"
                        ? NetworkCapture.PcapNg(world.Network, Path.Combine(pcapDir, spec.Name + ".pcapng"))
                        : NetworkCapture.PcapPerPort(world.Network, pcapDir, spec.Name);
                }, (now, until) => progress.Show(now, until, () => $"{ScalarValues.FormatDuration(now)} of {ScalarValues.FormatDuration(until)} virtual time"));
                progress.Dispose();
                capture?.Dispose();
                if (runMetrics is not null)
                {
                    if (metricsFile is not null) File.WriteAllText(metricsFile, runMetrics.Exposition());
                    if (seriesFile is not null) File.WriteAllText(seriesFile, runMetrics.Series());
                }
                output.Write(p.GetValue(json) ? RunReportText.ToJson(report) : RunReportText.ToText(report));
                return Task.FromResult(report.AllHeld ? ExitCodes.Ok : ExitCodes.ExpectationFailed);
            }
            catch (Exception ex) when (CommandErrors.IsBadInput(ex))
            {
                return Task.FromResult(CommandErrors.Report(error, "run", ex));
            }
        });
        return command;
    }
}
