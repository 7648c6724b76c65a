namespace MeshSim.P4.Execution;

/// <summary>Constants of the v1model architecture as simple_switch uses them.</summary>
public static class V1Model
{
    /// <summary>simple_switch's default DROP_PORT.</summary>
    public const int DropPort = 511;
    public const int Normal = 0, IngressClone = 1, EgressClone = 2, Coalesced = 3, Recirc = 4, Replication = 5, Resubmit = 6;
}
