using System.Globalization;
using System.Text.Json;
using MeshSim.Engine;
using MeshSim.P4.Loading;
using MeshSim.P4.Runtime;

namespace MeshSim.P4.Simulation;

/// <summary>A host of a P4 tutorials lab: address with prefix, MAC, and the shell commands run in it (routes, static ARP).</summary>
public sealed record LabHost(string Name, string? Ip, string? Mac, IReadOnlyList<string> Commands);

/// <summary>A switch: its runtime JSON (table entries), optional CLI commands file and program override (paths relative to the topology).</summary>
public sealed record LabSwitch(string Name, string? RuntimeJson, string? CliInput, string? Program);

/// <summary>A link; a switch end is <c>sN-pK</c> (port K), a host end is the host name.</summary>
public sealed record LabLink(string A, string B, long LatencyNs, long? BitsPerSecond);

/// <summary>
/// A P4 tutorials lab (<c>topology.json</c> with <c>sX-runtime.json</c> files) as simulation
/// objects: switches become <see cref="P4Switch"/>es with their entries installed; hosts are made
/// by a caller-supplied factory (hosts live in the Stack layer), so the same lab runs without
/// Mininet, root or a VM.
/// </summary>
public sealed record TutorialLab(IReadOnlyList<LabHost> Hosts, IReadOnlyList<LabSwitch> Switches, IReadOnlyList<LabLink> Links)
{
    /// <summary>Parses topology.json; errors name the JSON path.</summary>
    public static TutorialLab? Parse(string json, out IReadOnlyList<string> errors)
    {
        var lab = ParseChecked(json, out var problems);
        errors = problems.Select(p => p.ToString()).ToList();
        return lab;
    }

