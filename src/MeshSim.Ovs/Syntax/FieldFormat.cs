namespace MeshSim.Ovs;

/// <summary>How OVS writes a field's value (and mask) in match and action text.</summary>
public enum FieldFormat : byte
{
    /// <summary>Decimal when exact, <c>0x../0x..</c> when masked (OVS's be16/uint16/uint8 style).</summary>
    Decimal,
    /// <summary><c>0x..</c> always, with a <c>/0x..</c> mask (OVS's uint32/be64 style: registers, metadata, ct_mark).</summary>
    Hex,
    /// <summary><c>aa:bb:cc:dd:ee:ff</c>, optionally <c>/mask</c>.</summary>
    Ethernet,
    /// <summary>Dotted quad, <c>/prefix</c> for CIDR masks, else <c>/dotted-mask</c>.</summary>
    Ipv4,
    /// <summary>An OpenFlow port number, special ports by name (LOCAL, CONTROLLER…).</summary>
    Port,
    /// <summary>ct_state flags: <c>+trk-new</c> or <c>trk|est</c>.</summary>
    CtState,
    /// <summary>tcp_flags: <c>+syn-ack</c> or <c>syn|ack</c>.</summary>
    TcpFlags,
    /// <summary>nw_frag: no/yes/first/later/not_later.</summary>
    Fragment,
    /// <summary>EtherType as <c>0x0800</c> (4 hex digits).</summary>
    EtherType,
    /// <summary>vlan_tci: <c>0x1064</c> / <c>0x1fff</c> (4 hex digits).</summary>
    Tci,
    /// <summary>128-bit <c>0x...</c> (ct_label).</summary>
    Hex128,
}

/// <summary>
/// What a packet must be before a field may be matched or set (OVS's <c>enum mf_prereqs</c>).
/// A flow that names <c>tp_dst</c> without <c>tcp</c>/<c>udp</c> is rejected, as OVS rejects it.
/// </summary>
public enum FieldPrerequisite : byte
{
    /// <summary>Always available.</summary>
    None,
    /// <summary>Needs a VLAN tag in the match (vlan_tci with the CFI bit set, e.g. dl_vlan=5).</summary>
    Vlan,
    /// <summary><c>dl_type=0x0800</c>.</summary>
    Ipv4,
    /// <summary><c>dl_type=0x0806</c> (or RARP).</summary>
    Arp,
    /// <summary>IPv4 with <c>nw_proto=6</c>.</summary>
    Tcp,
    /// <summary>IPv4 with <c>nw_proto=17</c>.</summary>
    Udp,
    /// <summary>IPv4 with <c>nw_proto=1</c>.</summary>
    Icmp,
    /// <summary>IPv4 with <c>nw_proto</c> of TCP, UDP or SCTP (the generic <c>tp_src</c>/<c>tp_dst</c>).</summary>
    L4,
    /// <summary>IPv4 (for conntrack original-direction tuple fields).</summary>
    Ip,
    /// <summary>IPv4 with <c>nw_proto=132</c> (sctp_src/sctp_dst).</summary>
    Sctp,
}
