namespace MeshSim.Cli.Scenario;

/// <summary>Cross-reference checks over a bound scenario: names are unique, links and instances
/// point at nodes that exist, upstreams name services, traffic starts somewhere real.</summary>
internal static class ScenarioChecks
{
    public static void Validate(ScenarioSpec s)
    {
        var nodes = new Dictionary<string, Position>(StringComparer.Ordinal);
        foreach (var h in s.Hosts) Unique(s, nodes, h.Name, h.At, "node");
        foreach (var sw in s.Switches) Unique(s, nodes, sw.Name, sw.At, "node");

        var used = new HashSet<(string, uint)>();
        foreach (var l in s.Links)
        {
            foreach (var end in new[] { l.A, l.B })
            {
                if (!nodes.ContainsKey(end.Node)) throw Error(s, l.At, $"link end '{end}' names no host or switch (known: {Known(nodes.Keys)})");
                if (end.Port is { } p && !used.Add((end.Node, p))) throw Error(s, l.At, $"port {end} is used by two links");
            }
        }

        var services = new Dictionary<string, Position>(StringComparer.Ordinal);
        foreach (var svc in s.Services) Unique(s, services, svc.Name, svc.At, "service");
        var hostNames = s.Hosts.Select(h => h.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var svc in s.Services)
        {
            foreach (var inst in svc.Instances)
                if (!hostNames.Contains(inst.Host)) throw Error(s, inst.At, $"instance host '{inst.Host}' is not a host (known: {Known(hostNames)})");
            foreach (var up in svc.Upstreams.Keys)
                if (!services.ContainsKey(up)) throw Error(s, svc.At, $"upstream '{up}' of '{svc.Name}' is not a service (known: {Known(services.Keys)})");
        }
        foreach (var i in s.Intentions.Rules)
            foreach (var name in new[] { i.Source, i.Destination })
                if (name != "*" && !services.ContainsKey(name)) throw Error(s, i.At, $"intention names unknown service '{name}'");
        foreach (var t in s.Traffic)
            if (!services.ContainsKey(t.From) && !hostNames.Contains(t.From)) throw Error(s, t.At, $"traffic source '{t.From}' is neither a service nor a host");
    }

    private static void Unique(ScenarioSpec s, Dictionary<string, Position> seen, string name, Position at, string what)
    {
        if (seen.TryGetValue(name, out var first)) throw Error(s, at, $"duplicate {what} name '{name}' (first defined at line {first.Line})");
        seen[name] = at;
    }

    private static string Known(IEnumerable<string> names) => string.Join(", ", names.Order(StringComparer.Ordinal));

    private static ScenarioException Error(ScenarioSpec s, Position at, string message) => new(s.SourcePath, at, message);
}
