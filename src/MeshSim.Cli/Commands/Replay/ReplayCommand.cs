using System.CommandLine;
using System.Globalization;
using MeshSim.Cli.Replay;
using MeshSim.Io.Pcap;

namespace MeshSim.Cli.Commands.Replay;

/// <summary>
/// <c>meshsim replay PCAP... --into SWITCH:PORT... [-s SCENARIO] [--timing original|fast] [--json] [--out DIR]</c>.
/// The n-th capture enters by the n-th <c>--into</c> (all on one switch); several captures are merged by timestamp.
/// </summary>
public static class ReplayCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var o = new ScenarioOptions();
        var pcap = new Argument<string[]>("pcap") { Description = "pcap or pcapng files of Ethernet frames; the n-th enters by the n-th --into, all merged by timestamp", Arity = ArgumentArity.OneOrMore };
        var into = new Option<string[]>("--into") { Description = "SWITCH:PORT the frames enter, e.g. s1:1; once per capture, all on one switch", Required = true };
        var timing = new Option<string>("--timing") { Description = "original (keep the capture's spacing) or fast (1 µs apart)", DefaultValueFactory = _ => "original" };
        var json = new Option<bool>("--json") { Description = "per-packet verdicts (with the output frames) and per-flow counters as JSON" };
        var outDir = new Option<string?>("--out") { Description = "write what left each port as pcap into this directory" };
        var command = o.AddTo(new Command("replay", "Replay a capture into a switch port and report each packet's fate (forwarded where, or dropped by which flow)") { pcap, into, timing, json, outDir });
        command.SetAction((ParseResult p, CancellationToken _) => o.Invoke(p, "replay", (spec, _, output) =>
        {
            var files = p.GetValue(pcap)!;
            var targets = p.GetValue(into)!.Select(ParseTarget).ToList();
            if (targets.Count != files.Length)
                throw new UsageException($"--into: {files.Length} capture(s) need as many --into, one per capture in the same order; got {targets.Count}");
            if (targets.Select(t => t.Switch).Distinct(StringComparer.Ordinal).Skip(1).Any())
                throw new UsageException($"--into: every capture must enter the same switch, got {string.Join(", ", targets.Select(t => t.Switch).Distinct(StringComparer.Ordinal))}");
            var mode = p.GetValue(timing);
            if (mode is not ("original" or "fast")) throw new UsageException($"--timing: expected original or fast, got '{mode}'");
            var inputs = new List<PcapReplay.Input>();
            var cuts = new List<string>();
            for (int i = 0; i < files.Length; i++)
            {
                if (!File.Exists(files[i])) throw new InputFileException($"{files[i]}: no such file");
                var capture = CaptureReader.ReadFile(files[i]);
                var cut = capture.Problems.Select(c => CaptureCutMessage.For(files[i], c.Cut)).FirstOrDefault(m => m is not null);
                if (capture.Frames.Count == 0 && capture.Problems.Count > 0) throw new InputFileException(cut ?? $"{files[i]}: {capture.Problems[0]}");
                if (cut is not null) cuts.Add(cut);
                inputs.Add(new PcapReplay.Input(targets[i].Port, capture));
            }
            var result = PcapReplay.Run(spec, targets[0].Switch, inputs, mode == "original", p.GetValue(outDir));
            output.Write(p.GetValue(json) ? ReplayReport.ToJson(result) : ReplayReport.ToText(result));
            // As tshark does: the packets before the cut are replayed and reported, then the cut is an error.
            foreach (var c in cuts) p.InvocationConfiguration.Error.WriteLine($"meshsim replay: {c}");
            return cuts.Count > 0 ? ExitCodes.BadInput : ExitCodes.Ok;
        }));
        return command;
    }

    private static (string Switch, uint Port) ParseTarget(string target)
    {
        var colon = target.LastIndexOf(':');
        if (colon <= 0 || !uint.TryParse(target.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            throw new UsageException($"--into: expected SWITCH:PORT such as s1:1, got '{target}'");
        return (target[..colon], port);
    }
}
