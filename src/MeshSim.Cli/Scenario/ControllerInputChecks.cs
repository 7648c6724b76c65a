namespace MeshSim.Cli.Scenario;

/// <summary>
/// What the controller's registry and topology would refuse, checked on the scenario first so the error
/// points at the line that causes it: two attached hosts with one address or MAC, two intentions for one
/// pair, two upstreams of a service on one local port. A scenario with these still loads (tools read and
/// rewrite it); it only cannot be built into a mesh.
/// </summary>
internal static class ControllerInputChecks
{
    /// <summary>Hosts the topology will hold (those linked to a switch) have distinct unicast addresses.</summary>
    public static void Hosts(ScenarioSpec s, IEnumerable<string> attached)
    {
        var names = attached.ToHashSet(StringComparer.Ordinal);
        var ips = new Dictionary<Wire.Ipv4Address, string>();
        var macs = new Dictionary<Wire.MacAddress, string>();
        foreach (var h in s.Hosts.Where(h => names.Contains(h.Name)))
        {
            if (!ips.TryAdd(h.Ip, h.Name)) throw Error(s, h.IpAt.Or(h.At), $"address {h.Ip} of '{h.Name}' is used by host '{ips[h.Ip]}' too");
            if (h.Mac.IsMulticast) throw Error(s, h.MacAt.Or(h.At), $"MAC {h.Mac} of '{h.Name}' is a group (multicast) address; a host needs a unicast one");
            if (!macs.TryAdd(h.Mac, h.Name)) throw Error(s, h.MacAt.Or(h.At), $"MAC {h.Mac} of '{h.Name}' is used by host '{macs[h.Mac]}' too");
        }
    }

    /// <summary>One intention per pair, and one upstream per local bind port within a service.</summary>
    public static void Registry(ScenarioSpec s)
    {
        foreach (var svc in s.Services)
        {
            var ports = new Dictionary<ushort, string>();
            foreach (var (up, port) in svc.Upstreams)
                if (!ports.TryAdd(port, up))
                    throw Error(s, svc.UpstreamsAt.GetValueOrDefault(up).Or(svc.At), $"upstreams '{ports[port]}' and '{up}' of '{svc.Name}' both bind local port {port}");
        }
        var pairs = new Dictionary<(string, string), Position>();
        foreach (var i in s.Intentions.Rules)
            if (!pairs.TryAdd((i.Source, i.Destination), i.At))
                throw Error(s, i.At, $"a second intention for {i.Source} -> {i.Destination} (the first is at line {pairs[(i.Source, i.Destination)].Line}); Consul keeps one per pair");
    }

    private static ScenarioException Error(ScenarioSpec s, Position at, string message) => new(s.SourcePath, at, message);
}
