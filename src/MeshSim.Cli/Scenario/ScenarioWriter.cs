using System.Globalization;
using System.Text;
using MeshSim.Stack.Sockets;

namespace MeshSim.Cli.Scenario;

/// <summary>
/// Writes a <see cref="ScenarioSpec"/> back as scenario YAML that <see cref="ScenarioLoader"/> reads
/// into the same scenario (positions aside). Every value is written explicitly, defaults included,
/// and every string is double-quoted, so the text is a canonical form: writing what was read from
/// this text gives the same text again. Properties in the tests check both directions.
/// </summary>
public static class ScenarioWriter
{
    /// <summary>The scenario as YAML. <see cref="ScenarioSpec.SourcePath"/> and positions are not part of it.</summary>
    public static string Write(ScenarioSpec s)
    {
        var w = new StringBuilder();
        w.Append("name: ").Append(Q(s.Name)).Append('\n');
        if (s.Description is not null) w.Append("description: ").Append(Q(s.Description)).Append('\n');
        w.Append("seed: ").Append(s.Seed.ToString(CultureInfo.InvariantCulture)).Append('\n');
        w.Append("until: ").Append(Ns(s.UntilNs)).Append('\n');
        w.Append($"mesh: {{ virtual_ip: {Q(s.Mesh.VirtualIp.ToString())}, virtual_mac: {Q(s.Mesh.VirtualMac.ToString())}, arp: {Q(s.Mesh.Arp)} }}\n");
        w.Append("hosts:").Append(s.Hosts.Count == 0 ? " []\n" : "\n");
        foreach (var h in s.Hosts)
            w.Append($"  - {{ name: {Q(h.Name)}, ip: {Q($"{h.Ip}/{h.PrefixLength}")}, mac: {Q(h.Mac.ToString())}, cores: {I(h.Cores)}, external: {B(h.External)}{(h.Ports == EphemeralPortChoice.Linux ? ", ports: linux" : "")} }}\n");
        w.Append("switches:").Append(s.Switches.Count == 0 ? " []\n" : "\n");
        foreach (var sw in s.Switches)
        {
            w.Append($"  - {{ name: {Q(sw.Name)}, kind: {Q(sw.Kind)}");
            Opt(w, "flows", sw.FlowsFile); Opt(w, "groups", sw.GroupsFile); Opt(w, "program", sw.ProgramFile);
            Opt(w, "commands", sw.CommandsFile); Opt(w, "runtime", sw.RuntimeFile);
            w.Append(" }\n");
        }
        w.Append("links:").Append(s.Links.Count == 0 ? " []\n" : "\n");
        foreach (var l in s.Links)
            w.Append($"  - {{ a: {Q(l.A.ToString())}, b: {Q(l.B.ToString())}, latency: {Ns(l.LatencyNs)}, rate: {(l.BitsPerSecond == 0 ? "0" : I(l.BitsPerSecond) + "bps")}, queue: {I(l.QueueFrames)}, loss: {D(l.Loss)} }}\n");
        w.Append("services:").Append(s.Services.Count == 0 ? " []\n" : "\n");
        foreach (var svc in s.Services)
        {
            w.Append($"  - name: {Q(svc.Name)}\n    instances:\n");
            foreach (var i in svc.Instances)
                w.Append($"      - {{ host: {Q(i.Host)}, port: {I(i.Port)}, weight: {I(i.Weight)}, healthy: {B(i.Healthy)}, tags: [{string.Join(", ", i.Tags.Select(Q))}] }}\n");
            w.Append("    upstreams: {").Append(string.Join(", ", svc.Upstreams.OrderBy(u => u.Key, StringComparer.Ordinal).Select(u => $"{Q(u.Key)}: {I(u.Value)}"))).Append("}\n");
            w.Append($"    app: {{ kind: {Q(svc.App.Kind)}, service_time: {Ns(svc.App.ServiceTimeNs)}, response_size: {I(svc.App.ResponseBytes)}B }}\n");
        }
        w.Append($"intentions:\n  default: {Q(s.Intentions.Default)}\n  rules:").Append(s.Intentions.Rules.Count == 0 ? " []\n" : "\n");
        foreach (var r in s.Intentions.Rules)
            w.Append($"    - {{ source: {Q(r.Source)}, destination: {Q(r.Destination)}, action: {Q(r.Action)} }}\n");
        w.Append("traffic:").Append(s.Traffic.Count == 0 ? " []\n" : "\n");
        foreach (var t in s.Traffic)
        {
            // A run is bounded by a request count or a duration, never both (the loader refuses both).
            var bound = t.DurationNs > 0 ? $"duration: {Ns(t.DurationNs)}" : $"requests: {I(t.Requests)}";
            w.Append($"  - {{ name: {Q(t.Name)}, from: {Q(t.From)}, url: {Q(t.Url)}, {bound}, concurrency: {I(t.Concurrency)}, qps: {D(t.Qps)}, keepalive: {(t.KeepAlive ? "true" : "false")}, start: {Ns(t.StartNs)} }}\n");
        }
        if (s.Capture is { } c) w.Append($"capture: {{ dir: {Q(c.Directory)}, format: {Q(c.Format)} }}\n");
        w.Append("expect:").Append(s.Expectations.Count == 0 ? " []\n" : "\n");
        foreach (var e in s.Expectations) w.Append($"  - {{ {e.Kind}: {Q(e.Text)} }}\n");
        return w.ToString();
    }

    private static void Opt(StringBuilder w, string key, string? value)
    {
        if (value is not null) w.Append(", ").Append(key).Append(": ").Append(Q(value));
    }

    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);
    private static string B(bool v) => v ? "true" : "false";
    private static string Ns(long ns) => I(ns) + "ns";

    /// <summary>A double as the loader reads it back exactly: plain digits and a decimal point, no exponent.</summary>
    private static string D(double v)
    {
        var r = v.ToString("R", CultureInfo.InvariantCulture);
        return r.Contains('E') ? ((decimal)v).ToString(CultureInfo.InvariantCulture) : r;
    }

    /// <summary>A YAML double-quoted scalar; control characters and quotes escaped.</summary>
    private static string Q(string s)
    {
        var b = new StringBuilder(s.Length + 2).Append('"');
        foreach (char c in s)
        {
            if (c is '"' or '\\') b.Append('\\').Append(c);
            // YAML allows only printable characters raw: C0/C1 controls, DEL, U+FFFE/U+FFFF and BOM/line separators go escaped.
            else if (c < 0x20 || c is >= '\u007f' and <= '\u009f' || char.IsSurrogate(c) || c is '\u2028' or '\u2029' or '\ufeff' or '\ufffe' or '\uffff') b.Append($"\\u{(int)c:x4}");
            else b.Append(c);
        }
        return b.Append('"').ToString();
    }
}
