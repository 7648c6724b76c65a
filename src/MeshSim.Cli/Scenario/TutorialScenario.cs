using System.Globalization;
using MeshSim.P4.Simulation;
using MeshSim.Wire;

namespace MeshSim.Cli.Scenario;

/// <summary>
/// A P4 tutorials lab directory (<c>topology.json</c> with hosts, switches and links, each switch's
/// <c>sX-runtime.json</c> naming its program in <c>bmv2_json</c>) as a scenario: every switch is
/// <c>kind: p4</c>, hosts get their address, MAC, default route and static ARP entries from the
/// topology, and there are no services, traffic or expectations (pingall and curl are the checks).
/// </summary>
public static class TutorialScenario
{
    /// <summary>True when <paramref name="path"/> names a JSON file (a tutorial topology) rather than a YAML scenario.</summary>
    public static bool IsTutorial(string path) => path.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    /// <summary>Loads <paramref name="path"/>; <paramref name="program"/>, when given, is every switch's program
    /// (instead of its runtime file's bmv2_json).</summary>
    /// <exception cref="ScenarioException">The topology cannot be read, or a host lacks an address or runs a command MeshSim does not model.</exception>
    public static ScenarioSpec LoadFile(string path, string? program = null, ScenarioLimits? limits = null) =>
        Load(ScenarioFile.ReadText(path, limits ?? ScenarioLimits.Default), path, program);

    /// <summary>Loads a topology from <paramref name="text"/>; <paramref name="path"/> names it in messages and locates its runtime files.</summary>
    /// <exception cref="ScenarioException">The only failure: the topology cannot be read, or a host lacks an address or runs a command MeshSim does not model.</exception>
    public static ScenarioSpec Load(string text, string path, string? program = null)
    {
        if (program is not null && !File.Exists(program)) throw new ScenarioException(path, new Position(1, 1, ""), $"--program: file '{program}' does not exist");
        var lab = TutorialLab.ParseChecked(text, out var problems)
            ?? throw TutorialProblems.ToException(path, problems);
        // Positions of the members errors below name, so each points at its host in the topology.
        Position At(string member)
        {
            var (line, column) = JsonPositions.Locate(text, member);
            return new Position(line, column, member);
        }
        var hosts = new List<HostSpec>();
        foreach (var (h, i) in lab.Hosts.Select((h, i) => (h, i)))
        {
            // Hosts are an object by name, or (older labs) a list of names: the later position is the one that exists.
            Position byName = At($"hosts.{h.Name}"), byIndex = At($"hosts[{i}]");
            var at = (byIndex.Line, byIndex.Column).CompareTo((byName.Line, byName.Column)) > 0 ? byIndex with { Path = byName.Path } : byName;
            if (h.Ip is null || h.Mac is null)
                throw new ScenarioException(path, at, "expected {\"ip\": \"a.b.c.d/n\", \"mac\": \"xx:xx:xx:xx:xx:xx\"} (the older list-of-names form leaves addressing to Mininet, which MeshSim does not imitate)");
            int slash = h.Ip.IndexOf('/');
            if (slash < 0 || !Ipv4Address.TryParse(h.Ip.AsSpan(0, slash), out var ip)
                || !int.TryParse(h.Ip.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix > 32)
                throw new ScenarioException(path, At($"hosts.{h.Name}.ip"), $"expected an address with prefix such as \"10.0.1.1/24\", got \"{h.Ip}\"");
            if (!MacAddress.TryParse(h.Mac, out var mac)) throw new ScenarioException(path, At($"hosts.{h.Name}.mac"), $"expected xx:xx:xx:xx:xx:xx, got \"{h.Mac}\"");
            if (TutorialHostCommands.Parse(h, out var error) is null) throw new ScenarioException(path, At($"hosts.{h.Name}.commands") with { Path = "" }, error!);
            hosts.Add(new HostSpec(h.Name, ip, mac, prefix, Cores: 2, at));
        }
        var switches = lab.Switches.Select(s => new SwitchSpec(s.Name, "p4", null, null, At($"switches.{s.Name}"),
            program ?? s.Program, s.CliInput, s.RuntimeJson)).ToList();
        var links = lab.Links.Select((l, i) => new LinkSpec(End(l.A), End(l.B), l.LatencyNs, l.BitsPerSecond ?? 1_000_000_000, 1000, 0,
            At($"links[{i}]"))).ToList();
        var name = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(path))) is { Length: > 0 } dir ? dir : "p4-tutorial";
        return new ScenarioSpec(name, "a P4 tutorials lab", 1, 10_000_000_000L,
            new MeshSpec(Ipv4Address.Any, default, "responder"), hosts, switches, links, [],
            new IntentionsSpec("allow", []), [], null, [], path)
        { Tutorial = lab with { Switches = program is null ? lab.Switches : lab.Switches.Select(s => s with { Program = Path.GetFullPath(program) }).ToList() } };
    }

    /// <summary>"s1-p2" is port 2 of s1; anything else is a host.</summary>
    private static Endpoint End(string end)
    {
        int i = end.LastIndexOf("-p", StringComparison.Ordinal);
        return i > 0 && uint.TryParse(end.AsSpan(i + 2), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            ? new Endpoint(end[..i], port) : new Endpoint(end, null);
    }
}
