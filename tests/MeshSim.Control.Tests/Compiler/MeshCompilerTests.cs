using MeshSim.Control.Compiler;
using MeshSim.Control.Registry;
using MeshSim.Control.Rules;
using MeshSim.Control.Samples;
using MeshSim.Ovs;

namespace MeshSim.Control.Tests.Compiler;

public class MeshCompilerTests
{
    private static CompileResult Lab(IntentionPolicy? policy = null, MeshOptions? o = null) =>
        MeshCompiler.Compile(ThesisLab.Registry(policy), ThesisLab.Topology(), o ?? MeshOptions.ThesisLab);

    private static string Text(RuleSet rs) => RuleText.FormatFlows(rs);

    [Fact]
    public void Appendix_a_pairs_become_pair_flows_on_the_first_hop_switch_only()
    {
        var r = Lab();
        var s1 = Text(r.For("s1"));
        // The four bindings of appendix A, each matched on the client's port and address.
        Assert.Contains("tcp,in_port=1,ct_state=+new-inv+trk,nw_src=192.168.1.11,tp_dst=9191,actions=group:", s1);
        Assert.Contains("tcp,in_port=1,ct_state=+new-inv+trk,nw_src=192.168.1.11,tp_dst=9340,actions=group:", s1);
        Assert.Contains("tcp,in_port=1,ct_state=+new-inv+trk,nw_src=192.168.1.11,tp_dst=9341,actions=group:", s1);
        Assert.Contains("tcp,in_port=2,ct_state=+new-inv+trk,nw_src=192.168.1.12,tp_dst=9567,actions=group:", s1);
        Assert.DoesNotContain("tp_dst=9", Text(r.For("s2"))); // s2 has no clients: it only forwards
        Assert.Empty(r.For("s2").Groups);
        // NAT targets as in appendix A, in s1's DNAT zone (2 = 2 * id 1).
        var groups = RuleText.FormatGroups(r.For("s1"));
        foreach (var target in new[] { "192.168.1.11:20863", "192.168.1.13:13427", "192.168.1.12:19572", "192.168.1.21:5432" })
            Assert.Contains($"actions=ct(commit,table=3,zone=2,nat(dst={target}))", groups);
    }

    [Fact]
    public void Same_host_connections_are_also_source_natted_to_the_virtual_ip()
    {
        var s1 = Text(Lab().For("s1"));
        Assert.Contains("table=3,priority=100,cookie=0x30000008feb83b2,ip,nw_src=192.168.1.11,nw_dst=192.168.1.11,actions=mod_dl_src:02:00:00:00:00:fa,ct(commit,table=4,zone=3,nat(src=192.168.1.250))", s1);
        Assert.Contains("table=6,priority=200,cookie=0x30000008feb83b2,in_port=1,dl_dst=00:00:00:00:00:01,actions=in_port", s1);
    }

    [Fact]
    public void Denied_pair_drops_under_its_own_cookie()
    {
        var r = Lab(new IntentionPolicy([new Intention("*", "postgres", IntentionAction.Deny)], IntentionAction.Allow));
        var p = r.Pairs.Single(p => p.Destination == "postgres");
        Assert.False(p.Allowed);
        Assert.Equal(CookieKind.PairDeny, Cookies.KindOf(p.Cookie));
        var flow = r.For("s1").Flows.Single(f => f.Flow.Cookie == p.Cookie);
        Assert.Empty(flow.Flow.Actions);
        Assert.Equal("intention", flow.From.Stage);
        Assert.DoesNotContain(r.For("s1").Groups, g => g.Group.GroupId == r.GroupIds["postgres"]);
    }

    [Fact]
    public void Static_arp_mode_leaves_out_the_virtual_ip_responder()
    {
        var responder = Lab().For("s1").Flows.Count(f => f.Flow.Cookie == Cookies.Arp("vip"));
        var none = Lab(o: MeshOptions.ThesisLab with { Arp = ArpMode.Static }).For("s1").Flows.Count(f => f.Flow.Cookie == Cookies.Arp("vip"));
        Assert.Equal((1, 0), (responder, none));
    }

    [Fact]
    public void Unhealthy_instances_leave_the_group_and_weights_are_kept()
    {
        var reg = ThesisLab.Registry();
        var t = ThesisLab.Topology();
        var h2 = t.FindHost("H2")!; var h3 = t.FindHost("H3")!;
        var product = reg.Find("product-api")! with
        {
            Instances =
            [
                new ServiceInstance("p1", "H2", h2.Ip, 19572, h2.Mac, [], Weight: 3),
                new ServiceInstance("p2", "H3", h3.Ip, 19573, h3.Mac, [], Weight: 7),
                new ServiceInstance("p3", "H3", h3.Ip, 19574, h3.Mac, [], Health: HealthStatus.Critical),
            ],
        };
        var r = MeshCompiler.Compile(new ServiceRegistry(reg.Services.Select(s => s.Name == "product-api" ? product : s)), t, MeshOptions.ThesisLab);
        var g = r.For("s1").Groups.Single(g => g.Group.GroupId == r.GroupIds["product-api"]).Group;
        Assert.Equal([(3, "192.168.1.12:19572"), (7, "192.168.1.13:19573")],
            g.Buckets.Select(b => ((int)b.Weight, $"{((CtAction)b.Actions[0]).Nat!.AddressMin}:{((CtAction)b.Actions[0]).Nat!.PortMin}")));
    }

    [Fact]
    public void Services_on_one_host_binding_one_port_differently_are_refused()
    {
        var reg = ThesisLab.Registry();
        // frontend (on H1) binds 9191 to public-api; make public-api (also on H1) bind 9191 to payments.
        var bad = reg.Services.Select(s => s.Name == "public-api" ? s with { Upstreams = [new Upstream("payments", 9191)] } : s);
        var e = Assert.Throws<RegistryException>(() => MeshCompiler.Compile(new ServiceRegistry(bad), ThesisLab.Topology(), MeshOptions.ThesisLab));
        Assert.StartsWith("host H1: port 9191 is bound by frontend (public-api, allowed) and by public-api (payments, allowed)", e.Message);
    }

    [Fact]
    public void Instance_on_an_unknown_node_is_refused()
    {
        var reg = ThesisLab.Registry();
        var bad = reg.Services.Select(s => s.Name == "payments" ? s with { Instances = [s.Instances[0] with { Node = "H9" }] } : s);
        var e = Assert.Throws<RegistryException>(() => MeshCompiler.Compile(new ServiceRegistry(bad), ThesisLab.Topology(), MeshOptions.ThesisLab));
        Assert.Equal("services.payments.instances.payments-1: node 'H9' is not a host of the topology", e.Message);
    }

    [Fact]
    public void Rule_counts_of_the_thesis_lab()
    {
        var r = Lab();
        // Written out so that a change to the pipeline shows up here and in docs/pipeline.md.
        Assert.Equal((43, 4), (r.For("s1").Flows.Count, r.For("s1").Groups.Count));
        Assert.Equal((39, 0), (r.For("s2").Flows.Count, r.For("s2").Groups.Count));
    }
}
