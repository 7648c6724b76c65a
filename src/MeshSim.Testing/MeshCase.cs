using MeshSim.Control.Checking;
using MeshSim.Control.Compiler;
using MeshSim.Control.Registry;
using MeshSim.Control.Topology;
using MeshSim.Wire;

namespace MeshSim.Testing;

/// <summary>A generated instance: which host it is on, its port, weight and health.</summary>
public sealed record GeneratedInstance(int Host, ushort Port, ushort Weight, HealthStatus Health);

/// <summary>A generated service: its instances and the indices of the services it calls.</summary>
public sealed record GeneratedService(IReadOnlyList<GeneratedInstance> Instances, IReadOnlyList<int> Upstreams);

/// <summary>A generated intention; -1 is the wildcard.</summary>
public sealed record GeneratedIntention(int Source, int Destination, bool Allow);

/// <summary>
/// A generated mesh, kept as plain indices so that shrinking can drop services, instances and
/// intentions and still build a valid registry. <see cref="ToString"/> prints the scenario, which
/// is what FsCheck shows for a (shrunk) counterexample.
/// </summary>
public sealed record MeshCase(bool FullMesh, int Switches, IReadOnlyList<int> HostSwitch, IReadOnlyList<GeneratedService> Services,
    IReadOnlyList<GeneratedIntention> Intentions, bool DefaultAllow)
{
    public static readonly MeshOptions Options = new(Ipv4Address.Parse("10.255.255.250"), MacAddress.Parse("02:00:00:00:ff:fa"));

    public NetworkTopology Topology()
    {
        var switches = Enumerable.Range(0, Switches).Select(i => new SwitchNode($"s{i}", (ushort)(i + 1))).ToArray();
        var nextPort = new int[Switches];
        var hosts = HostSwitch.Select((sw, i) => new HostAttachment($"h{i}", new Ipv4Address(0x0A000001u + (uint)i),
            new MacAddress(0x0200_0000_0001UL + (ulong)i), $"s{sw}", (uint)++nextPort[sw])).ToArray();
        var links = FullMesh ? TopologyShapes.FullMesh(switches, 1000) : TopologyShapes.Tree(switches, 2, 1000);
        return new NetworkTopology(switches, hosts, links);
    }

    public static string ServiceName(int i) => $"svc{i}";

    /// <summary>Bind ports are unique per (caller, callee), so services sharing a host never conflict.</summary>
    public static ushort BindPort(int source, int destination) => (ushort)(10000 + source * 100 + destination);

    public ServiceRegistry Registry(NetworkTopology t)
    {
        var services = Services.Select((s, si) => new Service(ServiceName(si),
            s.Instances.Select((inst, k) =>
            {
                var h = t.Hosts.Single(x => x.Name == $"h{inst.Host}");
                return new ServiceInstance($"{ServiceName(si)}-{k}", h.Name, h.Ip, inst.Port, h.Mac, [], inst.Weight, inst.Health);
            }).ToArray(),
            s.Upstreams.Distinct().Select(u => new Upstream(ServiceName(u), BindPort(si, u))).ToArray()));
        var intentions = Intentions
            .Select(i => new Intention(i.Source < 0 ? "*" : ServiceName(i.Source), i.Destination < 0 ? "*" : ServiceName(i.Destination),
                i.Allow ? IntentionAction.Allow : IntentionAction.Deny))
            .DistinctBy(i => (i.Source, i.Destination));
        return new ServiceRegistry(services, new IntentionPolicy(intentions, DefaultAllow ? IntentionAction.Allow : IntentionAction.Deny));
    }

    public override string ToString()
    {
        var t = Topology();
        return "\n" + ScenarioText.Describe(Registry(t), t, Options);
    }
}
