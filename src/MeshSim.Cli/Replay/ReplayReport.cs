using System.Globalization;
using System.Text;
using System.Text.Json;
using MeshSim.Cli.Scenario;

namespace MeshSim.Cli.Replay;

/// <summary>Prints a replay: one line per frame, then frames grouped by fate; or JSON verdicts.</summary>
public static class ReplayReport
{
    /// <summary>Text form.</summary>
    public static string ToText(PcapReplay.Result r)
    {
        var sb = new StringBuilder();
        foreach (var p in r.CaptureProblems) sb.Append(CultureInfo.InvariantCulture, $"capture: {p}\n");
        foreach (var f in r.Fates)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{Label(r, f),5} {ScalarValues.FormatDuration(f.TimeNs),10}  {f.Summary}\n");
            if (f.CtStates.Count > 0) sb.Append("        conntrack: ").Append(string.Join(" then ", f.CtStates)).Append('\n');
            if (f.Fate == "forwarded")
                foreach (var o in f.Outputs) sb.Append(CultureInfo.InvariantCulture, $"        -> port {o.Port}: {o.Flow}\n");
            else sb.Append(CultureInfo.InvariantCulture, $"        {f.Fate.ToUpperInvariant()}: {f.Reason}\n");
        }
        sb.Append("\n*** fates\n");
        foreach (var g in r.Fates.GroupBy(f => f.Group).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal))
            sb.Append(CultureInfo.InvariantCulture, $"{g.Count(),6}  {g.Key}  (frames {string.Join(",", g.Select(f => Label(r, f)).Take(10))}{(g.Count() > 10 ? ",..." : "")})\n");
        foreach (var file in r.OutputFiles) sb.Append("wrote ").Append(file).Append('\n');
        return sb.ToString();
    }

    /// <summary>A frame's number; with several captures, CAPTURE:NUMBER.</summary>
    private static string Label(PcapReplay.Result r, PacketFate f) =>
        r.Captures > 1 ? string.Create(CultureInfo.InvariantCulture, $"{f.Capture}:{f.Index}") : f.Index.ToString(CultureInfo.InvariantCulture);

    /// <summary>JSON: {"problems":[...],"packets":[{"index","capture","in_port","time_ns","summary","fate","reason",
    /// "outputs":[{"port","flow","frame"(hex)}],"ct_states":[...]}],"flows":[{"table","priority","cookie","n_packets","n_bytes"}]}.
    /// The flows carry the counters the replay left, to set beside <c>ovs-ofctl dump-flows</c> of the switch the capture came from.</summary>
    public static string ToJson(PcapReplay.Result r)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartArray("problems");
            foreach (var p in r.CaptureProblems) { w.WriteStartObject(); w.WriteNumber("offset", p.FileOffset); w.WriteString("message", p.Message); w.WriteEndObject(); }
            w.WriteEndArray();
            w.WriteStartArray("packets");
            foreach (var f in r.Fates)
            {
                w.WriteStartObject();
                w.WriteNumber("index", f.Index);
                w.WriteNumber("capture", f.Capture);
                w.WriteNumber("in_port", f.InPort);
                w.WriteNumber("time_ns", f.TimeNs);
                w.WriteString("summary", f.Summary);
                w.WriteString("fate", f.Fate);
                if (f.Reason is null) w.WriteNull("reason"); else w.WriteString("reason", f.Reason);
                w.WriteStartArray("outputs");
                foreach (var o in f.Outputs)
                {
                    w.WriteStartObject();
                    w.WriteNumber("port", o.Port);
                    w.WriteString("flow", o.Flow);
                    w.WriteString("frame", Convert.ToHexStringLower(o.Frame));
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteStartArray("ct_states");
                foreach (var s in f.CtStates) w.WriteStringValue(s);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("flows");
            foreach (var rule in r.Flows)
            {
                w.WriteStartObject();
                w.WriteNumber("table", rule.Entry.Table);
                w.WriteNumber("priority", rule.Entry.Priority);
                w.WriteString("cookie", string.Create(CultureInfo.InvariantCulture, $"0x{rule.Entry.Cookie:x}"));
                w.WriteNumber("n_packets", rule.Packets);
                w.WriteNumber("n_bytes", rule.Bytes);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray()) + "\n";
    }
}
