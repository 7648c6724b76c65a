using System.Text;

namespace MeshSim.Wire;

/// <summary>
/// Prints a <see cref="FlowKey"/> the way OVS 3.1 prints an extracted packet flow
/// (<c>ovs-ofctl parse-pcap</c>, the "Flow:" line of <c>ofproto/trace</c>), e.g.
/// <c>icmp,in_port=1,vlan_tci=0x0000,dl_src=…,dl_dst=…,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_tos=0,nw_ecn=0,nw_ttl=64,nw_frag=no,icmp_type=8,icmp_code=0</c>.
/// Tests compare this text with real ovs-ofctl output byte for byte.
/// </summary>
public static class FlowKeyText
{
    /// <summary>Formats <paramref name="key"/>; <paramref name="inPort"/> replaces the numeric
    /// in_port (ovs-ofctl parse-pcap prints "ANY").</summary>
    public static string Format(in FlowKey key, string? inPort = null)
    {
        var s = new StringBuilder(200);
        bool ip = key.EthType == EtherType.Ipv4;
        bool arp = key.EthType is EtherType.Arp or EtherType.Rarp;
        string? shortcut = ip
            ? key.NwProto switch { IpProtocol.Icmp => "icmp", IpProtocol.Tcp => "tcp", IpProtocol.Udp => "udp", IpProtocol.Sctp => "sctp", _ => "ip" }
            : key.EthType == EtherType.Arp ? "arp" : key.EthType == EtherType.Rarp ? "rarp" : null;
        if (shortcut is not null) s.Append(shortcut).Append(',');
        s.Append("in_port=").Append(inPort ?? key.InPort.ToString());
        if ((key.VlanTci & 0x1000) != 0)
            s.Append(",dl_vlan=").Append(key.VlanTci & 0x0FFF).Append(",dl_vlan_pcp=").Append(key.VlanTci >> 13).Append(",vlan_tci1=0x0000");
        else
            s.Append(",vlan_tci=0x0000");
        s.Append(",dl_src=").Append(key.EthSrc).Append(",dl_dst=").Append(key.EthDst);
        if (shortcut is null) s.Append(",dl_type=0x").Append(key.EthType.ToString("x4"));

        if (arp)
        {
            s.Append(",arp_spa=").Append(key.NwSrc).Append(",arp_tpa=").Append(key.NwDst)
             .Append(",arp_op=").Append(key.NwProto).Append(",arp_sha=").Append(key.ArpSha).Append(",arp_tha=").Append(key.ArpTha);
        }
        else if (ip)
        {
            s.Append(",nw_src=").Append(key.NwSrc).Append(",nw_dst=").Append(key.NwDst);
            if (shortcut == "ip") s.Append(",nw_proto=").Append(key.NwProto);
            s.Append(",nw_tos=").Append(key.NwTos & 0xFC).Append(",nw_ecn=").Append(key.NwTos & 3).Append(",nw_ttl=").Append(key.NwTtl);
            s.Append(",nw_frag=").Append((key.NwFrag & FragmentState.Later) != 0 ? "later" : (key.NwFrag & FragmentState.Any) != 0 ? "first" : "no");
            if ((key.NwFrag & FragmentState.Later) == 0) AppendTransport(s, key);
        }
        return s.ToString();
    }

    private static void AppendTransport(StringBuilder s, in FlowKey key)
    {
        switch (key.NwProto)
        {
            case IpProtocol.Icmp:
                s.Append(",icmp_type=").Append(key.TpSrc).Append(",icmp_code=").Append(key.TpDst);
                break;
            case IpProtocol.Tcp:
                s.Append(",tp_src=").Append(key.TpSrc).Append(",tp_dst=").Append(key.TpDst).Append(",tcp_flags=");
                AppendTcpFlags(s, key.TcpFlags);
                break;
            case IpProtocol.Udp or IpProtocol.Sctp or IpProtocol.Igmp:
                s.Append(",tp_src=").Append(key.TpSrc).Append(",tp_dst=").Append(key.TpDst);
                break;
        }
    }

    private static readonly string[] FlagNames = ["fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr", "ns", "[200]", "[400]", "[800]"];

    private static void AppendTcpFlags(StringBuilder s, ushort flags)
    {
        if (flags == 0) { s.Append('0'); return; }
        bool first = true;
        for (int bit = 0; bit < FlagNames.Length; bit++)
        {
            if ((flags & (1 << bit)) == 0) continue;
            if (!first) s.Append('|');
            s.Append(FlagNames[bit]);
            first = false;
        }
    }
}
