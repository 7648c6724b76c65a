using MeshSim.Control.Rules;
using MeshSim.Ovs.Datapath;

namespace MeshSim.Control.Checking;

/// <summary>Installs rule sets and applies diffs to a simulated bridge, with the semantics of the ovs-ofctl commands the real sink uses.</summary>
public static class SimulatorSink
{
    /// <summary>Replaces everything on the bridge with <paramref name="rules"/> (add-groups, then replace-flows).</summary>
    public static void Install(RuleSet rules, OpenFlowBridge bridge)
    {
        bridge.DeleteFlows();
        foreach (var g in bridge.Groups.Select(g => g.Entry.GroupId).ToArray()) bridge.DeleteGroup(g);
        foreach (var g in rules.Groups) bridge.AddGroup(g.Group);
        bridge.AddFlows(rules.Flows.Select(f => f.Flow));
    }

    /// <summary>Applies a diff in its order: group upserts, flow upserts (an add replaces the same key, as OpenFlow does), strict flow deletes, group deletes.</summary>
    public static void Apply(RuleSetDiff diff, OpenFlowBridge bridge)
    {
        foreach (var g in diff.GroupUpserts)
        {
            if (g.Kind == ChangeKind.Add) bridge.AddGroup(g.Group.Group);
            else bridge.ModifyGroup(g.Group.Group);
        }
        var upserted = diff.FlowUpserts.Select(u => u.Flow.Key).ToHashSet();
        foreach (var d in diff.FlowDeletes.Where(d => upserted.Contains(d.Flow.Key))) DeleteStrict(bridge, d.Flow);
        foreach (var f in diff.FlowUpserts) bridge.AddFlow(f.Flow.Flow);
        foreach (var d in diff.FlowDeletes.Where(d => !upserted.Contains(d.Flow.Key))) DeleteStrict(bridge, d.Flow);
        foreach (var g in diff.GroupDeletes) bridge.DeleteGroup(g.Group.Group.GroupId);
    }

    private static void DeleteStrict(OpenFlowBridge bridge, CompiledFlow f) =>
        bridge.Table(f.Flow.Table)?.RemoveWhere(r => r.Entry.Priority == f.Flow.Priority && r.Entry.Match.Equals(f.Flow.Match));
}
