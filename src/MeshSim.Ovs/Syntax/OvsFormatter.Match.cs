using System.Globalization;
using System.Text;

namespace MeshSim.Ovs;

public static partial class OvsFormatter
{
    private const ushort EthIp = 0x0800, EthArp = 0x0806, EthRarp = 0x8035, EthIpv6 = 0x86dd, EthMpls = 0x8847, EthMplsMcast = 0x8848;

    /// <summary>
    /// OVS's <c>match_format</c>, field for field and in its order: priority, pkt_mark, ct_*, the
    /// protocol shorthand (ip/tcp/udp/icmp/arp/…), registers, metadata, in_port, VLAN, dl_src/dl_dst,
    /// dl_type (when no shorthand), L3 addresses (arp_spa/arp_tpa for ARP), nw_proto/arp_op, arp_sha/tha,
    /// nw_tos, nw_ecn, nw_ttl, nw_frag, L4 ports (icmp_type/icmp_code for ICMP), tcp_flags.
    /// </summary>
    internal static void AppendMatch(StringBuilder sb, Match match, int priority)
    {
        int start = sb.Length;
        if (priority != DefaultPriority) sb.Append("priority=").Append(priority).Append(',');

        Get(match, OvsFieldId.PktMark, out var pktMark);
        AppendUInt32Masked(sb, "pkt_mark", pktMark);

        if (Get(match, OvsFieldId.CtState, out var ctState))
        {
            sb.Append("ct_state=");
            AppendFlags(sb, (uint)ctState.Value, (uint)ctState.Mask, 0xff, CtStateNames);
            sb.Append(',');
        }
        if (Get(match, OvsFieldId.CtZone, out var ctZone))
            AppendUInt16Masked(sb, "ct_zone", ctZone);
        if (Get(match, OvsFieldId.CtMark, out var ctMark))
            AppendUInt32Masked(sb, "ct_mark", ctMark);
        if (Get(match, OvsFieldId.CtLabel, out var ctLabel))
        {
            sb.Append("ct_label=").Append(HexOrZero(ctLabel.Value));
            if (ctLabel.Mask != UInt128.MaxValue) sb.Append('/').Append(HexOrZero(ctLabel.Mask));
            sb.Append(',');
        }
        AppendIpField(sb, match, OvsFieldId.CtNwSrc, "ct_nw_src");
        AppendIpField(sb, match, OvsFieldId.CtNwDst, "ct_nw_dst");
        if (Get(match, OvsFieldId.CtNwProto, out var ctProto))
        {
            sb.Append("ct_nw_proto=").Append((byte)ctProto.Value).Append(',');
            if (Get(match, OvsFieldId.CtTpSrc, out var cts)) AppendDecimalMasked(sb, "ct_tp_src", cts);
            if (Get(match, OvsFieldId.CtTpDst, out var ctd)) AppendDecimalMasked(sb, "ct_tp_dst", ctd);
        }

        ushort? ethType = match.EthType;
        bool hasNwProto = Get(match, OvsFieldId.NwProto, out var nwProtoMatch);
        byte nwProto = hasNwProto ? (byte)nwProtoMatch.Value : (byte)0;
        bool skipType = false, skipProto = false;
        if (ethType is { } dlType)
        {
            skipType = true;
            string? shorthand = dlType switch
            {
                EthIp => !hasNwProto ? "ip" : nwProto switch { 1 => "icmp", 6 => "tcp", 17 => "udp", 132 => "sctp", _ => "ip" },
                EthIpv6 => !hasNwProto ? "ipv6" : nwProto switch { 58 => "icmp6", 6 => "tcp6", 17 => "udp6", 132 => "sctp6", _ => "ipv6" },
                EthArp => "arp",
                EthRarp => "rarp",
                EthMpls => "mpls",
                EthMplsMcast => "mplsm",
                _ => null,
            };
            if (shorthand is null) skipType = false;
            else
            {
                sb.Append(shorthand).Append(',');
                skipProto = hasNwProto && (dlType == EthIp ? nwProto is 1 or 6 or 17 or 132 : dlType == EthIpv6 && nwProto is 58 or 6 or 17 or 132);
            }
        }

        for (int i = 0; i < 16; i++)
            if (Get(match, OvsFields.Reg(i), out var reg)) AppendUInt32Masked(sb, $"reg{i}", reg);

        if (Get(match, OvsFieldId.Metadata, out var metadata))
        {
            sb.Append("metadata=").Append(HexOrZero(metadata.Value));
            if (metadata.Mask != ulong.MaxValue) sb.Append('/').Append(HexOrZero(metadata.Mask));
            sb.Append(',');
        }
        if (Get(match, OvsFieldId.InPort, out var inPort))
            sb.Append("in_port=").Append(OfPort.Format((uint)inPort.Value)).Append(',');

        if (Get(match, OvsFieldId.VlanTci, out var tci)) AppendVlan(sb, (ushort)tci.Value, (ushort)tci.Mask);

        AppendEthField(sb, match, OvsFieldId.EthSrc, "dl_src");
        AppendEthField(sb, match, OvsFieldId.EthDst, "dl_dst");

        if (!skipType && ethType is { } t)
            sb.Append("dl_type=0x").Append(t.ToString("x4", CultureInfo.InvariantCulture)).Append(',');

        bool isArp = ethType is EthArp or EthRarp;
        AppendIpField(sb, match, OvsFieldId.NwSrc, isArp ? "arp_spa" : "nw_src");
        AppendIpField(sb, match, OvsFieldId.NwDst, isArp ? "arp_tpa" : "nw_dst");
        if (!skipProto && hasNwProto)
            sb.Append(isArp ? "arp_op=" : "nw_proto=").Append(nwProto).Append(',');
        if (isArp)
        {
            AppendEthField(sb, match, OvsFieldId.ArpSha, "arp_sha");
            AppendEthField(sb, match, OvsFieldId.ArpTha, "arp_tha");
        }
        if (Get(match, OvsFieldId.NwTos, out var tos))
        {
            if ((tos.Mask & 0xfc) != 0) sb.Append("nw_tos=").Append((byte)(tos.Value & 0xfc)).Append(',');
            if ((tos.Mask & 0x03) != 0) sb.Append("nw_ecn=").Append((byte)(tos.Value & 0x03)).Append(',');
        }
        if (Get(match, OvsFieldId.NwTtl, out var ttl)) sb.Append("nw_ttl=").Append((byte)ttl.Value).Append(',');
        if (Get(match, OvsFieldId.NwFrag, out var frag))
            sb.Append("nw_frag=").Append(FragName((byte)frag.Value, (byte)frag.Mask)).Append(',');

        bool isIcmp = (ethType == EthIp && nwProto == 1) || (ethType == EthIpv6 && nwProto == 58);
        if (Get(match, OvsFieldId.TpSrc, out var tpSrc)) AppendDecimalMasked(sb, isIcmp ? "icmp_type" : "tp_src", tpSrc);
        if (Get(match, OvsFieldId.TpDst, out var tpDst)) AppendDecimalMasked(sb, isIcmp ? "icmp_code" : "tp_dst", tpDst);
        if (ethType is EthIp or EthIpv6 && nwProto == 6 && Get(match, OvsFieldId.TcpFlags, out var tcpFlags))
        {
            sb.Append("tcp_flags=");
            AppendFlags(sb, (uint)tcpFlags.Value, (uint)tcpFlags.Mask, 0xfff, TcpFlagNames);
            sb.Append(',');
        }

        if (sb.Length > start) Chomp(sb, ',');
    }

