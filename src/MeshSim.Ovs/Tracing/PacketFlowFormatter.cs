using System.Text;
using MeshSim.Ovs.Classification;
using MeshSim.Ovs.Conntrack;
using MeshSim.Wire;

namespace MeshSim.Ovs.Tracing;

/// <summary>
/// Prints a packet's flow the way OVS's flow_format does in ofproto/trace ("Flow:" and "Final
/// flow:" lines): metadata only when set (ct_* when non-zero, the ct tuple when ct_nw_proto is set,
/// "eth" after a recirculation id), then the protocol shorthand, registers, metadata, in_port,
/// VLAN, Ethernet and the protocol's fields, all of them even when zero.
/// </summary>
public static class PacketFlowFormatter
{
    private static readonly string[] TcpFlagNames = ["fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr", "ns"];

    /// <summary>Formats <paramref name="key"/> (with recirculation id <paramref name="recircId"/>).</summary>
    public static string Format(in PacketKey key, uint recircId = 0)
    {
        var sb = new StringBuilder(256);
        void Put(string name, string value) => sb.Append(name).Append('=').Append(value).Append(',');
        ulong v;
        if ((v = key.Get(KeyField.PktMark)) != 0) Put("pkt_mark", $"0x{v:x}");
        if (recircId != 0) Put("recirc_id", $"0x{recircId:x}");
        if ((v = key.Get(KeyField.CtState)) != 0) Put("ct_state", CtStateText.Format((CtState)v));
        if ((v = key.Get(KeyField.CtZone)) != 0) Put("ct_zone", v.ToString());
        if ((v = key.Get(KeyField.CtMark)) != 0) Put("ct_mark", $"0x{v:x}");
        UInt128 label = ((UInt128)key.Get(KeyField.CtLabelHigh) << 64) | key.Get(KeyField.CtLabelLow);
        if (label != 0) Put("ct_label", $"0x{label:x}");
        ulong ctProto = key.Get(KeyField.CtNwProto);
        if (ctProto != 0)
        {
            Put("ct_nw_src", Ip(key.Get(KeyField.CtNwSrc)));
            Put("ct_nw_dst", Ip(key.Get(KeyField.CtNwDst)));
            Put("ct_nw_proto", ctProto.ToString());
            Put("ct_tp_src", key.Get(KeyField.CtTpSrc).ToString());
            Put("ct_tp_dst", key.Get(KeyField.CtTpDst).ToString());
        }
        if (recircId != 0) sb.Append("eth,");

        ushort dlType = (ushort)key.Get(KeyField.DlType);
        byte proto = (byte)key.Get(KeyField.NwProto);
        string? shorthand = dlType switch
        {
            0x0800 => proto switch { 6 => "tcp", 17 => "udp", 1 => "icmp", 132 => "sctp", _ => "ip" },
            0x0806 => "arp",
            0x8035 => "rarp",
            _ => null,
        };
        if (shorthand is not null) sb.Append(shorthand).Append(',');
        for (int i = 0; i < 16; i++)
            if ((v = key.Get(KeyField.Reg(i))) != 0) Put($"reg{i}", $"0x{v:x}");
        if ((v = key.Get(KeyField.Metadata)) != 0) Put("metadata", $"0x{v:x}");
        Put("in_port", OfPort.Format((uint)key.Get(KeyField.InPort)));
        ushort tci = (ushort)key.Get(KeyField.VlanTci);
        if ((tci & 0x1000) != 0)
        {
            Put("dl_vlan", (tci & 0x0FFF).ToString());
            Put("dl_vlan_pcp", (tci >> 13).ToString());
        }
        else Put("vlan_tci", $"0x{tci:x4}");
        Put("dl_src", new MacAddress(key.Get(KeyField.DlSrc)).ToString());
        Put("dl_dst", new MacAddress(key.Get(KeyField.DlDst)).ToString());
        if (shorthand is null) Put("dl_type", $"0x{dlType:x4}");

        if (dlType == 0x0800)
        {
            Put("nw_src", Ip(key.Get(KeyField.NwSrc)));
            Put("nw_dst", Ip(key.Get(KeyField.NwDst)));
            if (shorthand == "ip") Put("nw_proto", proto.ToString());
            byte tos = (byte)key.Get(KeyField.NwTos);
            Put("nw_tos", (tos & 0xFC).ToString());
            Put("nw_ecn", (tos & 3).ToString());
            Put("nw_ttl", key.Get(KeyField.NwTtl).ToString());
            var frag = (FragmentState)key.Get(KeyField.NwFrag);
            Put("nw_frag", (frag & FragmentState.Any) == 0 ? "no" : (frag & FragmentState.Later) != 0 ? "later" : "first");
            if ((frag & FragmentState.Later) == 0)
            {
                if (proto == 1)
                {
                    Put("icmp_type", key.Get(KeyField.TpSrc).ToString());
                    Put("icmp_code", key.Get(KeyField.TpDst).ToString());
                }
                else if (proto is 6 or 17 or 132)
                {
                    Put("tp_src", key.Get(KeyField.TpSrc).ToString());
                    Put("tp_dst", key.Get(KeyField.TpDst).ToString());
                    if (proto == 6) Put("tcp_flags", TcpFlags((ushort)key.Get(KeyField.TcpFlags)));
                }
            }
        }
        else if (dlType is 0x0806 or 0x8035)
        {
            Put("arp_spa", Ip(key.Get(KeyField.NwSrc)));
            Put("arp_tpa", Ip(key.Get(KeyField.NwDst)));
            Put("arp_op", proto.ToString());
            Put("arp_sha", new MacAddress(key.Get(KeyField.ArpSha)).ToString());
            Put("arp_tha", new MacAddress(key.Get(KeyField.ArpTha)).ToString());
        }
        if (sb.Length > 0 && sb[^1] == ',') sb.Length--;
        return sb.ToString();
    }

    private static string Ip(ulong v) => new Ipv4Address((uint)v).ToString();

    private static string TcpFlags(ushort flags)
    {
        if (flags == 0) return "0";
        var parts = new List<string>();
        for (int i = 0; i < TcpFlagNames.Length; i++) if ((flags & (1 << i)) != 0) parts.Add(TcpFlagNames[i]);
        return string.Join('|', parts);
    }
}
