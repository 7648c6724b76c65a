using MeshSim.Control.Compiler;
using MeshSim.Control.Registry;
using MeshSim.Control.Rules;
using MeshSim.Control.Samples;

namespace MeshSim.Control.Tests.Compiler;

public class IncrementalCompilerTests
{
    private static readonly MeshOptions O = MeshOptions.ThesisLab;

    private static string Text(CompileResult r) =>
        string.Join("\n", r.RuleSets.Select(s => RuleText.FormatFlows(s) + RuleText.FormatGroups(s))) + string.Join("\n", r.Warnings);

    private static ServiceRegistry FlipFirstInstance(ServiceRegistry r, string service) =>
        new(r.Services.Select(s => s.Name != service ? s
            : s with { Instances = s.Instances.Select((i, k) => k != 0 ? i : i with { Health = i.Health == HealthStatus.Critical ? HealthStatus.Passing : HealthStatus.Critical }).ToArray() }), r.Policy);

    [Fact]
    public void A_health_flip_rebuilds_only_the_groups_of_its_service_and_shares_the_flow_lists()
    {
        var t = ScaleMesh.Topology(4, 4);
        var before = ScaleMesh.Registry(t, 40, 3, 3);
        var compiler = new IncrementalCompiler(t, O);
        var first = compiler.Update(before);
        Assert.Equal(4, compiler.RecompiledSwitches);

        var after = FlipFirstInstance(before, ScaleMesh.Name(7));
        var second = compiler.Update(after);

        Assert.Equal(Text(MeshCompiler.Compile(after, t, O)), Text(second));
        Assert.Equal(0, compiler.RecompiledSwitches);
        var users = first.RuleSets.Count(r => r.Groups.Any(g => g.Group.GroupId == first.GroupIds[ScaleMesh.Name(7)]));
        Assert.True(users > 0);
        Assert.Equal(users, compiler.RebuiltGroups);
        foreach (var (a, b) in first.RuleSets.Zip(second.RuleSets))
        {
            Assert.Same(a.Flows, b.Flows);
            var diff = RuleSetDiff.Compute(a, b);
            Assert.Empty(diff.FlowUpserts);
            Assert.Empty(diff.FlowDeletes);
            Assert.All(diff.GroupUpserts, g => Assert.Equal(first.GroupIds[ScaleMesh.Name(7)], g.Group.Group.GroupId));
        }
    }

    [Fact]
    public void A_new_service_that_takes_a_group_id_renumbers_the_older_ones_flows()
    {
        // FNV-1a puts both names on group id 1072786485; in name order svc-245921 comes first and keeps it.
        Assert.Equal(MeshCompiler.AssignGroupIds(new ServiceRegistry([new Service("svc-245921", [], [])]))["svc-245921"],
                     MeshCompiler.AssignGroupIds(new ServiceRegistry([new Service("svc-72052", [], [])]))["svc-72052"]);
        var t = ThesisLab.Topology();
        var lab = ThesisLab.Registry();
        var frontend = lab.Services[0];
        var callee = new Service("svc-72052", [frontend.Instances[0] with { Id = "callee-1", Port = 30001 }], []);
        var caller = frontend with { Upstreams = [.. frontend.Upstreams, new Upstream("svc-72052", 30000)] };
        var before = new ServiceRegistry([.. lab.Services.Skip(1), caller, callee], lab.Policy);
        var after = new ServiceRegistry([.. before.Services, new Service("svc-245921", [], [])], lab.Policy);

        var compiler = new IncrementalCompiler(t, O);
        var first = compiler.Update(before);
        var second = compiler.Update(after);

        Assert.NotEqual(first.GroupIds["svc-72052"], second.GroupIds["svc-72052"]);
        Assert.Equal(Text(MeshCompiler.Compile(after, t, O)), Text(second));
        Assert.True(compiler.RecompiledSwitches > 0);
    }

    [Fact]
    public void A_refused_registry_leaves_the_last_result_in_place()
    {
        var t = ThesisLab.Topology();
        var lab = ThesisLab.Registry();
        var compiler = new IncrementalCompiler(t, O);
        var good = compiler.Update(lab);
        var bad = new ServiceRegistry(lab.Services.Select((s, k) => k != 0 ? s : s with { Instances = [s.Instances[0] with { Node = "nowhere" }] }), lab.Policy);

        var ex = Assert.Throws<RegistryException>(() => compiler.Update(bad));
        Assert.Equal(Assert.Throws<RegistryException>(() => MeshCompiler.Compile(bad, t, O)).Message, ex.Message);
        Assert.Same(good, compiler.Current);
        var flipped = FlipFirstInstance(lab, lab.Services[1].Name);
        Assert.Equal(Text(MeshCompiler.Compile(flipped, t, O)), Text(compiler.Update(flipped)));
    }
}
