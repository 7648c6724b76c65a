namespace MeshSim.Control.Topology;

/// <summary>
/// A switch of the mesh. <see cref="Id"/> is a small stable number (the datapath id) from which the
/// compiler derives the switch's conntrack zones; keep it when switches are added or removed so
/// the other switches' rules do not change.
/// </summary>
public sealed record SwitchNode(string Name, ushort Id)
{
    /// <summary>Largest id: zones 2·id and 2·id+1 must fit in 16 bits.</summary>
    public const ushort MaxId = 32767;
}