    private static bool Get(Match match, OvsFieldId slot, out FieldMatch fm) => match.TryGet(slot, out fm);

    // format_uint32_masked: "%#x" value, "/%#x" mask unless all ones.
    private static void AppendUInt32Masked(StringBuilder sb, string name, FieldMatch fm)
    {
        if (fm.Mask == 0) return;
        sb.Append(name).Append('=').Append(HexOrZero(fm.Value));
        if (fm.Mask != uint.MaxValue) sb.Append('/').Append(HexOrZero(fm.Mask));
        sb.Append(',');
    }

    // format_uint16_masked / format_be16_masked: decimal when exact, "0x%x/0x%x" otherwise.
    private static void AppendUInt16Masked(StringBuilder sb, string name, FieldMatch fm) => AppendDecimalMasked(sb, name, fm);

    private static void AppendDecimalMasked(StringBuilder sb, string name, FieldMatch fm)
    {
        if (fm.Mask == 0) return;
        sb.Append(name).Append('=');
        if (fm.IsExact) sb.Append((ulong)fm.Value);
        else sb.Append("0x").Append(Hex(fm.Value)).Append("/0x").Append(Hex(fm.Mask));
        sb.Append(',');
    }

    private static void AppendIpField(StringBuilder sb, Match match, OvsFieldId slot, string name)
    {
        if (!Get(match, slot, out var fm)) return;
        sb.Append(name).Append('=');
        AppendIpMasked(sb, fm.Value, fm.Mask);
        sb.Append(',');
    }

    private static void AppendEthField(StringBuilder sb, Match match, OvsFieldId slot, string name)
    {
        if (!Get(match, slot, out var fm)) return;
        sb.Append(name).Append('=').Append(Mac(fm.Value));
        if (fm.Mask != 0xffff_ffff_ffffUL) sb.Append('/').Append(Mac(fm.Mask));
        sb.Append(',');
    }

    // match_format's VLAN block for the first tag.
    private static void AppendVlan(StringBuilder sb, ushort tci, ushort mask)
    {
        const ushort VidMask = 0x0fff, PcpMask = 0xe000, Cfi = 0x1000;
        ushort vidMask = (ushort)(mask & VidMask), pcpMask = (ushort)(mask & PcpMask);
        bool cfi = (mask & Cfi) != 0;
        if (cfi && (tci & Cfi) != 0
            && (vidMask == 0 || vidMask == VidMask)
            && (pcpMask == 0 || pcpMask == PcpMask)
            && (vidMask != 0 || pcpMask != 0))
        {
            if (vidMask != 0) sb.Append("dl_vlan=").Append(tci & VidMask).Append(',');
            if (pcpMask != 0) sb.Append("dl_vlan_pcp=").Append(tci >> 13).Append(',');
        }
        else if (mask == 0xffff)
            sb.Append("vlan_tci=0x").Append(tci.ToString("x4", CultureInfo.InvariantCulture)).Append(',');
        else
            sb.Append("vlan_tci=0x").Append(tci.ToString("x4", CultureInfo.InvariantCulture))
              .Append("/0x").Append(mask.ToString("x4", CultureInfo.InvariantCulture)).Append(',');
    }
}
