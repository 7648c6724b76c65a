using MeshSim.Ovs;

namespace MeshSim.Control.Rules;

/// <summary>A flow the controller wants on a switch, with the reason it is there.</summary>
public sealed record CompiledFlow(FlowEntry Flow, Provenance From)
{
    /// <summary>The identity OpenFlow uses for strict modify/delete: (table, priority, match).</summary>
    public RuleKey Key => new(Flow.Table, Flow.Priority, Flow.Match);
}

/// <summary>(table, priority, match): at most one flow per key on a switch.</summary>
public readonly record struct RuleKey(byte Table, ushort Priority, Match Match);

/// <summary>A group the controller wants on a switch, with the reason it is there.</summary>
public sealed record CompiledGroup(GroupEntry Group, Provenance From);
