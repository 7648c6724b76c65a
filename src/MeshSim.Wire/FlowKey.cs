namespace MeshSim.Wire;

/// <summary>
/// The packet fields a switch classifies on, filled in one pass by <c>FlowExtractor.Extract</c>
/// (MeshSim's <c>miniflow_extract</c>). Extraction is total: a frame that stops short leaves later
/// fields zero and their layer offset at <see cref="Absent"/>; it never fails.
/// </summary>
/// <remarks>
/// Field meanings follow ovs-fields(7): for ARP, <see cref="NwSrc"/>/<see cref="NwDst"/> hold
/// arp_spa/arp_tpa and <see cref="NwProto"/> holds the low byte of arp_op; for ICMP,
/// <see cref="TpSrc"/>/<see cref="TpDst"/> hold icmp_type/icmp_code. Pipeline metadata (in_port
/// aside: registers, conntrack state) lives in the switch model, not here.
/// </remarks>
public struct FlowKey
{
    /// <summary>Marks a layer the frame does not contain (or is too short to contain).</summary>
    public const ushort Absent = 0xFFFF;

    /// <summary>OpenFlow port the frame entered on.</summary>
    public uint InPort;
    /// <summary>Ethernet source and destination.</summary>
    public MacAddress EthSrc, EthDst;
    /// <summary>EtherType after any 802.1Q tag.</summary>
    public ushort EthType;
    /// <summary>802.1Q TCI with the CFI bit set when a tag is present (OVS's vlan_tci convention); 0 when untagged.</summary>
    public ushort VlanTci;
    /// <summary>IPv4 source/destination, or ARP sender/target protocol address.</summary>
    public Ipv4Address NwSrc, NwDst;
    /// <summary>IP protocol, or the low 8 bits of the ARP opcode.</summary>
    public byte NwProto;
    /// <summary>The IPv4 TOS byte (DSCP and ECN).</summary>
    public byte NwTos;
    /// <summary>The IPv4 TTL.</summary>
    public byte NwTtl;
    /// <summary>Fragment state, as OVS's nw_frag.</summary>
    public FragmentState NwFrag;
    /// <summary>ARP sender and target hardware address.</summary>
    public MacAddress ArpSha, ArpTha;
    /// <summary>TCP/UDP ports, or ICMP type (in TpSrc) and code (in TpDst).</summary>
    public ushort TpSrc, TpDst;
    /// <summary>The 12 TCP flag bits (FIN = 0x001 … NS = 0x100), as OVS's tcp_flags.</summary>
    public ushort TcpFlags;
    /// <summary>Byte offsets of the L3 and L4 headers in the frame, or <see cref="Absent"/>.</summary>
    public ushort L3Offset, L4Offset;
}

/// <summary>IPv4 fragment state (ovs-fields(7) nw_frag): "no", "first" (offset 0 with MF), "later" (offset &gt; 0).</summary>
[Flags]
public enum FragmentState : byte
{
    /// <summary>Not a fragment.</summary>
    No = 0,
    /// <summary>Any fragment (bit 0).</summary>
    Any = 1,
    /// <summary>A non-first fragment (bit 1): L4 fields are absent.</summary>
    Later = 2,
}
