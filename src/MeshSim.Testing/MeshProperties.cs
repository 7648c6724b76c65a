using FsCheck;
using FsCheck.Fluent;
using MeshSim.Control.Checking;
using MeshSim.Control.Compiler;
using MeshSim.Control.Registry;
using MeshSim.Control.Simulation;

namespace MeshSim.Testing;

/// <summary>One binding a packet-level property checked: a service's instance on a host calling an upstream through the virtual IP.</summary>
/// <param name="Source">The calling service.</param>
/// <param name="Host">The host the call leaves from (a binding is per host).</param>
/// <param name="Destination">The upstream service.</param>
/// <param name="Allowed">What the intentions decide for the pair.</param>
/// <param name="HasHealthyUpstream">Whether the upstream has an instance that takes new connections.</param>
public readonly record struct CheckedPair(string Source, string Host, string Destination, bool Allowed, bool HasHealthyUpstream);

/// <summary>
/// Ready-made FsCheck properties over generated meshes (<see cref="MeshGenerators"/>), and the
/// building block for your own: <see cref="PairsBehaveAs"/> runs the compiled mesh in the
/// simulator and compares every binding with what you expect of it. A failing property is
/// labelled with a scenario (docs/scenarios.md) whose <c>expect:</c> list says what the property
/// expected, so <c>meshsim run</c> on it fails the same way (exit 1).
/// </summary>
public static class MeshProperties
{
    /// <summary>Static properties of the compiled rules (determinism, round trip, bindings, intentions, load balancing, reachability); no simulation.</summary>
    public static Property CompiledRulesHold(MeshCase c)
    {
        var t = c.Topology();
        var failures = MeshChecker.Check(c.Registry(t), t, MeshCase.Options);
        return (failures.Count == 0).Label(string.Join("\n", failures));
    }

    /// <summary>
    /// Every allowed binding with a healthy upstream completes to the virtual IP and all its
    /// requests are answered by one and the same healthy instance (per-connection consistency);
    /// every denied binding, and every binding without a healthy upstream, never connects.
    /// </summary>
    public static Property AllowedPairsConnectAndDeniedPairsNeverDo(MeshCase c, SwitchKind kind = SwitchKind.Ovs, int connections = 1, int requests = 3)
    {
        var t = c.Topology();
        var registry = c.Registry(t);
        var fabric = MeshFabric.Build(kind, registry, t, MeshCase.Options);
        var outcomes = MeshProbe.Run(fabric, registry, MeshCase.Options, connections, requests);
        var failures = MeshProbe.Check(outcomes, registry, MeshCase.Options, requests);
        return Verdict(c, kind, registry, outcomes, p => p.Allowed && p.HasHealthyUpstream, failures.Select(f => f.ToString()));
    }

    /// <summary>
    /// Changing the registry under load (health, new instances, flipped intentions) never breaks an
    /// established connection to an instance that is still there, never delivers to a wrong host,
    /// and fresh connections follow the new registry.
    /// </summary>
    public static Property UpdatesKeepEstablishedConnections(MeshUpdate u, SwitchKind kind = SwitchKind.Ovs)
    {
        var t = u.Before.Topology();
        var failures = MeshUpdateProbe.Check(kind, u.Before.Registry(t), u.After.Registry(t), t, MeshCase.Options);
        return (failures.Count == 0).Label(string.Join("\n", failures));
    }

    /// <summary>
    /// Your own reachability property: runs the mesh on <paramref name="kind"/> switches, one
    /// connection per binding, and holds when each binding connects exactly when
    /// <paramref name="shouldConnect"/> says so.
    /// </summary>
    public static Property PairsBehaveAs(MeshCase c, Func<CheckedPair, bool> shouldConnect, SwitchKind kind = SwitchKind.Ovs)
    {
        var t = c.Topology();
        var registry = c.Registry(t);
        var outcomes = MeshProbe.Run(MeshFabric.Build(kind, registry, t, MeshCase.Options), registry, MeshCase.Options, connections: 1, requests: 1);
        var failures = outcomes
            .Where(o => o.Established != shouldConnect(Pair(o.Pair, registry)))
            .Select(o => $"{o.Pair}: {(o.Established ? "connected" : "did not connect")}, the property expected {(o.Established ? "no connection" : "a connection")}");
        return Verdict(c, kind, registry, outcomes, shouldConnect, failures);
    }

    private static CheckedPair Pair(PairBinding p, ServiceRegistry registry) =>
        new(p.Source, p.Host.Name, p.Destination, p.Allowed, registry.Find(p.Destination) is { } d && d.HealthyInstances.Any());

    private static Property Verdict(MeshCase c, SwitchKind kind, ServiceRegistry registry, IReadOnlyList<ConnectionOutcome> outcomes,
        Func<CheckedPair, bool> shouldConnect, IEnumerable<string> failures)
    {
        var list = failures.ToList();
        if (list.Count == 0) return true.ToProperty();
        return false.Label(string.Join("\n", list) + "\n\ncounterexample (save as cex.yaml; meshsim run cex.yaml fails the same way):\n"
            + Counterexample(c, kind, registry, outcomes.Select(o => o.Pair).Distinct(), shouldConnect));
    }

    /// <summary>The case as a scenario whose expectations are the property's: <c>reach</c> where it expects a connection, <c>deny</c> where not.</summary>
    public static string Counterexample(MeshCase c, SwitchKind kind, ServiceRegistry registry, IEnumerable<PairBinding> pairs, Func<CheckedPair, bool> shouldConnect)
    {
        var expect = pairs.Select(p => Pair(p, registry))
            .Select(p => $"{(shouldConnect(p) ? "reach" : "deny")}: {p.Source}@{p.Host} -> {p.Destination}")
            .Distinct().ToList();
        return ScenarioText.Describe(registry, c.Topology(), MeshCase.Options, "counterexample", kind, expect);
    }
}
