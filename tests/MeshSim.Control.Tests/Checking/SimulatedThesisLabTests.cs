using MeshSim.Control.Simulation;
using MeshSim.Control.Compiler;
using MeshSim.Control.P4;
using MeshSim.Control.Registry;
using MeshSim.Control.Samples;

namespace MeshSim.Control.Tests.Checking;

public class SimulatedThesisLabTests
{
    /// <summary>The thesis lab's compiled OpenFlow rules in the simulator: one request per connection.</summary>
    internal static IReadOnlyList<ConnectionOutcome> Run(ServiceRegistry registry, MeshSim.Control.Topology.NetworkTopology topology, ulong seed = 1, int connections = 1) =>
        MeshProbe.Run(MeshFabric.Build(SwitchKind.Ovs, registry, topology, MeshOptions.ThesisLab, seed), registry, MeshOptions.ThesisLab, connections, requests: 1);

    [Fact]
    public void Every_thesis_pair_connects_through_the_virtual_ip_in_the_simulator()
    {
        var outcomes = Run(ThesisLab.Registry(), ThesisLab.Topology());
        Assert.All(outcomes, o => Assert.True(o.Established && o.ServedBy is not null, o.ToString()));
        Assert.Empty(MeshProbe.Check(outcomes, ThesisLab.Registry(), MeshOptions.ThesisLab, requests: 1));
    }

    [Fact]
    public void A_denied_pair_never_connects_in_the_simulator()
    {
        var policy = new IntentionPolicy([new Intention("public-api", "payments", IntentionAction.Deny)], IntentionAction.Allow);
        var outcomes = Run(ThesisLab.Registry(policy), ThesisLab.Topology());
        var denied = Assert.Single(outcomes, o => !o.Pair.Allowed);
        Assert.False(denied.Established);
        Assert.Equal(3, outcomes.Count(o => o.Established));
    }
}

public class SimulatedLoadBalancingTests
{
    [Fact]
    public void Connections_spread_over_healthy_instances_by_weight()
    {
        // product-api gets three instances: weights 1 and 3, and one critical. 200 connections from
        // H1 (fixed seed, so the counts are exact and the test cannot flake); the bounds are the
        // binomial 99.9% interval for p = 1/4 and 3/4, so a correct select group passes with any seed.
        var t = ThesisLab.Topology();
        var (h2, h3) = (t.FindHost("H2")!, t.FindHost("H3")!);
        var reg = ThesisLab.Registry();
        var product = reg.Find("product-api")! with
        {
            Instances =
            [
                new ServiceInstance("p-w1", "H2", h2.Ip, 19572, h2.Mac, [], Weight: 1),
                new ServiceInstance("p-w3", "H3", h3.Ip, 19573, h3.Mac, [], Weight: 3),
                new ServiceInstance("p-down", "H3", h3.Ip, 19574, h3.Mac, [], Health: HealthStatus.Critical),
            ],
        };
        reg = new ServiceRegistry(reg.Services.Select(s => s.Name == "product-api" ? product : s));
        var outcomes = SimulatedThesisLabTests.Run(reg, t, seed: 7, connections: 200)
            .Where(o => o.Pair.Destination == "product-api").ToArray();
        Assert.Equal(200, outcomes.Length);
        Assert.All(outcomes, o => Assert.True(o.Established, o.ToString()));
        var counts = outcomes.GroupBy(o => o.ServedBy ?? "none").ToDictionary(g => g.Key, g => g.Count());
        Assert.False(counts.ContainsKey("p-down"));
        Assert.False(counts.ContainsKey("none"));
        Assert.InRange(counts.GetValueOrDefault("p-w1"), 30, 72);
        Assert.InRange(counts.GetValueOrDefault("p-w3"), 128, 170);
    }
}
