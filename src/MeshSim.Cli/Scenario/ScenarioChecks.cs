using MeshSim.Cli.Usage;

namespace MeshSim.Cli.Scenario;

/// <summary>Cross-reference checks over a bound scenario: names are unique, links and instances
/// point at nodes that exist, upstreams name services, traffic starts somewhere real. Each error
/// points at the reference itself (the misspelt name), not at the item holding it, and offers the
/// nearest known name.</summary>
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
            foreach (var (end, at) in new[] { (l.A, l.AAt.Or(l.At)), (l.B, l.BAt.Or(l.At)) })
            {
                if (!nodes.ContainsKey(end.Node)) throw Error(s, at, $"link end '{end}' names no host or switch{Hint(end.Node, nodes.Keys)}");
                if (end.Port is { } p && !used.Add((end.Node, p))) throw Error(s, at, $"port {end} is used by two links");
            }
        }

        var services = new Dictionary<string, Position>(StringComparer.Ordinal);
        foreach (var svc in s.Services) Unique(s, services, svc.Name, svc.At, "service");
        var hostNames = s.Hosts.Select(h => h.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var svc in s.Services)
        {
            foreach (var inst in svc.Instances)
                if (!hostNames.Contains(inst.Host))
                    throw Error(s, inst.HostAt.Or(inst.At), $"instance host '{inst.Host}' is not a host{Hint(inst.Host, hostNames)}");
            foreach (var up in svc.Upstreams.Keys)
                if (!services.ContainsKey(up))
                    throw Error(s, svc.UpstreamsAt.GetValueOrDefault(up).Or(svc.At), $"upstream '{up}' of '{svc.Name}' is not a service{Hint(up, services.Keys)}");
        }
        foreach (var i in s.Intentions.Rules)
            foreach (var (name, at) in new[] { (i.Source, i.SourceAt.Or(i.At)), (i.Destination, i.DestinationAt.Or(i.At)) })
                if (name != "*" && !services.ContainsKey(name)) throw Error(s, at, $"intention names unknown service '{name}'{Hint(name, services.Keys)}");
        foreach (var t in s.Traffic)
            if (!services.ContainsKey(t.From) && !hostNames.Contains(t.From))
                throw Error(s, t.FromAt.Or(t.At), $"traffic source '{t.From}' is neither a service nor a host{Hint(t.From, services.Keys.Concat(hostNames))}");
    }

    private static void Unique(ScenarioSpec s, Dictionary<string, Position> seen, string name, Position at, string what)
    {
        if (seen.TryGetValue(name, out var first)) throw Error(s, at, $"duplicate {what} name '{name}' (first defined at line {first.Line})");
        seen[name] = at;
    }

    /// <summary>"; did you mean 'x'?" when a known name is close to <paramref name="name"/>, else the known names.</summary>
    internal static string Hint(string name, IEnumerable<string> known)
    {
        var names = known.ToList();
        return Suggestions.Closest(name, names) is { } best ? $"; did you mean '{best}'?" : $" (known: {(names.Count == 0 ? "none" : Known(names))})";
    }

    private static string Known(IEnumerable<string> names) => string.Join(", ", names.Order(StringComparer.Ordinal));

    private static ScenarioException Error(ScenarioSpec s, Position at, string message) => new(s.SourcePath, at, message);
}
