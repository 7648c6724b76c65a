using MeshSim.Control.Registry;
using MeshSim.Control.Topology;

namespace MeshSim.Control.Tests.Properties;

/// <summary>
/// A generated <see cref="MeshCase"/> in the form the P4 mesh program serves: the same topology,
/// placement, weights, health, upstream graph and intentions, but service i listens on one service
/// port (<see cref="ServicePort"/>) on all its instances and its clients bind that port, because the
/// program translates the virtual IP to an instance address and keeps the port. A host holds at
/// most one instance of a service (two could not listen on one port): later ones on the same host
/// are left out, keeping their ids' numbering.
/// </summary>
public static class P4MeshRegistry
{
    public static ushort ServicePort(int service) => (ushort)(20000 + service);

    public static ServiceRegistry Registry(MeshCase c, NetworkTopology t)
    {
        var services = c.Services.Select((s, si) => new Service(MeshCase.ServiceName(si),
            s.Instances.Select((inst, k) => (inst, k)).DistinctBy(x => x.inst.Host).Select(x =>
            {
                var h = t.Hosts.Single(y => y.Name == $"h{x.inst.Host}");
                return new ServiceInstance($"{MeshCase.ServiceName(si)}-{x.k}", h.Name, h.Ip, ServicePort(si), h.Mac, [], x.inst.Weight, x.inst.Health);
            }).ToArray(),
            s.Upstreams.Distinct().Select(u => new Upstream(MeshCase.ServiceName(u), ServicePort(u))).ToArray()));
        var generated = c.Registry(t);   // the case's own intentions, as MeshCase builds them
        return new ServiceRegistry(services, generated.Policy);
    }

    /// <summary>
    /// The oracle for refusals, computed from the registry alone: the P4 target must refuse exactly
    /// when two services with instances on hosts of one switch call one destination and the policy
    /// decides differently for them (the vip table matches the port, not the client).
    /// </summary>
    public static string? Conflict(ServiceRegistry registry, NetworkTopology t)
    {
        foreach (var sw in t.Switches)
        {
            var callers = registry.Services.Where(s => s.Instances.Any(i => t.FindHost(i.Node)!.Switch == sw.Name));
            foreach (var g in callers.SelectMany(s => s.Upstreams.Select(u => (Caller: s.Name, u.Destination))).GroupBy(x => x.Destination))
            {
                var decisions = g.Select(x => (x.Caller, Action: registry.Policy.Decide(x.Caller, x.Destination).Action)).ToArray();
                if (decisions.Select(d => d.Action).Distinct().Count() > 1)
                    return $"{sw.Name}: {g.Key} is {string.Join(", ", decisions.Select(d => $"{d.Action} for {d.Caller}"))}";
            }
        }
        return null;
    }
}
