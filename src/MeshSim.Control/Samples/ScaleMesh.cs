using MeshSim.Control.Registry;
using MeshSim.Control.Topology;
using MeshSim.Wire;

namespace MeshSim.Control.Samples;

/// <summary>
/// A synthetic mesh for scaling measurements: <c>services</c> services with <c>instances</c>
/// instances and <c>upstreams</c> upstreams each, on <c>switches</c> switches in a full mesh with
/// <c>hostsPerSwitch</c> hosts each (host-level attachment, so many services share a host).
/// Instance k of service i runs on host (i·instances + k) mod hosts; service i calls services
/// i+1 … i+upstreams (mod services); the bind port of an upstream is 1024 + the callee's index,
/// so services sharing a host agree on every port.
/// </summary>
public static class ScaleMesh
{
    /// <summary>The topology: full mesh of <paramref name="switches"/> switches, hosts 10.x.y.z.</summary>
    public static NetworkTopology Topology(int switches, int hostsPerSwitch)
    {
        var sw = Enumerable.Range(0, switches).Select(i => new SwitchNode($"s{i:D2}", (ushort)(i + 1))).ToArray();
        var hosts = new List<HostAttachment>();
        for (int s = 0; s < switches; s++)
            for (int h = 0; h < hostsPerSwitch; h++)
            {
                int n = s * hostsPerSwitch + h;
                hosts.Add(new HostAttachment($"h{n:D4}", new Ipv4Address(0x0A00_0001u + (uint)n), new MacAddress(0x0200_0000_0001UL + (ulong)n), sw[s].Name, (uint)(h + 1)));
            }
        return new NetworkTopology(sw, hosts, TopologyShapes.FullMesh(sw, 1000));
    }

    /// <summary>The registry (default allow, no intentions).</summary>
    public static ServiceRegistry Registry(NetworkTopology t, int services, int instances, int upstreams)
    {
        if (services > 60_000) throw new ArgumentOutOfRangeException(nameof(services), "bind ports are 1024 + callee index");
        var hosts = t.Hosts;
        var list = new Service[services];
        for (int i = 0; i < services; i++)
        {
            var inst = new ServiceInstance[instances];
            for (int k = 0; k < instances; k++)
            {
                int slot = i * instances + k;
                var h = hosts[slot % hosts.Count];
                // Ports unique per host: the n-th instance placed on a host listens on 20000 + n.
                inst[k] = new ServiceInstance($"svc{i:D5}-{k}", h.Name, h.Ip, (ushort)(20000 + (slot / hosts.Count) % 40000), h.Mac, []);
            }
            var ups = Enumerable.Range(1, Math.Min(upstreams, services - 1))
                .Select(d => (i + d) % services).Select(d => new Upstream(Name(d), (ushort)(1024 + d))).ToArray();
            list[i] = new Service(Name(i), inst, ups);
        }
        return new ServiceRegistry(list);
    }

    /// <summary>The name of service <paramref name="i"/>.</summary>
    public static string Name(int i) => $"svc{i:D5}";
}
