namespace MeshSim.Control.Topology;

/// <summary>How an inter-switch link is realised. The compiled rules do not depend on it (a link is a port on each side); lab scripts do.</summary>
public enum LinkKind : byte
{
    /// <summary>OVS patch ports between bridges of one vswitchd (the namespace lab).</summary>
    Patch,
    /// <summary>A veth pair or any point-to-point Ethernet cable (the thesis' Kathara lab).</summary>
    Ethernet,
    /// <summary>A VXLAN tunnel port (the thesis' Kubernetes design: a full mesh of tunnels).</summary>
    Vxlan,
}

/// <summary>A bidirectional link between port <see cref="PortA"/> of <see cref="SwitchA"/> and port <see cref="PortB"/> of <see cref="SwitchB"/>.</summary>
public sealed record SwitchLink(string SwitchA, uint PortA, string SwitchB, uint PortB, LinkKind Kind = LinkKind.Patch);
