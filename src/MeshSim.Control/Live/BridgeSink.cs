using MeshSim.Control.Checking;
using MeshSim.Control.Rules;
using MeshSim.Ovs.Datapath;

namespace MeshSim.Control.Live;

/// <summary>Applies diffs to a simulated bridge with the same semantics as the real sink's bundle.
/// The caller applies on the simulation thread (in the simulator that is the only thread).</summary>
public sealed class BridgeSink(string switchName, OpenFlowBridge bridge) : ISwitchSink
{
    /// <inheritdoc/>
    public string Switch => switchName;

    /// <inheritdoc/>
    public void Apply(RuleSetDiff diff) => SimulatorSink.Apply(diff, bridge);
}
