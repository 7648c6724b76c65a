using MeshSim.Control.Live;
using MeshSim.Control.Rules;

namespace MeshSim.Benchmarks.Control;

/// <summary>A switch sink that swallows diffs, so an update benchmark measures the controller's own work.</summary>
internal sealed class NullSink(string name) : ISwitchSink
{
    public string Switch => name;
    public void Apply(RuleSetDiff diff) { }
}
