namespace MeshSim.Control.P4;

/// <summary>
/// What one P4 switch runs: simple_switch_CLI commands for the mesh program (p4/mesh.p4) and the
/// numbering of its ports. <see cref="ToString"/> is a commands file that <c>simple_switch_CLI &lt;</c>
/// accepts on a freshly started switch (selector member and group handles are predicted from 0).
/// </summary>
public sealed record P4SwitchEntries(string Switch, IReadOnlyList<string> Commands, P4PortMap Ports)
{
    /// <summary>The commands, one a line.</summary>
    public override string ToString() => string.Join('\n', Commands) + "\n";
}
