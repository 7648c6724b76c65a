namespace MeshSim.P4.Execution;

/// <summary>A node of a control-flow graph (table, conditional or action call). <see cref="Apply"/> returns the next node or null at the end.</summary>
public abstract class ControlNode
{
    public required string Name { get; init; }
    public abstract ControlNode? Apply(ExecContext c);
}

public sealed class ConditionalNode : ControlNode
{
    public required Expr Condition { get; init; }
    public ControlNode? TrueNext { get; set; }
    public ControlNode? FalseNext { get; set; }
    public override ControlNode? Apply(ExecContext c)
    {
        bool v = Condition.Eval(c) != UInt128.Zero;
        c.Trace?.Line($"Condition \"{Name}\" is {(v ? "true" : "false")}");
        return v ? TrueNext : FalseNext;
    }
}

public sealed class ActionCallNode : ControlNode
{
    public required P4Action Action { get; init; }
    public ControlNode? Next { get; set; }
    public override ControlNode? Apply(ExecContext c)
    {
        c.Trace?.Line($"Action {Action.Name}");
        Action.Execute(c, []);
        return Next;
    }
}

/// <summary>An ingress or egress control.</summary>
public sealed class Pipeline(string name)
{
    public string Name { get; } = name;
    public ControlNode? Init { get; set; }
    public Dictionary<string, ControlNode> Nodes { get; } = new(StringComparer.Ordinal);

    public void Run(ExecContext c)
    {
        c.Trace?.Line($"Pipeline '{Name}': start");
        var node = Init;
        int steps = 0;
        while (node is not null && !c.Pkt.ExitFlag)
        {
            node = node.Apply(c);
            if (++steps > 10_000) { c.Note("pipeline: more than 10000 nodes applied; stopped"); break; }
        }
        c.Trace?.Line($"Pipeline '{Name}': end");
    }
}
