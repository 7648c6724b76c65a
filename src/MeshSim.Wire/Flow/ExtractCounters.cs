namespace MeshSim.Wire;

/// <summary>
/// Anomaly counters bumped by <see cref="FlowExtractor.Extract"/>, one per kind of odd frame
/// (OVS keeps coverage counters such as miniflow_extract_ipv4_pkt_too_short for the same reason):
/// extraction never fails, so these are how a switch can tell that it saw garbage.
/// </summary>
public struct ExtractCounters
{
    /// <summary>Frames extracted.</summary>
    public long Frames;
    /// <summary>Shorter than 14 bytes: no L2 fields at all.</summary>
    public long EthernetTooShort;
    /// <summary>A VLAN TPID without the 4 tag bytes after it.</summary>
    public long VlanTagTooShort;
    /// <summary>802.3 length field without a complete LLC/SNAP header (type becomes 0x05FF).</summary>
    public long LlcTooShort;
    /// <summary>EtherType IPv4 but fewer than 20 bytes.</summary>
    public long Ipv4TooShort;
    /// <summary>IPv4 version nibble is not 4 (the frame is still extracted as IPv4, as OVS does).</summary>
    public long Ipv4BadVersion;
    /// <summary>IPv4 IHL below 5 or beyond the frame.</summary>
    public long Ipv4BadHeaderLength;
    /// <summary>IPv4 total length below the header length or beyond the frame.</summary>
    public long Ipv4BadTotalLength;
    /// <summary>Non-first IPv4 fragments (not an anomaly: their L4 fields are absent by design).</summary>
    public long Ipv4LaterFragments;
    /// <summary>EtherType ARP but fewer than 28 bytes.</summary>
    public long ArpTooShort;
    /// <summary>ARP that is not Ethernet/IPv4 (htype 1, ptype 0x0800, hlen 6, plen 4): addresses left zero.</summary>
    public long ArpUnsupported;
    /// <summary>TCP shorter than 20 bytes.</summary>
    public long TcpTooShort;
    /// <summary>TCP data offset below 5 or beyond the IPv4 payload.</summary>
    public long TcpBadDataOffset;
    /// <summary>UDP shorter than 8 bytes.</summary>
    public long UdpTooShort;
    /// <summary>ICMP shorter than 8 bytes.</summary>
    public long IcmpTooShort;
    /// <summary>IGMP shorter than 8 bytes.</summary>
    public long IgmpTooShort;
    /// <summary>SCTP shorter than 12 bytes.</summary>
    public long SctpTooShort;

    /// <summary>Sum of all anomaly counters (excluding <see cref="Frames"/> and <see cref="Ipv4LaterFragments"/>).</summary>
    public readonly long Anomalies =>
        EthernetTooShort + VlanTagTooShort + LlcTooShort + Ipv4TooShort + Ipv4BadVersion + Ipv4BadHeaderLength
        + Ipv4BadTotalLength + ArpTooShort + ArpUnsupported + TcpTooShort + TcpBadDataOffset + UdpTooShort + IcmpTooShort + IgmpTooShort + SctpTooShort;
}
