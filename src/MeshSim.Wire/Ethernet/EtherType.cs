namespace MeshSim.Wire;

/// <summary>EtherType values MeshSim knows by name (IEEE registry).</summary>
public static class EtherType
{
    /// <summary>IPv4 (0x0800).</summary>
    public const ushort Ipv4 = 0x0800;
    /// <summary>ARP (0x0806).</summary>
    public const ushort Arp = 0x0806;
    /// <summary>Reverse ARP (0x8035); OVS extracts it like ARP.</summary>
    public const ushort Rarp = 0x8035;
    /// <summary>802.1Q customer VLAN tag protocol identifier (0x8100).</summary>
    public const ushort Vlan = 0x8100;
    /// <summary>802.1ad service VLAN tag protocol identifier (0x88A8).</summary>
    public const ushort QinQ = 0x88A8;
    /// <summary>IPv6 (0x86DD).</summary>
    public const ushort Ipv6 = 0x86DD;
    /// <summary>OVS's dl_type for 802.3 frames that carry no Ethernet II type (FLOW_DL_TYPE_NONE).</summary>
    public const ushort None = 0x05FF;

    /// <summary>True for a tag protocol identifier (802.1Q or 802.1ad) at the EtherType position.</summary>
    public static bool IsVlanTag(ushort type) => type is Vlan or QinQ;
}
