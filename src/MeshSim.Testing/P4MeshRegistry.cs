using MeshSim.Control.Registry;
using MeshSim.Control.Topology;

namespace MeshSim.Testing;

/// <summary>
/// The oracle for the P4 target's refusals on generated meshes (which run on P4 switches as
/// generated: bind ports per caller and destination, instances on their own ports).
/// </summary>
public static class P4MeshRegistry
{
    /// <summary>
    /// Computed from the registry alone, the P4 target must refuse exactly when:
    /// <list type="bullet">
    /// <item>two bindings of one host give one bind port two meanings (destination or decision): the
    /// switch sees the host, not the service (the OpenFlow target refuses this too). Hosts on one switch
    /// may disagree: the <c>vip</c> table matches the client's address;</item>
    /// <item>one host has allowed bindings with two bind ports for one destination: <c>rev</c> restores
    /// the virtual port by instance and client address, not per connection.</item>
    /// </list>
    /// </summary>
    public static string? Conflict(ServiceRegistry registry, NetworkTopology t)
    {
        var bindings = registry.Services
            .SelectMany(s => s.Instances.Select(i => t.FindHost(i.Node)!).DistinctBy(h => h.Name)
                .SelectMany(h => s.Upstreams.Select(u => (Host: h, Caller: s.Name, Port: u.LocalBindPort, u.Destination,
                    Allowed: registry.Policy.Decide(s.Name, u.Destination).Action == IntentionAction.Allow))))
            .ToArray();
        foreach (var g in bindings.GroupBy(b => (b.Host.Name, b.Port)))
            if (g.Select(b => (b.Destination, b.Allowed)).Distinct().Count() > 1)
                return $"{g.Key.Name}: port {g.Key.Port} is {string.Join(", ", g.Select(b => $"{b.Destination} {(b.Allowed ? "allowed" : "denied")} for {b.Caller}@{b.Host.Name}"))}";
        foreach (var g in bindings.Where(b => b.Allowed).GroupBy(b => (b.Host.Name, b.Destination)))
            if (g.Select(b => b.Port).Distinct().Count() > 1)
                return $"{g.Key.Name}: {g.Key.Destination} bound on ports {string.Join(", ", g.Select(b => $"{b.Port} by {b.Caller}"))}";
        return null;
    }
}
