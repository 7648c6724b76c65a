using MeshSim.Control.Simulation;
using MeshSim.Control.Compiler;
using MeshSim.Control.P4;
using MeshSim.Control.Registry;
using MeshSim.Control.Samples;

namespace MeshSim.Control.Tests.P4;

public class P4ThesisLabTests
{
    [Fact]
    public void Every_thesis_pair_connects_through_the_virtual_ip_on_p4_switches()
    {
        var fabric = MeshFabric.Build(SwitchKind.P4, ThesisLab.Registry(), ThesisLab.Topology(), MeshOptions.ThesisLab);
        var outcomes = MeshProbe.Run(fabric, ThesisLab.Registry(), MeshOptions.ThesisLab);
        Assert.Equal(4, outcomes.Count);
        Assert.Empty(MeshProbe.Check(outcomes, ThesisLab.Registry(), MeshOptions.ThesisLab, requests: 3));
        // frontend -> public-api is the same-host pair (both on H1) the thesis' rules could not serve.
        Assert.Equal("public-api-1", Assert.Single(outcomes, o => o.Pair.Destination == "public-api").ServedBy);
    }

    [Fact]
    public void A_denied_pair_never_connects_on_p4_switches()
    {
        var policy = new IntentionPolicy([new Intention("public-api", "payments", IntentionAction.Deny)], IntentionAction.Allow);
        var reg = ThesisLab.Registry(policy);
        var outcomes = MeshProbe.Run(MeshFabric.Build(SwitchKind.P4, reg, ThesisLab.Topology(), MeshOptions.ThesisLab), reg, MeshOptions.ThesisLab);
        Assert.False(Assert.Single(outcomes, o => !o.Pair.Allowed).Established);
        Assert.Equal(3, outcomes.Count(o => o.Established));
        Assert.Empty(MeshProbe.Check(outcomes, reg, MeshOptions.ThesisLab, requests: 3));
    }

    [Theory]
    [InlineData("payments", true)]    // the thesis' own deny: product-api -> payments on public-api's allowed port
    [InlineData("postgres", false)]   // one port, two destinations on one switch
    public void Two_hosts_on_one_switch_may_give_one_bind_port_different_meanings(string destination, bool deny)
    {
        // product-api on H2 binds 9340, which public-api on H1 (same switch, s1) binds for payments, allowed.
        var policy = new IntentionPolicy(deny ? [new Intention("product-api", destination, IntentionAction.Deny)] : [], IntentionAction.Allow);
        var reg = new ServiceRegistry(ThesisLab.Registry(policy).Services.Select(s => s.Name == "product-api" ? s with { Upstreams = [new Upstream(destination, 9340)] } : s), policy);
        var outcomes = MeshProbe.Run(MeshFabric.Build(SwitchKind.P4, reg, ThesisLab.Topology(), MeshOptions.ThesisLab), reg, MeshOptions.ThesisLab);
        Assert.Equal(4, outcomes.Count);
        Assert.Equal(!deny, Assert.Single(outcomes, o => o.Pair.Source == "product-api").Established);
        Assert.True(Assert.Single(outcomes, o => o.Pair.Source == "public-api" && o.Pair.Destination == "payments").Established);
        Assert.Empty(MeshProbe.Check(outcomes, reg, MeshOptions.ThesisLab, requests: 3));
    }

    [Fact]
    public void The_commands_file_of_a_switch_is_what_the_switch_runs()
    {
        var compiled = P4MeshCompiler.Compile(ThesisLab.Registry(), ThesisLab.Topology(), MeshOptions.ThesisLab);
        var s1 = compiled.For("s1").ToString();
        Assert.Contains("table_add arp_vip arp_reply 192.168.1.250 1 => 02:00:00:00:00:fa\n", s1);
        Assert.Contains("table_add vip set_vip 192.168.1.250 6 9191 192.168.1.11 => 1\n", s1);          // frontend@H1 -> public-api
        Assert.Contains("table_add fwd set_nhop 192.168.1.13/32 => 00:00:00:00:00:03 3\n", s1); // H3 is behind s1's port 3
        Assert.DoesNotContain("table_add vip", compiled.For("s2").ToString());                 // payments and postgres call nobody
        // The file replays on a fresh switch without a failing line.
        var sw = new MeshSim.P4.Simulation.P4Switch(new MeshSim.Engine.Network(), "s1", MeshFabric.LoadMeshProgram(), 3);
        var (_, failures) = sw.Cli.RunScript(s1);
        Assert.Empty(failures);
    }

    [Fact]
    public void Instances_are_reached_on_their_own_ports_and_replies_come_from_the_bind_port()
    {
        // frontend binds 9191 for public-api, which listens on 20863 on H1 (the same host).
        var compiled = P4MeshCompiler.Compile(ThesisLab.Registry(), ThesisLab.Topology(), MeshOptions.ThesisLab);
        var s1 = compiled.For("s1").Commands;
        Assert.Contains($"table_add backend dnat {compiled.BackendIds["public-api-1"]} => 192.168.1.11 00:00:00:00:00:01 1 20863", s1);
        Assert.Contains("table_add rev snat 192.168.1.11 6 20863 192.168.1.11 => 192.168.1.250 02:00:00:00:00:fa 9191", s1);
        var fabric = MeshFabric.Build(SwitchKind.P4, ThesisLab.Registry(), ThesisLab.Topology(), MeshOptions.ThesisLab);
        var outcomes = MeshProbe.Run(fabric, ThesisLab.Registry(), MeshOptions.ThesisLab);
        Assert.All(outcomes, o => Assert.Equal(MeshOptions.ThesisLab.VirtualIp, o.ClientSawRemote));
    }

    [Fact]
    public void A_host_binding_two_ports_for_one_destination_is_refused_with_the_reason()
    {
        // A second service on H1 calls public-api on another bind port: replies from public-api-1 to H1
        // could carry either port, and rev tells replies apart by instance and client address only.
        var lab = ThesisLab.Registry();
        var t = ThesisLab.Topology();
        var admin = new Service("admin", [new ServiceInstance("admin-1", "H1", t.FindHost("H1")!.Ip, 4000, t.FindHost("H1")!.Mac, [])], [new Upstream("public-api", 9192)]);
        var e = Assert.Throws<RegistryException>(() => P4MeshCompiler.Compile(new ServiceRegistry([.. lab.Services, admin], lab.Policy), t, MeshOptions.ThesisLab));
        Assert.Contains("host H1:", e.Message);
        Assert.Contains("two ports for public-api", e.Message);
        // Denied, the second binding never connects, so it does not count.
        var policy = new IntentionPolicy([new Intention("admin", "public-api", IntentionAction.Deny)], IntentionAction.Allow);
        P4MeshCompiler.Compile(new ServiceRegistry([.. lab.Services, admin], policy), t, MeshOptions.ThesisLab);
    }
}