    /// <summary>Parses topology.json; each problem with its JSON path (or, for a syntax error, its line and column).</summary>
    public static TutorialLab? ParseChecked(string json, out IReadOnlyList<LabProblem> problems)
    {
        var errs = new List<LabProblem>();
        problems = errs;
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip }); }
        catch (JsonException e)
        {
            var (line, column, message) = JsonErrorText.Describe(e, json);
            errs.Add(new LabProblem(null, "", $"not valid JSON: {message}", Line: line, Column: column));
            return null;
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (JsonStrings.FirstUndecodable(root) is { } bad) { errs.Add(Problem($"{bad}", $"a string that is not valid UTF-8 or UTF-16 (a lone surrogate escape?)")); return null; }
            if (root.ValueKind != JsonValueKind.Object) { errs.Add(Problem("$", "expected an object with hosts, switches and links")); return null; }
            var hosts = new List<LabHost>();
            if (root.TryGetProperty("hosts", out var h))
            {
                if (h.ValueKind == JsonValueKind.Array)   // older labs: ["h1", "h2"]
                {
                    int i = 0;
                    foreach (var n in h.EnumerateArray())
                    {
                        if (n.ValueKind == JsonValueKind.String) hosts.Add(new LabHost(n.GetString()!, null, null, []));
                        else errs.Add(Problem($"hosts[{i}]", $"expected a host name"));
                        i++;
                    }
                }
                else if (h.ValueKind == JsonValueKind.Object)
                    foreach (var p in h.EnumerateObject())
                    {
                        if (p.Value.ValueKind != JsonValueKind.Object) { errs.Add(Problem($"hosts.{p.Name}", $"expected an object {{ip, mac, commands}}")); continue; }
                        var commands = new List<string>();
                        if (p.Value.TryGetProperty("commands", out var c) && c.ValueKind == JsonValueKind.Array)
                            foreach (var x in c.EnumerateArray())
                                if (x.ValueKind == JsonValueKind.String) commands.Add(x.GetString()!);
                                else errs.Add(Problem($"hosts.{p.Name}.commands[{commands.Count}]", $"expected a shell command (a string)"));
                        hosts.Add(new LabHost(p.Name, Str(p.Value, "ip"), Str(p.Value, "mac"), commands));
                    }
                else errs.Add(Problem("hosts", "expected an object or an array"));
            }
            var switches = new List<LabSwitch>();
            if (root.TryGetProperty("switches", out var s) && s.ValueKind == JsonValueKind.Object)
                foreach (var p in s.EnumerateObject())
                    switches.Add(new LabSwitch(p.Name, Str(p.Value, "runtime_json"), Str(p.Value, "cli_input"), Str(p.Value, "program")));
            else errs.Add(Problem("switches", "expected an object"));
            var links = new List<LabLink>();
            if (root.TryGetProperty("links", out var l) && l.ValueKind == JsonValueKind.Array)
            {
                int i = 0;
                foreach (var link in l.EnumerateArray())
                {
                    if (link.ValueKind != JsonValueKind.Array || link.GetArrayLength() < 2 || link[0].ValueKind != JsonValueKind.String || link[1].ValueKind != JsonValueKind.String)
                    { errs.Add(Problem($"links[{i}]", $"expected [a, b, latency?, bandwidth?]")); i++; continue; }
                    long latency = 0;
                    if (link.GetArrayLength() > 2 && !TryLatency(link[2], out latency)) errs.Add(Problem($"links[{i}][2]", $"expected a latency such as \"5ms\" (at most {MaxLatencyMs} ms)"));
                    long? bw = null;
                    if (link.GetArrayLength() > 3)
                    {
                        // Mininet's bw is in Mbit/s; beyond 1 Tbit/s the conversion to bits/s is meaningless.
                        if (link[3].ValueKind == JsonValueKind.Number && link[3].TryGetDouble(out var mbps) && mbps > 0 && mbps <= 1_000_000) bw = (long)(mbps * 1_000_000);
                        else errs.Add(Problem($"links[{i}][3]", $"expected a bandwidth in Mbit/s between 0 and 1000000"));
                    }
                    links.Add(new LabLink(link[0].GetString()!, link[1].GetString()!, latency, bw));
                    i++;
                }
            }
            else errs.Add(Problem("links", "expected an array"));
            return errs.Count > 0 ? null : new TutorialLab(hosts, switches, links);
        }
    }

    private static LabProblem Problem(string path, string message) => new(null, path, message);

    /// <summary>The longest link latency a topology may give (one hour), so the conversion to nanoseconds cannot overflow.</summary>
    private const double MaxLatencyMs = 3_600_000;

    private static string? Str(JsonElement o, string key) => o.ValueKind == JsonValueKind.Object && o.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool TryLatency(JsonElement v, out long ns)
    {
        ns = 0;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var ms))
        {
            if (!(ms >= 0 && ms <= MaxLatencyMs)) return false;
            ns = (long)(ms * 1_000_000);
            return true;
        }
        if (v.ValueKind != JsonValueKind.String) return false;
        var s = v.GetString()!.Trim();
        (string unit, double scale) = s.EndsWith("ms") ? ("ms", 1e6) : s.EndsWith("us") ? ("us", 1e3) : s.EndsWith("ns") ? ("ns", 1) : s.EndsWith('s') ? ("s", 1e9) : ("", 1e6);
        if (!double.TryParse(s[..^unit.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var x) || !(x >= 0) || x * scale > MaxLatencyMs * 1e6) return false;
        ns = (long)(x * scale);
        return true;
    }

    /// <summary>
    /// Builds the lab in <paramref name="network"/>: one <see cref="P4Switch"/> per switch running
    /// <paramref name="defaultProgram"/> (or the switch's <c>program</c>/runtime <c>bmv2_json</c>),
    /// entries from its runtime JSON and CLI file, hosts from <paramref name="hostFactory"/> (their
    /// first port is linked). Paths resolve against <paramref name="baseDir"/>. Returns errors with file names.
    /// </summary>
    public IReadOnlyList<string> Build(Network network, string baseDir, string? defaultProgram, Func<LabHost, Node> hostFactory, out Dictionary<string, Node> nodes) =>
        BuildChecked(network, baseDir, defaultProgram, hostFactory, out nodes).Select(p => p.ToString()).ToList();

    /// <summary>As <see cref="Build"/>, each problem with the file it is in and where, so a caller can point into that file.</summary>
    public IReadOnlyList<LabProblem> BuildChecked(Network network, string baseDir, string? defaultProgram, Func<LabHost, Node> hostFactory, out Dictionary<string, Node> nodes)
    {
        var errors = new List<LabProblem>();
        nodes = new Dictionary<string, Node>(StringComparer.Ordinal);
        var portsNeeded = new Dictionary<string, uint>(StringComparer.Ordinal);
        foreach (var l in Links)
            foreach (var end in new[] { l.A, l.B })
                if (SplitSwitchPort(end, out var sw, out var port)) portsNeeded[sw] = Math.Max(portsNeeded.GetValueOrDefault(sw), port);
        foreach (var s in Switches)
        {
            string? runtimeText = null;
            string? programPath = s.Program is not null ? Path.Combine(baseDir, s.Program) : defaultProgram;
            if (s.RuntimeJson is not null)
            {
                try
                {
                    runtimeText = File.ReadAllText(Path.Combine(baseDir, s.RuntimeJson));
                    using var d = JsonDocument.Parse(runtimeText);
                    if (programPath is null && d.RootElement.TryGetProperty("bmv2_json", out var bj) && bj.GetString() is { } p) programPath = Path.Combine(baseDir, p);
                }
                catch (JsonException e)
                {
                    var (line, column, message) = JsonErrorText.Describe(e, runtimeText!);
                    errors.Add(new LabProblem(s.RuntimeJson, "", $"not valid JSON: {message}", Line: line, Column: column));
                    continue;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { errors.Add(new LabProblem(s.RuntimeJson, "", e.Message)); continue; }
            }
            if (programPath is null) { errors.Add(new LabProblem(null, $"switches.{s.Name}", "no program (give one, or bmv2_json in its runtime JSON)")); continue; }
            var load = P4Loader.LoadFile(programPath);
            if (!load.Success) { errors.AddRange(load.Errors.Select(e => new LabProblem(programPath, e.Line > 0 ? "" : e.JsonPath, e.Snippet is null ? e.Message : $"{e.Message} (in {e.Snippet})", Line: e.Line, Column: e.Column))); continue; }
            var node = new P4Switch(network, s.Name, load.Program!, (int)portsNeeded.GetValueOrDefault(s.Name));
            if (runtimeText is not null)
                errors.AddRange(RuntimeJson.ApplyChecked(load.Program!, runtimeText).Select(p => new LabProblem(s.RuntimeJson, p.Path, p.Message, p.Field, p.Line, p.Column)));
            if (s.CliInput is not null)
            {
                try
                {
                    var (_, failures) = node.Cli.RunScript(File.ReadAllText(Path.Combine(baseDir, s.CliInput)));
                    errors.AddRange(failures.Select(f => new LabProblem(s.CliInput, "", f.Message.Split('\n')[^1], Line: f.Line)));
                }
                catch (IOException e) { errors.Add(new LabProblem(s.CliInput, "", e.Message)); }
            }
            nodes[s.Name] = node;
        }
        foreach (var h in Hosts) nodes[h.Name] = hostFactory(h);
        for (int i = 0; i < Links.Count; i++)
        {
            var l = Links[i];
            var a = End(l.A, nodes, out var ea); var b = End(l.B, nodes, out var eb);
            if (a is null || b is null) { errors.Add(new LabProblem(null, $"links[{i}]", (ea ?? eb)!)); continue; }
            var options = new LinkOptions(LatencyNs: l.LatencyNs, BitsPerSecond: l.BitsPerSecond ?? LinkOptions.Default.BitsPerSecond);
            network.Connect(a, b, options);
        }
        return errors;
    }

    private static bool SplitSwitchPort(string end, out string sw, out uint port)
    {
        sw = ""; port = 0;
        int i = end.LastIndexOf("-p", StringComparison.Ordinal);
        if (i <= 0 || !uint.TryParse(end.AsSpan(i + 2), NumberStyles.None, CultureInfo.InvariantCulture, out port)) return false;
        sw = end[..i];
        return true;
    }

    private static Port? End(string end, Dictionary<string, Node> nodes, out string? error)
    {
        error = null;
        if (SplitSwitchPort(end, out var sw, out var port) && nodes.TryGetValue(sw, out var s))
            return s.FindPort(port) ?? Fail($"'{end}': switch {sw} has no port {port}", out error);
        if (nodes.TryGetValue(end, out var h))
            return (h.Ports.Count > 0 ? h.Ports[0] : null) ?? Fail($"'{end}': host has no port", out error);
        return Fail($"'{end}' is neither a host nor a switch port (sN-pK)", out error);
    }

    private static Port? Fail(string message, out string? error) { error = message; return null; }
}
