using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using MeshSim.Io.Pcap;
using MeshSim.Wire;

namespace MeshSim.Cli.Tests.Replay;

/// <summary>
/// Sets `meshsim replay --json` of the frames that entered a real OVS bridge (one capture per port)
/// beside what that bridge did: the frames it sent on each port (pN-out.pcap) and its per-flow
/// n_packets (s1.dump, `ovs-ofctl dump-flows`). Packet by packet: every frame the model sends on
/// port P must be byte-identical to one the real bridge sent on P (each real frame used once), and
/// every frame the real bridge sent must be accounted for; so a packet the model drops but the
/// bridge forwarded shows up as a real frame left over, and the other way round as a model frame
/// with no real twin. Then every flow's counter must agree.
/// </summary>
internal sealed partial class RealBridgeComparison
{
    /// <summary>One replayed packet: where it came from, what the model did, and whether the real bridge agreed.</summary>
    public sealed record Verdict(string Label, string Summary, string ModelFate, bool Agrees);

    public List<Verdict> Verdicts { get; } = [];
    public List<string> Disagreements { get; } = [];
    /// <summary>Flow counters compared (with the number of flows whose counter moved).</summary>
    public int FlowsCompared { get; private set; }
    public int FlowsHit { get; private set; }
    public int RealFramesOut { get; private set; }

    /// <param name="dir">Holds p1-out.pcap ... pN-out.pcap and s1.dump.</param>
    /// <param name="ports">The bridge's ports (1..N).</param>
    /// <param name="replayJson">Output of `meshsim replay p1-in.pcap ... --into s1:1 ... --json`.</param>
    public RealBridgeComparison(string dir, int ports, string replayJson)
    {
        var real = new Dictionary<uint, List<CapturedFrame>>();
        for (uint p = 1; p <= ports; p++)
        {
            var capture = CaptureReader.ReadFile(Path.Combine(dir, $"p{p}-out.pcap"));
            if (capture.Problems.Count > 0) Disagreements.Add($"p{p}-out.pcap: {capture.Problems[0]}");
            real[p] = capture.Frames.ToList();
            RealFramesOut += capture.Frames.Count;
        }

        using var doc = JsonDocument.Parse(replayJson);
        foreach (var packet in doc.RootElement.GetProperty("packets").EnumerateArray())
        {
            var label = $"port {packet.GetProperty("in_port").GetUInt32()} frame {packet.GetProperty("index").GetInt32()}";
            var summary = packet.GetProperty("summary").GetString()!;
            var fate = packet.GetProperty("fate").GetString()!;
            bool agrees = true;
            var outPorts = new List<uint>();
            foreach (var output in packet.GetProperty("outputs").EnumerateArray())
            {
                uint port = output.GetProperty("port").GetUInt32();
                outPorts.Add(port);
                var bytes = Convert.FromHexString(output.GetProperty("frame").GetString()!);
                int at = real.TryGetValue(port, out var sent) ? sent.FindIndex(f => f.Data.AsSpan().SequenceEqual(bytes)) : -1;
                if (at >= 0) { sent!.RemoveAt(at); continue; }
                agrees = false;
                Disagreements.Add($"{label} ({summary}): the model sends on port {port} {FrameText.Describe(bytes)}; the real bridge sent no such frame there");
            }
            var modelFate = fate == "forwarded" ? $"forwarded to {string.Join(",", outPorts.Distinct().Order())}" : $"{fate}: {packet.GetProperty("reason").GetString()}";
            Verdicts.Add(new Verdict(label, summary, modelFate, agrees));
        }
        foreach (var (port, left) in real)
            foreach (var f in left)
                Disagreements.Add($"the real bridge sent on port {port} (pcap frame {f.Index}) {FrameText.Describe(f.Data)}; the model sent nothing like it: it dropped the packet or rewrote it differently");

        var realCounts = ParseDump(File.ReadAllText(Path.Combine(dir, "s1.dump")));
        foreach (var flow in doc.RootElement.GetProperty("flows").EnumerateArray())
        {
            var key = (flow.GetProperty("table").GetInt32(), flow.GetProperty("priority").GetInt32(), flow.GetProperty("cookie").GetString()!);
            long model = flow.GetProperty("n_packets").GetInt64();
            FlowsCompared++;
            if (model > 0) FlowsHit++;
            if (!realCounts.Remove(key, out var count)) Disagreements.Add($"flow table={key.Item1} priority={key.Item2} cookie={key.Item3}: not on the real bridge");
            else if (count != model) Disagreements.Add($"flow table={key.Item1} priority={key.Item2} cookie={key.Item3}: n_packets {model} in the model, {count} on the real bridge");
        }
        foreach (var key in realCounts.Keys) Disagreements.Add($"flow table={key.Table} priority={key.Priority} cookie={key.Cookie}: on the real bridge only");
    }

    /// <summary>(table, priority, cookie) to n_packets from `ovs-ofctl dump-flows` (which leaves out priority=32768, the default).</summary>
    private static Dictionary<(int Table, int Priority, string Cookie), long> ParseDump(string dump)
    {
        var counts = new Dictionary<(int, int, string), long>();
        foreach (var line in dump.Split('\n'))
        {
            var m = DumpLine().Match(line);
            if (!m.Success) continue;
            var p = PriorityField().Match(line);
            int priority = p.Success ? int.Parse(p.Groups[1].Value, CultureInfo.InvariantCulture) : 32768;
            counts[(int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), priority, m.Groups[1].Value)] = long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
        }
        return counts;
    }

    [GeneratedRegex(@"cookie=(0x[0-9a-f]+), .*table=(\d+), n_packets=(\d+),")]
    private static partial Regex DumpLine();
    [GeneratedRegex(@"[ ,]priority=(\d+)")]
    private static partial Regex PriorityField();
}
