using System.CommandLine;
using System.Globalization;
using MeshSim.Cli.Replay;
using MeshSim.Io.Pcap;

namespace MeshSim.Cli.Commands.Replay;

/// <summary><c>meshsim replay PCAP --into SWITCH:PORT [-s SCENARIO] [--timing original|fast] [--json] [--out DIR]</c>.</summary>
public static class ReplayCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var o = new ScenarioOptions();
        var pcap = new Argument<string>("pcap") { Description = "a pcap or pcapng file of Ethernet frames" };
        var into = new Option<string>("--into") { Description = "SWITCH:PORT the frames enter, e.g. s1:1", Required = true };
        var timing = new Option<string>("--timing") { Description = "original (keep the capture's spacing) or fast (1 µs apart)", DefaultValueFactory = _ => "original" };
        var json = new Option<bool>("--json") { Description = "per-packet verdicts as JSON" };
        var outDir = new Option<string?>("--out") { Description = "write what left each port as pcap into this directory" };
        var command = o.AddTo(new Command("replay", "Replay a capture into a switch port and report each packet's fate (forwarded where, or dropped by which flow)") { pcap, into, timing, json, outDir });
        command.SetAction((ParseResult p, CancellationToken _) => o.Invoke(p, "replay", (spec, _, output) =>
        {
            var target = p.GetValue(into)!;
            var colon = target.LastIndexOf(':');
            if (colon <= 0 || !uint.TryParse(target.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
                throw new UsageException($"--into: expected SWITCH:PORT such as s1:1, got \"{target}\"");
            var mode = p.GetValue(timing);
            if (mode is not ("original" or "fast")) throw new UsageException($"--timing: expected original or fast, got \"{mode}\"");
            var file = p.GetValue(pcap)!;
            if (!File.Exists(file)) throw new UsageException($"{file}: no such file");
            var capture = CaptureReader.ReadFile(file);
            if (capture.Frames.Count == 0 && capture.Problems.Count > 0) throw new UsageException($"{file}: {capture.Problems[0]}");
            var result = PcapReplay.Run(spec, target[..colon], port, capture, mode == "original", p.GetValue(outDir));
            output.Write(p.GetValue(json) ? ReplayReport.ToJson(result) : ReplayReport.ToText(result));
            return ExitCodes.Ok;
        }));
        return command;
    }
}
