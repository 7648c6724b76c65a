using System.Collections.Frozen;

namespace MeshSim.Ovs;

/// <summary>
/// The field registry: one <see cref="OvsField"/> per <see cref="OvsFieldId"/>, looked up by id
/// (array index) or by any accepted name. Names, widths and prerequisites follow ovs-fields(7)
/// for Open vSwitch 3.1.
/// </summary>
public static class OvsFields
{
    private static readonly OvsField[] ById = Build();
    private static readonly FrozenDictionary<string, OvsField> ByFieldName = BuildFieldNames();
    private static readonly FrozenDictionary<string, OvsField> ByHeaderName = BuildHeaderNames();
    private static readonly FrozenDictionary<string, OvsField> ByName = BuildNames();

    /// <summary>All fields, indexed by <see cref="OvsFieldId"/>.</summary>
    public static IReadOnlyList<OvsField> All => ById;

    /// <summary>The registry entry of <paramref name="id"/>.</summary>
    public static OvsField Get(OvsFieldId id) => ById[(int)id];

    /// <summary>Finds a field by match name, alias, OXM name or NXM name (<c>NXM_OF_ETH_SRC</c>); case-sensitive like OVS.</summary>
    public static bool TryGet(string name, out OvsField field) => ByName.TryGetValue(name, out field!);

