using MeshSim.Control.Simulation;
using MeshSim.Control.Compiler;
using MeshSim.Control.P4;
using MeshSim.Control.Registry;
using MeshSim.Control.Samples;

namespace MeshSim.Control.Tests.P4;

public class P4UpdateTests
{
    private static ServiceRegistry WithProduct(params ServiceInstance[] instances)
    {
        var lab = ThesisLab.Registry();
        return new ServiceRegistry(lab.Services.Select(s => s.Name == "product-api" ? s with { Instances = instances } : s));
    }

    private static ServiceInstance Product(string id, string node, HealthStatus health = HealthStatus.Passing)
    {
        var h = ThesisLab.Topology().FindHost(node)!;
        return new ServiceInstance(id, node, h.Ip, 19572, h.Mac, [], 1, health);
    }

    [Fact]
    public void An_update_keeps_open_connections_on_their_instance_and_sends_new_ones_by_the_new_registry()
    {
        // Before: product-api on H2 only. After: an instance on DB1 is added (it sorts first, so with
        // fresh numbering it would take H2's backend id) and H2's turns critical.
        var before = WithProduct(Product("product-api-1", "H2"));
        var after = WithProduct(Product("product-api-0", "DB1"), Product("product-api-1", "H2", HealthStatus.Critical));
        Assert.Empty(MeshUpdateProbe.Check(SwitchKind.P4, before, after, ThesisLab.Topology(), MeshOptions.ThesisLab));
        var first = P4MeshCompiler.Compile(before, ThesisLab.Topology(), MeshOptions.ThesisLab);
        var second = P4MeshCompiler.Compile(after, ThesisLab.Topology(), MeshOptions.ThesisLab, first);
        Assert.Equal(first.BackendIds["product-api-1"], second.BackendIds["product-api-1"]);
        Assert.True(second.BackendIds["product-api-0"] > first.BackendIds.Values.Max());
    }

    [Fact]
    public void Vip_ids_are_kept_across_updates_because_pins_carry_them()
    {
        // public-api gains an upstream whose bind port (9000) sorts before its others on s1: with fresh
        // numbering it would take 9191's VIP id, and every open connection to 9191 would be re-selected.
        var before = ThesisLab.Registry();
        var after = new ServiceRegistry(before.Services.Select(s => s.Name == "public-api" ? s with { Upstreams = [.. s.Upstreams, new Upstream("postgres", 9000)] } : s));
        var first = P4MeshCompiler.Compile(before, ThesisLab.Topology(), MeshOptions.ThesisLab);
        var second = P4MeshCompiler.Compile(after, ThesisLab.Topology(), MeshOptions.ThesisLab, first);
        string[] VipLines(P4CompileResult r) => [.. r.For("s1").Commands.Where(c => c.StartsWith("table_add vip ", StringComparison.Ordinal))];
        Assert.Equal(["table_add vip set_vip 192.168.1.250 6 9191 192.168.1.11 => 1", "table_add vip set_vip 192.168.1.250 6 9340 192.168.1.11 => 2",
                      "table_add vip set_vip 192.168.1.250 6 9341 192.168.1.11 => 3", "table_add vip set_vip 192.168.1.250 6 9567 192.168.1.12 => 4"], VipLines(first));
        Assert.Equal(["table_add vip set_vip 192.168.1.250 6 9000 192.168.1.11 => 5", .. VipLines(first)], VipLines(second));
        Assert.Equal(["table_add vip set_vip 192.168.1.250 6 9000 192.168.1.11 => 1", .. VipLines(first).Select(l => l[..^1] + (char)(l[^1] + 1))],
            VipLines(P4MeshCompiler.Compile(after, ThesisLab.Topology(), MeshOptions.ThesisLab)));
        Assert.Empty(MeshUpdateProbe.Check(SwitchKind.P4, before, after, ThesisLab.Topology(), MeshOptions.ThesisLab));
    }

    [Fact]
    public void Every_client_binding_has_its_own_vip_id_kept_while_it_names_the_same_destination()
    {
        // product-api (H2) also binds 9340, which public-api (H1, same switch) binds for payments: two ids. Then
        // H2's 9340 names postgres instead: a new id, so no pin of a payments connection is followed to payments.
        var lab = ThesisLab.Registry();
        var before = new ServiceRegistry(lab.Services.Select(s => s.Name == "product-api" ? s with { Upstreams = [.. s.Upstreams, new Upstream("payments", 9340)] } : s));
        var after = new ServiceRegistry(lab.Services.Select(s => s.Name == "product-api" ? s with { Upstreams = [new Upstream("postgres", 9340)] } : s));
        var first = P4MeshCompiler.Compile(before, ThesisLab.Topology(), MeshOptions.ThesisLab);
        var second = P4MeshCompiler.Compile(after, ThesisLab.Topology(), MeshOptions.ThesisLab, first);
        string[] On9340(P4CompileResult r) => [.. r.For("s1").Commands.Where(c => c.StartsWith("table_add vip set_vip 192.168.1.250 6 9340 ", StringComparison.Ordinal))];
        Assert.Equal(["table_add vip set_vip 192.168.1.250 6 9340 192.168.1.11 => 2", "table_add vip set_vip 192.168.1.250 6 9340 192.168.1.12 => 3"], On9340(first));
        Assert.Equal(["table_add vip set_vip 192.168.1.250 6 9340 192.168.1.11 => 2", "table_add vip set_vip 192.168.1.250 6 9340 192.168.1.12 => 6"], On9340(second));
        // Groups on s1 in binding order: public-api 0, payments 1 (H1's 9340), postgres 2 (H2's 9340).
        Assert.Contains("table_indirect_add_with_group lb 2 0 => 1", second.For("s1").Commands);
        Assert.Contains("table_indirect_add_with_group lb 6 0 => 2", second.For("s1").Commands);
    }
}
