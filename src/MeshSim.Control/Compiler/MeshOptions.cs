using MeshSim.Wire;

namespace MeshSim.Control.Compiler;

/// <summary>How hosts learn the virtual IP's MAC address.</summary>
public enum ArpMode : byte
{
    /// <summary>
    /// Every first-hop switch answers ARP requests for the virtual IP itself, with an OpenFlow flow that
    /// turns the request into a reply (move/load on the ARP fields, output to the input port). The
    /// thesis thought OpenFlow could not do this; ovs-actions(7) and OVN's ARP responder show it can.
    /// </summary>
    Responder,
    /// <summary>The thesis' way: every host carries a static ARP entry virtual IP → virtual MAC; the switches answer nothing for it.</summary>
    Static,
}

/// <summary>Mesh-wide settings of the compiler.</summary>
/// <param name="VirtualIp">The address every upstream is reached at (the thesis uses 192.168.1.250).</param>
/// <param name="VirtualMac">The MAC that stands for the virtual IP (a locally administered unicast address).</param>
/// <param name="Arp">How hosts resolve <paramref name="VirtualIp"/>.</param>
/// <param name="SelectionMethod">OVS select-group method; <c>dp_hash</c> as in the thesis' listing 2.</param>
public sealed record MeshOptions(Ipv4Address VirtualIp, MacAddress VirtualMac, ArpMode Arp = ArpMode.Responder, string SelectionMethod = "dp_hash")
{
    /// <summary>The thesis lab's settings: 192.168.1.250, answered by ARP-responder flows.</summary>
    public static MeshOptions ThesisLab { get; } = new(Ipv4Address.Parse("192.168.1.250"), MacAddress.Parse("02:00:00:00:00:fa"));
}
