using MeshSim.Control.Compiler;
using MeshSim.Control.Registry;
using MeshSim.Control.Rules;
using MeshSim.Control.Samples;

namespace MeshSim.Control.Tests.RealOvs;

/// <summary>
/// The thesis lab on a real Open vSwitch (userspace datapath): the compiled rules are loaded with
/// ovs-ofctl, hosts are network namespaces, services are python http.servers, clients are curl.
/// The registry is the thesis' plus a second product-api instance (on H3, so load balancing is
/// visible) and one deny intention (public-api → payments).
/// </summary>
public sealed class ThesisLabFixture : IDisposable
{
    public ServiceRegistry Registry { get; }
    public CompileResult Compiled { get; }
    internal NamespaceLab Lab { get; }
    public string OutDir { get; } = Directory.CreateTempSubdirectory("mse2e-rules-").FullName;

    public ThesisLabFixture()
    {
        var thesis = ThesisLab.Registry();
        var h3 = ThesisLab.Topology().FindHost("H3")!;
        var services = thesis.Services.Select(s => s.Name != "product-api" ? s
            : s with { Instances = [.. s.Instances, new ServiceInstance("product-api-2", "H3", h3.Ip, 19573, h3.Mac, ["version=v2"])] });
        Registry = new ServiceRegistry(services, new IntentionPolicy([new Intention("public-api", "payments", IntentionAction.Deny)], IntentionAction.Allow));
        Compiled = MeshCompiler.Compile(Registry, ThesisLab.Topology(), MeshOptions.ThesisLab);
        Lab = NamespaceLab.Start(ThesisLab.Topology(), "mse2e-", lab =>
        {
            lab.Load(Compiled, OutDir);
            lab.ServeAll(Registry);
        });
    }

    public void Dispose()
    {
        Lab.Dispose();
        Directory.Delete(OutDir, recursive: true);
    }
}

/// <summary>Real-OVS tests share one vswitchd (and, on the netdev datapath, one conntrack table), so they run one class at a time.</summary>
[CollectionDefinition("real-ovs", DisableParallelization = true)]
public sealed class RealOvsCollection;

[Collection("real-ovs")]
public sealed class ThesisLabOnRealOvsTests(ThesisLabFixture f) : IClassFixture<ThesisLabFixture>
{
    private static readonly string Vip = MeshOptions.ThesisLab.VirtualIp.ToString();

    private PairBinding Pair(string source, string destination, string? host = null) =>
        f.Compiled.Pairs.Single(p => p.Source == source && p.Destination == destination && (host is null || p.Host.Name == host));

    [Fact]
    public void Every_allowed_pair_reaches_an_instance_of_its_upstream_through_the_virtual_ip()
    {
        var allowed = f.Compiled.Pairs.Where(p => p.Allowed).ToArray();
        // frontend→public-api (same host), public-api→product-api, product-api→postgres from H2 and from H3.
        Assert.Equal(4, allowed.Length);
        foreach (var p in allowed)
        {
            var (code, body) = f.Lab.Curl(p.Host.Name, $"http://{Vip}:{p.Port}/");
            var ids = f.Registry.Find(p.Destination)!.Instances.Select(i => i.Id).ToArray();
            Assert.True(code == 200 && ids.Contains(body), $"{p}: HTTP {code}, body '{body}', expected one of {string.Join(",", ids)}\n{f.Lab.DumpFlows(p.Host.Switch)}");
        }
    }

    [Fact]
    public void Same_host_pair_works_the_thesis_rules_could_not()
    {
        var p = Pair("frontend", "public-api");
        Assert.Equal(p.Host.Name, f.Registry.Find("public-api")!.Instances.Single().Node);
        var (code, body) = f.Lab.Curl("H1", $"http://{Vip}:{p.Port}/");
        Assert.Equal((200, "public-api-1"), (code, body));
    }

    [Fact]
    public void Denied_pair_fails_and_its_drop_counter_moves()
    {
        var p = Pair("public-api", "payments");
        Assert.False(p.Allowed);
        var before = f.Lab.PacketsWithCookie("s1", p.Cookie);
        var (code, _) = f.Lab.Curl("H1", $"http://{Vip}:{p.Port}/", timeoutSeconds: 2);
        Assert.Equal(0, code);
        Assert.True(f.Lab.PacketsWithCookie("s1", p.Cookie) > before, "the deny flow did not count the SYN");
    }

    [Fact]
    public void Allowed_pair_counter_counts_new_connections_and_load_spreads_over_instances()
    {
        var p = Pair("public-api", "product-api");
        var before = f.Lab.PacketsWithCookie("s1", p.Cookie);
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        const int connections = 24;
        for (int i = 0; i < connections; i++)
        {
            var (code, body) = f.Lab.Curl("H1", $"http://{Vip}:{p.Port}/");
            Assert.Equal(200, code);
            seen.Add(body);
        }
        // One new-connection packet (the SYN) per connection hits the pair flow; later packets are +est.
        Assert.Equal(connections, f.Lab.PacketsWithCookie("s1", p.Cookie) - before);
        // Two equal buckets, 24 connections with fresh source ports: all on one bucket has probability 2^-23.
        Assert.Equal(["product-api-1", "product-api-2"], seen);
    }

    [Fact]
    public void Virtual_ip_is_resolved_by_the_arp_responder_flow()
    {
        f.Lab.Curl("H2", $"http://{Vip}:{Pair("product-api", "postgres", "H2").Port}/");
        Assert.Equal(MeshOptions.ThesisLab.VirtualMac.ToString(), f.Lab.Neighbour("H2", Vip));
        Assert.True(f.Lab.PacketsWithCookie("s1", Cookies.Arp("vip")) > 0);
    }

    [Fact]
    public void A_health_change_applied_as_a_diff_moves_new_connections_off_the_instance()
    {
        var p = Pair("public-api", "product-api");
        var critical = new ServiceRegistry(f.Registry.Services.Select(s => s.Name != "product-api" ? s
            : s with { Instances = s.Instances.Select(i => i.Id == "product-api-2" ? i with { Health = HealthStatus.Critical } : i).ToArray() }), f.Registry.Policy);
        var after = MeshCompiler.Compile(critical, ThesisLab.Topology(), MeshOptions.ThesisLab);
        var diff = RuleSetDiff.Compute(f.Compiled.For("s1"), after.For("s1"));
        Assert.Equal(1, diff.Count); // one group-mod, no flow touched
        try
        {
            f.Lab.Apply(diff, f.OutDir);
            Assert.Equal((after.For("s1").Flows.Count, after.For("s1").Groups.Count), f.Lab.Counts("s1"));
            for (int i = 0; i < 12; i++)
                Assert.Equal((200, "product-api-1"), f.Lab.Curl("H1", $"http://{Vip}:{p.Port}/"));
        }
        finally
        {
            f.Lab.Apply(RuleSetDiff.Compute(after.For("s1"), f.Compiled.For("s1")), f.OutDir);
        }
    }
}
