using MeshSim.Engine;
using MeshSim.Wire;

namespace MeshSim.Stack.Iface;

/// <summary>
/// A host's network interface: an Ethernet port with a MAC, an IPv4 address and prefix, an MTU, its
/// ARP cache, and frames parked while their next hop is being resolved.
/// </summary>
public sealed class NetInterface
{
    internal NetInterface(Port port, MacAddress mac, Ipv4Address address, int prefixLength, int mtu, long arpReachableNs)
    {
        Port = port; Mac = mac; Address = address; PrefixLength = prefixLength; Mtu = mtu;
        Arp = new ArpCache(arpReachableNs);
    }

    /// <summary>The engine port the interface sends and receives on.</summary>
    public Port Port { get; }
    /// <summary>Hardware address.</summary>
    public MacAddress Mac { get; }
    /// <summary>IPv4 address.</summary>
    public Ipv4Address Address { get; }
    /// <summary>Prefix length of the connected subnet.</summary>
    public int PrefixLength { get; }
    /// <summary>IP MTU (payload of an Ethernet frame).</summary>
    public int Mtu { get; }
    /// <summary>The neighbour table.</summary>
    public ArpCache Arp { get; }

    /// <summary>Frames waiting for ARP, per next hop, in arrival order.</summary>
    internal readonly Dictionary<Ipv4Address, PendingResolution> Pending = new();

    /// <summary>Directed broadcast address of the subnet.</summary>
    public Ipv4Address SubnetBroadcast =>
        new(PrefixLength == 32 ? Address.Value : Address.Value | (uint.MaxValue >> PrefixLength));

    /// <summary>"h1-eth0 02:00:00:00:00:01 10.0.0.1/24".</summary>
    public override string ToString() => $"{Port.Name} {Mac} {Address}/{PrefixLength}";
}

/// <summary>An outstanding ARP request and the frames parked behind it (Linux's unres_qlen).</summary>
internal sealed class PendingResolution
{
    public readonly Queue<Frame> Frames = new();
    public int Attempts;
}
