using MeshSim.Control.Rules;

namespace MeshSim.Control.Live;

/// <summary>Prints each diff as the bundle file a real switch would receive, and changes nothing.</summary>
public sealed class DryRunSink(string switchName, TextWriter output) : ISwitchSink
{
    /// <inheritdoc/>
    public string Switch => switchName;

    /// <inheritdoc/>
    public void Apply(RuleSetDiff diff)
    {
        output.WriteLine($"# {switchName}: {diff.Count} change(s)");
        output.Write(diff.Render());
    }
}
