using MeshSim.Control.Compiler;
using MeshSim.Control.Registry;
using MeshSim.Control.Rules;
using MeshSim.Control.Samples;

namespace MeshSim.Control.Tests.Rules;

public class RuleSetDiffTests
{
    private static CompileResult Compile(ServiceRegistry r) => MeshCompiler.Compile(r, ThesisLab.Topology(), MeshOptions.ThesisLab);

    [Fact]
    public void Identical_rules_give_an_empty_diff()
    {
        var a = Compile(ThesisLab.Registry()).For("s1");
        Assert.True(RuleSetDiff.Compute(a, a).IsEmpty);
        Assert.Equal("", RuleSetDiff.Compute(a, a).Render());
    }

    [Fact]
    public void Denying_a_pair_replaces_one_flow_and_drops_its_group()
    {
        var before = Compile(ThesisLab.Registry()).For("s1");
        var after = Compile(ThesisLab.Registry(new IntentionPolicy([new Intention("product-api", "postgres", IntentionAction.Deny)], IntentionAction.Allow))).For("s1");
        var d = RuleSetDiff.Compute(before, after);
        // The pair flow keeps its key but changes cookie (allow → deny): delete + add. Its group goes.
        Assert.Equal(3, d.Count);
        var lines = d.Render().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("flow delete_strict table=2,priority=100,tcp,in_port=2,ct_state=+new-inv+trk,nw_src=192.168.1.12,tp_dst=9567", lines[0]);
        Assert.StartsWith("flow add table=2,priority=100,cookie=0x11", lines[1]);
        Assert.EndsWith("actions=drop", lines[1]);
        Assert.StartsWith("group delete group_id=", lines[2]);
        Assert.True(d.ApplyTo(before).SameRules(after));
    }

    [Fact]
    public void Adds_go_last_table_first_and_deletes_table_zero_first()
    {
        var empty = new RuleSet("s1", [], []);
        var full = Compile(ThesisLab.Registry()).For("s1");
        var add = RuleSetDiff.Compute(empty, full);
        Assert.Equal(add.FlowUpserts.Select(c => c.Flow.Flow.Table).OrderByDescending(t => t), add.FlowUpserts.Select(c => c.Flow.Flow.Table));
        Assert.True(add.GroupUpserts.Count == 4 && add.FlowDeletes.Count == 0);
        var del = RuleSetDiff.Compute(full, empty);
        Assert.Equal(del.FlowDeletes.Select(c => c.Flow.Flow.Table).Order(), del.FlowDeletes.Select(c => c.Flow.Flow.Table));
        Assert.Equal(4, del.GroupDeletes.Count);
        Assert.True(del.ApplyTo(full).SameRules(empty));
    }
}
