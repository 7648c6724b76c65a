using MeshSim.Control.Compiler;
using MeshSim.Control.Registry;
using MeshSim.Control.Topology;

namespace MeshSim.Cli.Scenario;

/// <summary>Turns a scenario into the controller's inputs: the registry snapshot, the switch topology
/// (which host sits on which switch port, which switches are linked) and the mesh options.</summary>
public static class ScenarioModels
{
    /// <summary>Port numbers as they will be built: an end without ":port" takes its node's next free number, in link order.</summary>
    public static IReadOnlyList<(LinkSpec Link, uint PortA, uint PortB)> NumberPorts(ScenarioSpec s)
    {
        var used = new Dictionary<string, HashSet<uint>>(StringComparer.Ordinal);
        foreach (var l in s.Links)
            foreach (var e in new[] { l.A, l.B })
                if (e.Port is { } p) Set(used, e.Node).Add(p);
        uint Take(Endpoint e)
        {
            if (e.Port is { } p) return p;
            var set = Set(used, e.Node);
            uint n = s.Hosts.Any(h => h.Name == e.Node) ? 0u : 1u;   // hosts count eth0, eth1, ...; switch ports start at 1
            while (set.Contains(n)) n++;
            set.Add(n);
            return n;
        }
        return s.Links.Select(l => (l, Take(l.A), Take(l.B))).ToList();
    }

    /// <summary>The switch topology; a host must be linked to exactly one switch.</summary>
    public static NetworkTopology Topology(ScenarioSpec s)
    {
        var switchNames = s.Switches.Select(x => x.Name).ToHashSet(StringComparer.Ordinal);
        var hostsByName = s.Hosts.ToDictionary(h => h.Name, StringComparer.Ordinal);
        var attachments = new List<HostAttachment>();
        var links = new List<SwitchLink>();
        foreach (var (link, pa, pb) in NumberPorts(s))
        {
            bool aSwitch = switchNames.Contains(link.A.Node), bSwitch = switchNames.Contains(link.B.Node);
            if (aSwitch && bSwitch) links.Add(new SwitchLink(link.A.Node, pa, link.B.Node, pb, LinkKind.Ethernet));
            else if (aSwitch || bSwitch)
            {
                var (host, sw, port) = aSwitch ? (hostsByName[link.B.Node], link.A.Node, pa) : (hostsByName[link.A.Node], link.B.Node, pb);
                if (attachments.Any(a => a.Name == host.Name))
                    throw new ScenarioException(s.SourcePath, link.At, $"host '{host.Name}' is linked to two switches; MeshSim hosts have one mesh interface");
                attachments.Add(new HostAttachment(host.Name, host.Ip, host.Mac, sw, port));
            }
            else throw new ScenarioException(s.SourcePath, link.At, "a link between two hosts bypasses the mesh; link hosts to switches");
        }
        ControllerInputChecks.Hosts(s, attachments.Select(a => a.Name));
        var ids = s.Switches.Select((sw, i) => new SwitchNode(sw.Name, (ushort)(i + 1)));
        return Wrap(s, () => new NetworkTopology(ids, attachments, links));
    }

    /// <summary>The registry snapshot: one instance id per (service, index), addresses taken from the hosts.</summary>
    public static ServiceRegistry Registry(ScenarioSpec s)
    {
        ControllerInputChecks.Registry(s);
        var hosts = s.Hosts.ToDictionary(h => h.Name, StringComparer.Ordinal);
        var services = s.Services.Select(svc => new Service(
            svc.Name,
            svc.Instances.Select((i, n) => new ServiceInstance(
                $"{svc.Name}-{n + 1}", i.Host, hosts[i.Host].Ip, i.Port, hosts[i.Host].Mac, i.Tags,
                (ushort)Math.Min(i.Weight, ushort.MaxValue), i.Healthy ? HealthStatus.Passing : HealthStatus.Critical)).ToList(),
            svc.Upstreams.Select(u => new Upstream(u.Key, u.Value)).ToList()));
        var policy = Wrap(s, () => new IntentionPolicy(
            s.Intentions.Rules.Select(r => new Intention(r.Source, r.Destination, r.Action == "allow" ? IntentionAction.Allow : IntentionAction.Deny)),
            s.Intentions.Default == "allow" ? IntentionAction.Allow : IntentionAction.Deny));
        return Wrap(s, () => new ServiceRegistry(services, policy));
    }

    /// <summary>The compiler's mesh-wide options.</summary>
    public static MeshOptions Options(ScenarioSpec s) =>
        new(s.Mesh.VirtualIp, s.Mesh.VirtualMac, s.Mesh.Arp == "static" ? ArpMode.Static : ArpMode.Responder);

    private static HashSet<uint> Set(Dictionary<string, HashSet<uint>> d, string key) =>
        d.TryGetValue(key, out var v) ? v : d[key] = new HashSet<uint>();

    private static T Wrap<T>(ScenarioSpec s, Func<T> build)
    {
        try { return build(); }
        catch (RegistryException ex) { throw new ScenarioException(s.SourcePath, RegistryErrorPosition.Locate(s, ex.Message), ex.Message); }
    }
}
