using MeshSim.Control.Simulation;
using MeshSim.Control.Compiler;
using MeshSim.Control.P4;
using MeshSim.Control.Registry;
using MeshSim.Control.Samples;

namespace MeshSim.Control.Tests.P4;

/// <summary>The same registry, policy, topology and traffic once on OpenFlow switches and once on P4 switches.</summary>
public class OvsVersusP4Tests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Connections = 200, Requests = 3;

    /// <summary>
    /// The thesis lab (clients bind 9191/9340/9341/9567, instances listen on other ports) with product-api on three instances (weight 1 on
    /// H2, weight 3 on H3, a critical one on DB1) and public-api → payments denied; every binding opens
    /// 200 connections asking 3 times each.
    /// </summary>
    private static ServiceRegistry Registry()
    {
        var t = ThesisLab.Topology();
        var policy = new IntentionPolicy([new Intention("public-api", "payments", IntentionAction.Deny)], IntentionAction.Allow);
        var lab = ThesisLab.Registry(policy);
        ServiceInstance On(string id, string node, ushort weight, HealthStatus health) =>
            new(id, node, t.FindHost(node)!.Ip, 19572, t.FindHost(node)!.Mac, [], weight, health);
        var product = lab.Find("product-api")! with
        {
            Instances = [On("p-w1", "H2", 1, HealthStatus.Passing), On("p-w3", "H3", 3, HealthStatus.Passing), On("p-down", "DB1", 1, HealthStatus.Critical)],
        };
        return new ServiceRegistry(lab.Services.Select(s => s.Name == "product-api" ? product : s), policy);
    }

    [Fact]
    public void Both_switch_kinds_deliver_and_deny_the_same_connections_and_split_by_the_same_weights()
    {
        var reg = Registry();
        var ovs = MeshProbe.Run(MeshFabric.Build(SwitchKind.Ovs, reg, ThesisLab.Topology(), MeshOptions.ThesisLab, seed: 7), reg, MeshOptions.ThesisLab, Connections, Requests);
        var p4 = MeshProbe.Run(MeshFabric.Build(SwitchKind.P4, reg, ThesisLab.Topology(), MeshOptions.ThesisLab, seed: 7), reg, MeshOptions.ThesisLab, Connections, Requests);

        // Both are correct on their own: allowed connect, denied never, one instance per connection.
        Assert.Empty(MeshProbe.Check(ovs, reg, MeshOptions.ThesisLab, Requests));
        Assert.Empty(MeshProbe.Check(p4, reg, MeshOptions.ThesisLab, Requests));

        // Same bindings, same fate per connection: delivered (with every request answered) or refused.
        Assert.Equal(ovs.Select(o => (o.Pair.ToString(), o.Index)), p4.Select(o => (o.Pair.ToString(), o.Index)));
        Assert.Equal(ovs.Select(o => o.Established), p4.Select(o => o.Established));
        Assert.Equal(ovs.Select(o => o.Answers.Count(a => a is not null)), p4.Select(o => o.Answers.Count(a => a is not null)));
        Assert.Equal(6, ovs.Count / Connections);                          // H1: 9191, 9340, 9341; H2, H3, DB1 (product-api): 9567
        Assert.Equal(5 * Connections, ovs.Count(o => o.Established));
        Assert.Equal(Connections, p4.Count(o => !o.Established));          // public-api -> payments

        // Where only one instance can serve, both pick it; where several can, both follow the weights.
        foreach (var dest in new[] { "public-api", "postgres" })
            Assert.Equal(ovs.Where(o => o.Pair.Destination == dest).Select(o => o.ServedBy), p4.Where(o => o.Pair.Destination == dest).Select(o => o.ServedBy));
        var split = (Ovs: Split(ovs), P4: Split(p4));
        output.WriteLine("product-api split: OVS " + string.Join(",", split.Ovs.OrderBy(k => k.Key)) + " P4 " + string.Join(",", split.P4.OrderBy(k => k.Key)));
        foreach (var counts in new[] { split.Ovs, split.P4 })
        {
            Assert.False(counts.ContainsKey("p-down"));
            // Binomial 99.9% interval for p = 1/4 and 3/4 of 200: a correct selector passes with any seed.
            Assert.InRange(counts.GetValueOrDefault("p-w1"), 30, 72);
            Assert.InRange(counts.GetValueOrDefault("p-w3"), 128, 170);
        }
    }

    private static Dictionary<string, int> Split(IEnumerable<ConnectionOutcome> outcomes) =>
        outcomes.Where(o => o.Pair.Destination == "product-api").GroupBy(o => o.ServedBy ?? "none").ToDictionary(g => g.Key, g => g.Count());

    [Fact]
    public void The_same_update_under_load_keeps_connections_and_reroutes_on_both_switch_kinds()
    {
        // product-api -> postgres turns denied, the weight-3 instance turns critical, the critical one recovers.
        var before = Registry();
        var after = new ServiceRegistry(before.Services.Select(s => s.Name != "product-api" ? s : s with
        {
            Instances = s.Instances.Select(i => i.Id switch
            {
                "p-w3" => i with { Health = HealthStatus.Critical },
                "p-down" => i with { Health = HealthStatus.Passing },
                _ => i,
            }).ToArray(),
        }), new IntentionPolicy([new Intention("public-api", "payments", IntentionAction.Deny), new Intention("product-api", "postgres", IntentionAction.Deny)], IntentionAction.Allow));
        foreach (var kind in new[] { SwitchKind.Ovs, SwitchKind.P4 })
            Assert.Empty(MeshUpdateProbe.Check(kind, before, after, ThesisLab.Topology(), MeshOptions.ThesisLab, seed: 3));
    }
}
