namespace MeshSim.Ovs.Datapath;

/// <summary>Connects two bridges with a pair of patch ports (Interface type=patch, options:peer).</summary>
public static class PatchPorts
{
    /// <summary>Adds port <paramref name="portA"/> on <paramref name="a"/> and <paramref name="portB"/> on
    /// <paramref name="b"/>; a frame output on one enters the other bridge on its peer port.</summary>
    public static (BridgePort A, BridgePort B) Connect(OpenFlowBridge a, uint portA, string nameA, OpenFlowBridge b, uint portB, string nameB)
    {
        var pa = new BridgePort(portA, nameA, BridgePortKind.Patch, frame => b.Receive(frame, portB)) { Peer = (b, portB) };
        var pb = new BridgePort(portB, nameB, BridgePortKind.Patch, frame => a.Receive(frame, portA)) { Peer = (a, portA) };
        a.AddPort(pa);
        b.AddPort(pb);
        return (pa, pb);
    }
}