    /// <summary>Finds a field by name from a span of text.</summary>
    public static bool TryGet(ReadOnlySpan<char> name, out OvsField field) =>
        ByName.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out field!);

    /// <summary>
    /// OVS's <c>mf_from_name</c>: the field's own names only (<c>eth_src</c>, <c>dl_src</c>, <c>tcp_src</c>, <c>xreg0</c>),
    /// which is what matches and <c>set_field</c> accept. <c>tp_src</c> finds the match field <see cref="OvsFieldId.TpSrc"/>.
    /// </summary>
    public static bool TryGetName(string name, out OvsField field) => ByFieldName.TryGetValue(name, out field!);

    /// <summary>OVS's <c>nxm_field_by_name</c>: an NXM or OXM header name (<c>NXM_OF_ETH_SRC</c>, <c>OXM_OF_PKT_REG0</c>).</summary>
    public static bool TryGetHeader(string name, out OvsField field) => ByHeaderName.TryGetValue(name, out field!);

    /// <summary>The wide register view xreg<paramref name="index"/> (0–7).</summary>
    public static OvsFieldId Xreg(int index) => (OvsFieldId)((int)OvsFieldId.Xreg0 + index);

    /// <summary>The wide register view xxreg<paramref name="index"/> (0–3).</summary>
    public static OvsFieldId Xxreg(int index) => (OvsFieldId)((int)OvsFieldId.Xxreg0 + index);

    /// <summary>
    /// The field OVS means when an action names <paramref name="id"/>: OVS has no separate <c>tp_src</c>/<c>tp_dst</c>
    /// fields, those are other names of <c>tcp_src</c>/<c>tcp_dst</c> (so <c>load:1-&gt;tp_src[]</c> needs TCP).
    /// Only matches and the <c>mod_tp_*</c> actions have protocol-neutral ports.
    /// </summary>
    public static OvsFieldId ActionField(OvsFieldId id) => id switch
    {
        OvsFieldId.TpSrc => OvsFieldId.TcpSrc,
        OvsFieldId.TpDst => OvsFieldId.TcpDst,
        _ => id,
    };

    /// <summary>The register field for index 0–15.</summary>
    public static OvsFieldId Reg(int index) => (OvsFieldId)((int)OvsFieldId.Reg0 + index);

    private static OvsField[] Build()
    {
        var all = new OvsField?[Enum.GetValues<OvsFieldId>().Length];
        void Add(OvsFieldId id, string name, string oxm, string? nxm, int bits, bool maskable, bool writable,
                 FieldPrerequisite pre, FieldFormat fmt, OvsFieldId? slot = null, int shift = 0, params string[] aliases) =>
            all[(int)id] = new OvsField(id, name, aliases, oxm, nxm, bits, maskable, writable, pre, fmt, slot ?? id, shift);

        const FieldPrerequisite N = FieldPrerequisite.None;
        Add(OvsFieldId.InPort, "in_port", "in_port", "NXM_OF_IN_PORT", 16, false, true, N, FieldFormat.Port);
        Add(OvsFieldId.Metadata, "metadata", "metadata", "OXM_OF_METADATA", 64, true, true, N, FieldFormat.Hex);
        Add(OvsFieldId.PktMark, "pkt_mark", "pkt_mark", "NXM_NX_PKT_MARK", 32, true, true, N, FieldFormat.Hex);
        for (int i = 0; i < 16; i++)
            Add(Reg(i), $"reg{i}", $"reg{i}", $"NXM_NX_REG{i}", 32, true, true, N, FieldFormat.Hex);

        Add(OvsFieldId.CtState, "ct_state", "ct_state", "NXM_NX_CT_STATE", 32, true, false, N, FieldFormat.CtState);
        Add(OvsFieldId.CtZone, "ct_zone", "ct_zone", "NXM_NX_CT_ZONE", 16, false, false, N, FieldFormat.Decimal);
        Add(OvsFieldId.CtMark, "ct_mark", "ct_mark", "NXM_NX_CT_MARK", 32, true, true, N, FieldFormat.Hex);
        Add(OvsFieldId.CtLabel, "ct_label", "ct_label", "NXM_NX_CT_LABEL", 128, true, true, N, FieldFormat.Hex128);
        Add(OvsFieldId.CtNwSrc, "ct_nw_src", "ct_nw_src", "NXM_NX_CT_NW_SRC", 32, true, false, FieldPrerequisite.Ip, FieldFormat.Ipv4);
        Add(OvsFieldId.CtNwDst, "ct_nw_dst", "ct_nw_dst", "NXM_NX_CT_NW_DST", 32, true, false, FieldPrerequisite.Ip, FieldFormat.Ipv4);
        Add(OvsFieldId.CtNwProto, "ct_nw_proto", "ct_nw_proto", "NXM_NX_CT_NW_PROTO", 8, false, false, FieldPrerequisite.Ip, FieldFormat.Decimal);
        Add(OvsFieldId.CtTpSrc, "ct_tp_src", "ct_tp_src", "NXM_NX_CT_TP_SRC", 16, true, false, FieldPrerequisite.Ip, FieldFormat.Decimal);
        Add(OvsFieldId.CtTpDst, "ct_tp_dst", "ct_tp_dst", "NXM_NX_CT_TP_DST", 16, true, false, FieldPrerequisite.Ip, FieldFormat.Decimal);

        Add(OvsFieldId.EthSrc, "dl_src", "eth_src", "NXM_OF_ETH_SRC", 48, true, true, N, FieldFormat.Ethernet, aliases: "eth_src");
        Add(OvsFieldId.EthDst, "dl_dst", "eth_dst", "NXM_OF_ETH_DST", 48, true, true, N, FieldFormat.Ethernet, aliases: "eth_dst");
        Add(OvsFieldId.EthType, "dl_type", "eth_type", "NXM_OF_ETH_TYPE", 16, false, false, N, FieldFormat.EtherType, aliases: "eth_type");
        Add(OvsFieldId.VlanTci, "vlan_tci", "vlan_tci", "NXM_OF_VLAN_TCI", 16, true, true, N, FieldFormat.Tci);

        Add(OvsFieldId.NwSrc, "nw_src", "ip_src", "NXM_OF_IP_SRC", 32, true, true, FieldPrerequisite.Ipv4, FieldFormat.Ipv4, aliases: "ip_src");
        Add(OvsFieldId.NwDst, "nw_dst", "ip_dst", "NXM_OF_IP_DST", 32, true, true, FieldPrerequisite.Ipv4, FieldFormat.Ipv4, aliases: "ip_dst");
        Add(OvsFieldId.NwProto, "nw_proto", "nw_proto", "NXM_OF_IP_PROTO", 8, false, false, FieldPrerequisite.Ipv4, FieldFormat.Decimal, aliases: "ip_proto");
        Add(OvsFieldId.NwTos, "nw_tos", "nw_tos", "NXM_OF_IP_TOS", 8, false, true, FieldPrerequisite.Ipv4, FieldFormat.Decimal);
        Add(OvsFieldId.NwTtl, "nw_ttl", "nw_ttl", "NXM_NX_IP_TTL", 8, false, true, FieldPrerequisite.Ipv4, FieldFormat.Decimal);
        Add(OvsFieldId.NwFrag, "nw_frag", "ip_frag", "NXM_NX_IP_FRAG", 2, true, false, FieldPrerequisite.Ipv4, FieldFormat.Fragment, aliases: "ip_frag");
        Add(OvsFieldId.ArpSha, "arp_sha", "arp_sha", "NXM_NX_ARP_SHA", 48, true, true, FieldPrerequisite.Arp, FieldFormat.Ethernet);
        Add(OvsFieldId.ArpTha, "arp_tha", "arp_tha", "NXM_NX_ARP_THA", 48, true, true, FieldPrerequisite.Arp, FieldFormat.Ethernet);

        Add(OvsFieldId.TpSrc, "tp_src", "tcp_src", "NXM_OF_TCP_SRC", 16, true, true, FieldPrerequisite.L4, FieldFormat.Decimal);
        Add(OvsFieldId.TpDst, "tp_dst", "tcp_dst", "NXM_OF_TCP_DST", 16, true, true, FieldPrerequisite.L4, FieldFormat.Decimal);
        Add(OvsFieldId.TcpFlags, "tcp_flags", "tcp_flags", "NXM_NX_TCP_FLAGS", 12, true, false, FieldPrerequisite.Tcp, FieldFormat.TcpFlags);

        Add(OvsFieldId.DlVlan, "dl_vlan", "dl_vlan", null, 12, false, true, N, FieldFormat.Decimal, OvsFieldId.VlanTci, 0);
        Add(OvsFieldId.DlVlanPcp, "dl_vlan_pcp", "dl_vlan_pcp", null, 3, false, true, N, FieldFormat.Decimal, OvsFieldId.VlanTci, 13);
        Add(OvsFieldId.VlanVid, "vlan_vid", "vlan_vid", "OXM_OF_VLAN_VID", 13, true, true, FieldPrerequisite.Vlan, FieldFormat.Decimal, OvsFieldId.VlanTci, 0);
        Add(OvsFieldId.IpDscp, "ip_dscp", "ip_dscp", "OXM_OF_IP_DSCP", 6, false, true, FieldPrerequisite.Ipv4, FieldFormat.Decimal, OvsFieldId.NwTos, 2);
        Add(OvsFieldId.NwEcn, "nw_ecn", "nw_ecn", "NXM_NX_IP_ECN", 2, false, true, FieldPrerequisite.Ipv4, FieldFormat.Decimal, OvsFieldId.NwTos, 0, "ip_ecn");
        Add(OvsFieldId.ArpOp, "arp_op", "arp_op", "NXM_OF_ARP_OP", 16, false, true, FieldPrerequisite.Arp, FieldFormat.Decimal, OvsFieldId.NwProto, 0);
        Add(OvsFieldId.ArpSpa, "arp_spa", "arp_spa", "NXM_OF_ARP_SPA", 32, true, true, FieldPrerequisite.Arp, FieldFormat.Ipv4, OvsFieldId.NwSrc, 0);
        Add(OvsFieldId.ArpTpa, "arp_tpa", "arp_tpa", "NXM_OF_ARP_TPA", 32, true, true, FieldPrerequisite.Arp, FieldFormat.Ipv4, OvsFieldId.NwDst, 0);
        Add(OvsFieldId.TcpSrc, "tcp_src", "tcp_src", "NXM_OF_TCP_SRC", 16, true, true, FieldPrerequisite.Tcp, FieldFormat.Decimal, OvsFieldId.TpSrc, 0);
        Add(OvsFieldId.TcpDst, "tcp_dst", "tcp_dst", "NXM_OF_TCP_DST", 16, true, true, FieldPrerequisite.Tcp, FieldFormat.Decimal, OvsFieldId.TpDst, 0);
        Add(OvsFieldId.UdpSrc, "udp_src", "udp_src", "NXM_OF_UDP_SRC", 16, true, true, FieldPrerequisite.Udp, FieldFormat.Decimal, OvsFieldId.TpSrc, 0);
        Add(OvsFieldId.UdpDst, "udp_dst", "udp_dst", "NXM_OF_UDP_DST", 16, true, true, FieldPrerequisite.Udp, FieldFormat.Decimal, OvsFieldId.TpDst, 0);
        Add(OvsFieldId.IcmpType, "icmp_type", "icmp_type", "NXM_OF_ICMP_TYPE", 8, false, true, FieldPrerequisite.Icmp, FieldFormat.Decimal, OvsFieldId.TpSrc, 0, "icmpv4_type");
        Add(OvsFieldId.IcmpCode, "icmp_code", "icmp_code", "NXM_OF_ICMP_CODE", 8, false, true, FieldPrerequisite.Icmp, FieldFormat.Decimal, OvsFieldId.TpDst, 0, "icmpv4_code");

        Add(OvsFieldId.VlanPcp, "vlan_pcp", "vlan_pcp", "OXM_OF_VLAN_PCP", 3, false, true, FieldPrerequisite.Vlan, FieldFormat.Decimal, OvsFieldId.VlanTci, 13);

        // OpenFlow 1.1+'s 32-bit port numbers (LOCAL is 0xfffffffe): the same in_port, converted on every read and write.
        Add(OvsFieldId.InPortOxm, "in_port_oxm", "in_port_oxm", "OXM_OF_IN_PORT", 32, false, true, N, FieldFormat.Port, OvsFieldId.InPort, 0);
        Add(OvsFieldId.SctpSrc, "sctp_src", "sctp_src", "OXM_OF_SCTP_SRC", 16, true, true, FieldPrerequisite.Sctp, FieldFormat.Decimal, OvsFieldId.TpSrc, 0);
        Add(OvsFieldId.SctpDst, "sctp_dst", "sctp_dst", "OXM_OF_SCTP_DST", 16, true, true, FieldPrerequisite.Sctp, FieldFormat.Decimal, OvsFieldId.TpDst, 0);
        for (int i = 0; i < 8; i++)
        {
            Add(Xreg(i), $"xreg{i}", $"xreg{i}", $"OXM_OF_PKT_REG{i}", 64, true, true, N, FieldFormat.Hex, Reg(2 * i + 1), 0);
            all[(int)Xreg(i)] = all[(int)Xreg(i)]! with { Parts = [Reg(2 * i), Reg(2 * i + 1)] };
        }
        for (int i = 0; i < 4; i++)
        {
            Add(Xxreg(i), $"xxreg{i}", $"xxreg{i}", $"NXM_NX_XXREG{i}", 128, true, true, N, FieldFormat.Hex128, Reg(4 * i + 3), 0);
            all[(int)Xxreg(i)] = all[(int)Xxreg(i)]! with { Parts = [Reg(4 * i), Reg(4 * i + 1), Reg(4 * i + 2), Reg(4 * i + 3)] };
        }

        // Header names (NXM first, then OXM, as meta-flow.h lists them) and what OpenFlow 1.0 can carry.
        foreach (var (id, headers) in Headers())
            all[(int)id] = all[(int)id]! with { HeaderNames = headers };
        foreach (var id in (ReadOnlySpan<OvsFieldId>)[OvsFieldId.InPort, OvsFieldId.EthSrc, OvsFieldId.EthDst, OvsFieldId.EthType,
                     OvsFieldId.VlanTci, OvsFieldId.DlVlan, OvsFieldId.VlanVid, OvsFieldId.DlVlanPcp, OvsFieldId.VlanPcp,
                     OvsFieldId.NwProto, OvsFieldId.NwTos, OvsFieldId.IpDscp, OvsFieldId.ArpOp,
                     OvsFieldId.TpSrc, OvsFieldId.TpDst, OvsFieldId.TcpSrc, OvsFieldId.TcpDst, OvsFieldId.UdpSrc, OvsFieldId.UdpDst,
                     OvsFieldId.IcmpType, OvsFieldId.IcmpCode])
            all[(int)id] = all[(int)id]! with { Of10 = Of10Support.Exact };
        foreach (var id in (ReadOnlySpan<OvsFieldId>)[OvsFieldId.NwSrc, OvsFieldId.NwDst, OvsFieldId.ArpSpa, OvsFieldId.ArpTpa])
            all[(int)id] = all[(int)id]! with { Of10 = Of10Support.Cidr };

        return all.Select((f, i) => f ?? throw new InvalidOperationException($"field {(OvsFieldId)i} missing from registry")).ToArray();
    }

    // meta-flow.h's "NXM:"/"OXM:" lines for the fields MeshSim models. tp_src/tp_dst have none of their own:
    // NXM_OF_TCP_SRC and friends name tcp_src/tcp_dst.
    private static IEnumerable<(OvsFieldId, string[])> Headers()
    {
        yield return (OvsFieldId.InPort, ["NXM_OF_IN_PORT"]);
        yield return (OvsFieldId.InPortOxm, ["OXM_OF_IN_PORT"]);
        yield return (OvsFieldId.Metadata, ["OXM_OF_METADATA"]);
        yield return (OvsFieldId.PktMark, ["NXM_NX_PKT_MARK"]);
        for (int i = 0; i < 16; i++) yield return (Reg(i), [$"NXM_NX_REG{i}"]);
        for (int i = 0; i < 8; i++) yield return (Xreg(i), [$"OXM_OF_PKT_REG{i}"]);
        for (int i = 0; i < 4; i++) yield return (Xxreg(i), [$"NXM_NX_XXREG{i}"]);
        yield return (OvsFieldId.CtState, ["NXM_NX_CT_STATE"]);
        yield return (OvsFieldId.CtZone, ["NXM_NX_CT_ZONE"]);
        yield return (OvsFieldId.CtMark, ["NXM_NX_CT_MARK"]);
        yield return (OvsFieldId.CtLabel, ["NXM_NX_CT_LABEL"]);
        yield return (OvsFieldId.CtNwProto, ["NXM_NX_CT_NW_PROTO"]);
        yield return (OvsFieldId.CtNwSrc, ["NXM_NX_CT_NW_SRC"]);
        yield return (OvsFieldId.CtNwDst, ["NXM_NX_CT_NW_DST"]);
        yield return (OvsFieldId.CtTpSrc, ["NXM_NX_CT_TP_SRC"]);
        yield return (OvsFieldId.CtTpDst, ["NXM_NX_CT_TP_DST"]);
        yield return (OvsFieldId.EthSrc, ["NXM_OF_ETH_SRC", "OXM_OF_ETH_SRC"]);
        yield return (OvsFieldId.EthDst, ["NXM_OF_ETH_DST", "OXM_OF_ETH_DST"]);
        yield return (OvsFieldId.EthType, ["NXM_OF_ETH_TYPE", "OXM_OF_ETH_TYPE"]);
        yield return (OvsFieldId.VlanTci, ["NXM_OF_VLAN_TCI"]);
        yield return (OvsFieldId.VlanVid, ["OXM_OF_VLAN_VID"]);
        yield return (OvsFieldId.VlanPcp, ["OXM_OF_VLAN_PCP"]);
        yield return (OvsFieldId.NwSrc, ["NXM_OF_IP_SRC", "OXM_OF_IPV4_SRC"]);
        yield return (OvsFieldId.NwDst, ["NXM_OF_IP_DST", "OXM_OF_IPV4_DST"]);
        yield return (OvsFieldId.NwProto, ["NXM_OF_IP_PROTO", "OXM_OF_IP_PROTO"]);
        yield return (OvsFieldId.NwTos, ["NXM_OF_IP_TOS"]);
        yield return (OvsFieldId.IpDscp, ["OXM_OF_IP_DSCP"]);
        yield return (OvsFieldId.NwEcn, ["NXM_NX_IP_ECN", "OXM_OF_IP_ECN"]);
        yield return (OvsFieldId.NwTtl, ["NXM_NX_IP_TTL"]);
        yield return (OvsFieldId.NwFrag, ["NXM_NX_IP_FRAG"]);
        yield return (OvsFieldId.ArpOp, ["NXM_OF_ARP_OP", "OXM_OF_ARP_OP"]);
        yield return (OvsFieldId.ArpSpa, ["NXM_OF_ARP_SPA", "OXM_OF_ARP_SPA"]);
        yield return (OvsFieldId.ArpTpa, ["NXM_OF_ARP_TPA", "OXM_OF_ARP_TPA"]);
        yield return (OvsFieldId.ArpSha, ["NXM_NX_ARP_SHA", "OXM_OF_ARP_SHA"]);
        yield return (OvsFieldId.ArpTha, ["NXM_NX_ARP_THA", "OXM_OF_ARP_THA"]);
        yield return (OvsFieldId.TcpSrc, ["NXM_OF_TCP_SRC", "OXM_OF_TCP_SRC"]);
        yield return (OvsFieldId.TcpDst, ["NXM_OF_TCP_DST", "OXM_OF_TCP_DST"]);
        yield return (OvsFieldId.TcpFlags, ["NXM_NX_TCP_FLAGS", "ONFOXM_ET_TCP_FLAGS"]);
        yield return (OvsFieldId.UdpSrc, ["NXM_OF_UDP_SRC", "OXM_OF_UDP_SRC"]);
        yield return (OvsFieldId.UdpDst, ["NXM_OF_UDP_DST", "OXM_OF_UDP_DST"]);
        yield return (OvsFieldId.SctpSrc, ["OXM_OF_SCTP_SRC"]);
        yield return (OvsFieldId.SctpDst, ["OXM_OF_SCTP_DST"]);
        yield return (OvsFieldId.IcmpType, ["NXM_OF_ICMP_TYPE", "OXM_OF_ICMPV4_TYPE"]);
        yield return (OvsFieldId.IcmpCode, ["NXM_OF_ICMP_CODE", "OXM_OF_ICMPV4_CODE"]);
    }

    private static FrozenDictionary<string, OvsField> BuildFieldNames()
    {
        var d = new Dictionary<string, OvsField>(StringComparer.Ordinal);
        foreach (var f in ById)
        {
            d.TryAdd(f.Name, f);
            foreach (var a in f.Aliases) d.TryAdd(a, f);
        }
        // OXM spellings last, so the plain names above win (tp_src's OXM name tcp_src names tcp_src itself).
        foreach (var f in ById) d.TryAdd(f.OxmName, f);
        return d.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static FrozenDictionary<string, OvsField> BuildHeaderNames()
    {
        var d = new Dictionary<string, OvsField>(StringComparer.Ordinal);
        foreach (var f in ById)
            foreach (var h in f.HeaderNames) d.Add(h, f);
        return d.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static FrozenDictionary<string, OvsField> BuildNames()
    {
        var d = new Dictionary<string, OvsField>(ByFieldName, StringComparer.Ordinal);
        foreach (var (name, f) in ByHeaderName) d.TryAdd(name, f);
        return d.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
