using System.Globalization;
using System.Text;
using System.Text.Json;
using MeshSim.Cli.Scenario;
using MeshSim.Stack.Apps.Load;

namespace MeshSim.Cli.Run;

/// <summary>Renders a run report: a Mininet-style text summary with the verdict table last, or JSON.</summary>
public static class RunReportText
{
    /// <summary>The human summary.</summary>
    public static string ToText(RunReport r)
    {
        var sb = new StringBuilder();
        var s = r.Scenario;
        sb.Append(CultureInfo.InvariantCulture, $"*** {s.Name}: {s.Hosts.Count} hosts, {s.Switches.Count} switches, {s.Links.Count} links, {s.Services.Count} services (seed {r.Seed})\n");
        sb.Append(CultureInfo.InvariantCulture, $"*** ran {ScalarValues.FormatDuration(r.EndedAtNs)} of virtual time, {r.Events} events, fingerprint {r.Fingerprint}\n");
        foreach (var (spec, result) in r.Traffic)
        {
            string amount = spec.DurationNs > 0 ? $"for {ScalarValues.FormatDuration(spec.DurationNs)}" : $"{spec.Requests} requests";
            string keepAlive = spec.KeepAlive ? "" : ", a new connection per request";
            sb.Append(CultureInfo.InvariantCulture, $"\n*** traffic {spec.Name}: {spec.From} -> {spec.Url}, {amount}, concurrency {spec.Concurrency}{keepAlive}\n");
            if (result is null) { sb.Append("    did not finish\n"); continue; }
            sb.Append(result.ToText());
        }
        if (r.Conntrack is { Count: > 0 } ct)
        {
            sb.Append("\n*** conntrack entries each virtual second: in the table (expired included), live by zone and state\n");
            foreach (var sample in ct)
                sb.Append(CultureInfo.InvariantCulture, $"  {sample.Second,4}s {sample.Switch}: in-table={sample.InTable} {(sample.Counts.Count == 0 ? "empty" : string.Join(" ", sample.Counts.Select(kv => $"zone={kv.Key.Zone},{kv.Key.State}={kv.Value}")))}\n");
        }
        sb.Append("\n*** expectations\n");
        int width = r.Verdicts.Count == 0 ? 0 : r.Verdicts.Max(v => v.Expectation.Length);
        foreach (var v in r.Verdicts)
            sb.Append(CultureInfo.InvariantCulture, $"  {(v.Held ? "PASS" : "FAIL")}  {v.Expectation.PadRight(width)}  {v.Observed}\n");
        int held = r.Verdicts.Count(v => v.Held);
        // 0/0 would read like a pass; say plainly that the run checked nothing.
        sb.Append(r.Verdicts.Count == 0
            ? "*** no expectations: nothing was checked (add an expect: list to the scenario)\n"
            : string.Create(CultureInfo.InvariantCulture, $"*** {held}/{r.Verdicts.Count} expectations held\n"));
        return sb.ToString();
    }

    /// <summary>Machine output.</summary>
    public static string ToJson(RunReport r)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("scenario", r.Scenario.Name);
            w.WriteNumber("seed", r.Seed);
            w.WriteNumber("ended_at_ns", r.EndedAtNs);
            w.WriteNumber("events", r.Events);
            w.WriteString("fingerprint", r.Fingerprint);
            w.WriteStartArray("traffic");
            foreach (var (spec, result) in r.Traffic)
            {
                w.WriteStartObject();
                w.WriteString("name", spec.Name);
                if (result is null) w.WriteNull("result");
                else
                {
                    w.WritePropertyName("result");
                    using var doc = JsonDocument.Parse(result.ToJson());
                    doc.RootElement.WriteTo(w);
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (r.Conntrack is { } samples)
            {
                w.WriteStartArray("conntrack");
                foreach (var sample in samples)
                {
                    w.WriteStartObject();
                    w.WriteNumber("second", sample.Second);
                    w.WriteString("switch", sample.Switch);
                    w.WriteNumber("inTable", sample.InTable);
                    w.WriteStartArray("entries");
                    foreach (var ((zone, state), n) in sample.Counts)
                    {
                        w.WriteStartObject();
                        w.WriteNumber("zone", zone);
                        w.WriteString("state", state);
                        w.WriteNumber("count", n);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteStartArray("expectations");
            foreach (var v in r.Verdicts)
            {
                w.WriteStartObject();
                w.WriteString("expectation", v.Expectation);
                w.WriteBoolean("held", v.Held);
                w.WriteString("observed", v.Observed);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteBoolean("all_held", r.AllHeld);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }
}
