using System.Globalization;
using System.Text;
using System.Text.Json;
using MeshSim.P4.Execution;
using MeshSim.P4.Loading;

namespace MeshSim.P4.Runtime;

/// <summary>One emitted packet: which input produced it, the egress port, the bytes.</summary>
public sealed record RunOutput(int Input, int Port, byte[] Frame);

/// <summary>The outcome of <see cref="PacketRunner.Run"/>: outputs, per-input traces, and any errors (exit code 2 when present).</summary>
public sealed record RunReport(IReadOnlyList<RunOutput> Outputs, IReadOnlyList<string> Traces, IReadOnlyList<string> Errors, string CommandTranscript)
{
    /// <summary><c>port N HEX</c> per output, in order.</summary>
    public string ToText()
    {
        var sb = new StringBuilder();
        foreach (var o in Outputs) sb.Append("port ").Append(o.Port.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(Convert.ToHexString(o.Frame).ToLowerInvariant()).Append('\n');
        return sb.ToString();
    }

    public string ToJson()
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartArray("packets");
            foreach (var o in Outputs)
            {
                w.WriteStartObject();
                w.WriteNumber("input", o.Input);
                w.WriteNumber("port", o.Port);
                w.WriteString("hex", Convert.ToHexString(o.Frame).ToLowerInvariant());
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("errors");
            foreach (var e in Errors) w.WriteStringValue(e);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray()) + "\n";
    }
}

/// <summary>
/// The library side of <c>meshsim p4 run</c>: load a bmv2 JSON program, apply a simple_switch_CLI
/// commands file, send hex packets in on one port, collect what comes out. Replays bmv2 test
/// vectors without bmv2.
/// </summary>
public static class PacketRunner
{
    public static RunReport Run(string programJson, string? commands, uint port, IReadOnlyList<string> hexPackets, bool trace = false, string programName = "program")
    {
        var errors = new List<string>();
        var load = P4Loader.Load(programJson);
        if (!load.Success)
        {
            errors.AddRange(load.Errors.Select(e => $"{programName}: {e}"));
            return new RunReport([], [], errors, "");
        }
        var program = load.Program!;
        string transcript = "";
        if (commands is not null)
        {
            var (t, failures) = new RuntimeCli(program).RunScript(commands);
            transcript = t;
            errors.AddRange(failures.Select(f => $"commands:{f.Line}: {f.Message.Split('\n')[^1]}"));
            if (failures.Count > 0) return new RunReport([], [], errors, transcript);
        }
        var frames = new List<byte[]>();
        for (int i = 0; i < hexPackets.Count; i++)
        {
            var hex = new string(hexPackets[i].Where(c => !char.IsWhiteSpace(c) && c != ':').ToArray());
            if (hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) hex = hex[2..];
            try { frames.Add(Convert.FromHexString(hex)); }
            catch (FormatException) { errors.Add($"--packet #{i + 1}: expected an even number of hex digits, got \"{hexPackets[i]}\""); }
        }
        if (errors.Count > 0) return new RunReport([], [], errors, transcript);
        var sw = new V1Switch(program) { TraceEnabled = trace };
        var output = new EgressPackets();
        var outs = new List<RunOutput>();
        var traces = new List<string>();
        for (int i = 0; i < frames.Count; i++)
        {
            sw.Process(frames[i], port, output, nowNs: i * 1000L);
            for (int k = 0; k < output.Count; k++) outs.Add(new RunOutput(i, output.Port(k), output.Frame(k).ToArray()));
            if (trace) traces.Add(sw.Trace.ToString());
        }
        return new RunReport(outs, traces, errors, transcript);
    }
}
