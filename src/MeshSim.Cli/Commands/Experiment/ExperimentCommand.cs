using System.CommandLine;
using System.Diagnostics;
using MeshSim.Cli.Experiment;
using MeshSim.Cli.Progress;
using MeshSim.Cli.Scenario;
using MeshSim.Control.Registry;

namespace MeshSim.Cli.Commands.Experiment;

/// <summary><c>meshsim experiment DIR|FILE [--requests N] [--seed N] [--out DIR [--metrics-interval 1s]] [--json]</c>: runs an
/// experiment grid (the thesis' table 4 in scenarios/thesis-table4) and prints the table; with
/// <c>--out</c> it also writes table.txt, results.json, an SVG histogram per cell and attempt, and
/// each cell's metrics as OpenMetrics with virtual timestamps (metrics/*.om, every sample labelled mesh=sidecar|switch).</summary>
public static class ExperimentCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var path = new Argument<string>("experiment") { Description = "experiment directory (holding experiment.yaml) or file" };
        var requests = new Option<int?>("--requests") { Description = "requests per run (default: the experiment's, 1000 for table 4)" };
        var seed = new Option<ulong?>("--seed") { Description = "override the experiment's seed" };
        var outDir = new Option<string?>("--out") { Description = "write table.txt, results.json, histograms/*.svg and metrics/*.om (each cell's series, both meshes, as run --metrics-series) here" };
        var interval = new Option<string>("--metrics-interval") { Description = "with --out: virtual time between scrapes of each cell's series", DefaultValueFactory = _ => "1s" };
        var json = new Option<bool>("--json") { Description = "print the results as JSON instead of the table" };
        var command = new Command("experiment", "Run an experiment grid: sidecar mesh vs switch mesh (the thesis' table 4)") { path, requests, seed, outDir, interval, json };
        command.SetAction((ParseResult p, CancellationToken ct) =>
        {
            var output = p.InvocationConfiguration.Output;
            var error = p.InvocationConfiguration.Error;
            try
            {
                if (p.GetValue(requests) is { } n && n < 1) throw new UsageException($"--requests: expected a whole number of 1 or more, got '{n}'");
                var spec = ExperimentLoader.LoadPath(p.GetValue(path)!);
                if (p.GetValue(seed) is { } s) spec = spec with { Seed = s };
                if (!ScalarValues.TryDuration(p.GetValue(interval)!, out var intervalNs) || intervalNs <= 0)
                { error.WriteLine($"meshsim experiment: --metrics-interval: expected a positive duration such as \"1s\", got \"{p.GetValue(interval)}\""); return Task.FromResult(ExitCodes.BadInput); }
                var clock = Stopwatch.StartNew();
                int total = spec.Tests.Count * spec.Layouts.Count * spec.Concurrency.Count * 2, done = 0;
                IReadOnlyList<CellResult> cells;
                using (var progress = TerminalProgress.For(error))
                {
                    progress.Show(0, total, () => $"0/{total} cells", force: true);
                    cells = ExperimentRunner.Run(spec, p.GetValue(requests), metricsIntervalNs: p.GetValue(outDir) is null ? null : intervalNs, progress: cell =>
                        progress.Show(++done, total, () => $"{done}/{total} cells, last {cell.Test} {cell.Layout} c={cell.Concurrency} {cell.Mesh.ToString().ToLowerInvariant()}", force: true));
                }
                clock.Stop();
                output.Write(p.GetValue(json) ? ExperimentReport.ToJson(spec, cells) : ExperimentReport.ToText(spec, cells));
                if (p.GetValue(outDir) is { } dir)
                {
                    var files = ExperimentReport.Write(dir, spec, cells);
                    if (!p.GetValue(json)) output.WriteLine($"*** wrote {files.Count} files to {dir}");
                }
                // Wall time goes to stderr so stdout stays byte-identical for a given seed.
                error.WriteLine($"meshsim experiment: {cells.Count} runs in {clock.Elapsed.TotalSeconds:0.0} s of wall time");
                return Task.FromResult(cells.Any(c => c.First.Errors + c.Second.Errors > 0) ? ExitCodes.ExpectationFailed : ExitCodes.Ok);
            }
            catch (Exception ex) when (CommandErrors.IsBadInput(ex))
            {
                return Task.FromResult(CommandErrors.Report(error, "experiment", ex));
            }
        });
        return command;
    }
}
