using System.Buffers.Binary;
using MeshSim.Ovs.Classification;

namespace MeshSim.Ovs.Datapath;

/// <summary>
/// The flow hashes OVS 3.1 chooses select-group buckets with (lib/flow.c), computed from a
/// <see cref="PacketKey"/> bit for bit: <c>flow_hash_5tuple</c> (the userspace datapath's RSS hash),
/// <c>flow_hash_symmetric_l4</c> (the "default" method), <c>flow_hash_symmetric_l3l4</c> with its L2
/// fallback (dp_hash's <c>sym_l4</c> algorithm) and the hash over <c>fields(...)</c> (method "hash").
/// </summary>
/// <remarks>
/// The key holds values right-aligned in host order; OVS hashes <c>struct flow</c> members as they lie
/// in memory, network order read as little-endian words. Hence the byte swaps. Nothing allocates.
/// </remarks>
public static class FlowHash
{
    private const ushort EthIp = 0x0800, EthArp = 0x0806;
    private const byte Tcp = 6, Udp = 17, Sctp = 132, Icmp = 1, Icmpv6 = 58;

    /// <summary>The L3/L4 fields the 5-tuple hash reads, as captured when a packet enters the datapath.</summary>
    public readonly record struct FiveTuple(ushort DlType, uint NwSrc, uint NwDst, byte NwProto, ushort TpSrc, ushort TpDst)
    {
        /// <summary>The tuple of a key.</summary>
        public static FiveTuple Of(in PacketKey key) => new(
            (ushort)key.Get(KeyField.DlType), (uint)key.Get(KeyField.NwSrc), (uint)key.Get(KeyField.NwDst),
            (byte)key.Get(KeyField.NwProto), (ushort)key.Get(KeyField.TpSrc), (ushort)key.Get(KeyField.TpDst));
    }

    /// <summary><c>flow_hash_5tuple</c> (equal to <c>miniflow_hash_5tuple</c>): the RSS hash the userspace
    /// datapath gives a packet that arrives without one, and what <c>hash(l4(basis))</c> starts from.</summary>
    public static uint FiveTupleHash(in FiveTuple t, uint basis)
    {
        uint hash = basis;
        if (t.DlType is EthIp or EthArp)
        {
            hash = OvsHash.Add(hash, Be32(t.NwSrc));
            hash = OvsHash.Add(hash, Be32(t.NwDst));
            hash = OvsHash.Add(hash, t.NwProto);
            // For ARP nw_proto is the opcode's low byte: a request (1) reads as ICMP and hashes its zero ports, as OVS does.
            if (t.NwProto is Tcp or Udp or Sctp or Icmp or Icmpv6)
                hash = OvsHash.Add(hash, Be16(t.TpSrc) | (uint)Be16(t.TpDst) << 16);
        }
        return OvsHash.Finish(hash, 42);
    }

    /// <summary>The datapath's <c>hash(l4(basis))</c> on the userspace datapath: <c>hash_int(rss, basis)</c>,
    /// where the RSS hash is the 5-tuple hash of the packet as it entered.</summary>
    public static uint DatapathL4(in FiveTuple ingress, uint basis) => OvsHash.Int(FiveTupleHash(in ingress, 0), basis);

    /// <summary><c>flow_hash_symmetric_l3l4(flow, basis, false)</c>: the datapath's <c>hash(sym_l4(basis))</c>.
    /// Non-IP packets fall back to <c>flow_hash_symmetric_l2</c>.</summary>
    public static uint SymmetricL3L4(in PacketKey key, uint basis)
    {
        if ((ushort)key.Get(KeyField.DlType) != EthIp) return SymmetricL2(in key, basis);
        uint hash = OvsHash.Add(basis, Be32((uint)(key.Get(KeyField.NwSrc) ^ key.Get(KeyField.NwDst))));
        byte proto = (byte)key.Get(KeyField.NwProto);
        hash = OvsHash.Add(hash, proto);
        bool fragment = (key.Get(KeyField.NwFrag) & 3) != 0;
        if (!fragment && proto is Tcp or Sctp)
            hash = OvsHash.Add(hash, Be16((ushort)(key.Get(KeyField.TpSrc) ^ key.Get(KeyField.TpDst))));
        return OvsHash.Finish(hash, basis);
    }

    /// <summary><c>flow_hash_symmetric_l2</c>: Ethernet type, VLAN id and the XOR of the two MACs.</summary>
    public static uint SymmetricL2(in PacketKey key, uint basis)
    {
        ulong macs = key.Get(KeyField.DlSrc) ^ key.Get(KeyField.DlDst);
        ushort vid = (ushort)(key.Get(KeyField.VlanTci) & 0x0FFF);
        uint word0 = Be16((ushort)key.Get(KeyField.DlType)) | (uint)Be16(vid) << 16;
        uint word1 = Be32((uint)(macs >> 16));
        uint word2 = Be16((ushort)macs);
        uint hash = OvsHash.Add(basis, word0);
        hash = OvsHash.Add(hash, word1);
        hash = OvsHash.Add(hash, word2);
        return OvsHash.Finish(hash, basis);
    }

    /// <summary><c>flow_hash_symmetric_l4(flow, basis)</c>: Jenkins' hash of a 32-byte struct holding the XORed
    /// addresses, Ethernet type, VLAN id, XORed TCP/SCTP ports, XORed MACs and IP protocol.</summary>
    public static uint SymmetricL4(in PacketKey key, uint basis)
    {
        Span<byte> fields = stackalloc byte[32];
        fields.Clear();
        ushort dlType = (ushort)key.Get(KeyField.DlType);
        if (dlType == EthIp)
        {
            BinaryPrimitives.WriteUInt32BigEndian(fields, (uint)(key.Get(KeyField.NwSrc) ^ key.Get(KeyField.NwDst)));
            byte proto = (byte)key.Get(KeyField.NwProto);
            fields[28] = proto;
            if (proto is Tcp or Sctp)
                BinaryPrimitives.WriteUInt16BigEndian(fields[20..], (ushort)(key.Get(KeyField.TpSrc) ^ key.Get(KeyField.TpDst)));
        }
        BinaryPrimitives.WriteUInt16BigEndian(fields[16..], dlType);
        BinaryPrimitives.WriteUInt16BigEndian(fields[18..], (ushort)(key.Get(KeyField.VlanTci) & 0x0FFF));
        ulong macs = key.Get(KeyField.DlSrc) ^ key.Get(KeyField.DlDst);
        for (int i = 0; i < 6; i++) fields[22 + i] = (byte)(macs >> (40 - 8 * i));
        return OvsHash.JenkinsBytes(fields, basis);
    }

    /// <summary>The basis of <c>selection_method=hash</c>: <c>hash_uint64(param)</c>, then <c>hash_bytes</c> of each
    /// listed field (masked, network order) in OVS's field-id order, skipping fields whose prerequisites the
    /// packet does not meet. <paramref name="fields"/> must already be in that order (<see cref="HashFieldOrder"/>).</summary>
    public static uint Fields(in PacketKey key, ReadOnlySpan<FieldMatch> fields, ulong param)
    {
        uint basis = OvsHash.Uint64(param);
        Span<byte> value = stackalloc byte[16];
        foreach (var f in fields)
        {
            var info = OvsFields.Get(f.Field);
            if (!PrerequisitesMet(in key, f.Field, info.Prerequisite)) continue;
            int n = (info.Bits + 7) / 8;
            var v = FieldMap.Read(in key, f.Field) & f.Mask;
            if (f.Field == OvsFieldId.NwTos) v &= 0xFC;   // nw_tos is OVS's MFF_IP_DSCP: the DSCP bits in place
            for (int i = 0; i < n; i++) value[i] = (byte)(v >> (8 * (n - 1 - i)));
            basis = OvsHash.Bytes(value[..n], basis);
        }
        return basis;
    }

    /// <summary>OVS's field id (<c>enum mf_field_id</c>) rank of a field, which orders <c>fields(...)</c>
    /// for hashing whatever order the text lists them in; -1 for a field OVS cannot hash.</summary>
    public static int HashFieldOrder(OvsFieldId id) => id switch
    {
        OvsFieldId.Metadata => 84, OvsFieldId.InPort => 85, OvsFieldId.PktMark => 89,
        OvsFieldId.CtState => 90, OvsFieldId.CtZone => 91, OvsFieldId.CtMark => 92, OvsFieldId.CtLabel => 93,
        OvsFieldId.CtNwProto => 94, OvsFieldId.CtNwSrc => 95, OvsFieldId.CtNwDst => 96,
        OvsFieldId.CtTpSrc => 99, OvsFieldId.CtTpDst => 100,
        OvsFieldId.InPortOxm => 86,
        >= OvsFieldId.Reg0 and <= OvsFieldId.Reg15 => 101 + (id - OvsFieldId.Reg0),
        >= OvsFieldId.Xreg0 and <= OvsFieldId.Xreg7 => 117 + (id - OvsFieldId.Xreg0),
        >= OvsFieldId.Xxreg0 and <= OvsFieldId.Xxreg3 => 125 + (id - OvsFieldId.Xxreg0),
        OvsFieldId.EthSrc => 129, OvsFieldId.EthDst => 130, OvsFieldId.EthType => 131, OvsFieldId.VlanTci => 132,
        OvsFieldId.DlVlan => 133, OvsFieldId.VlanVid => 134, OvsFieldId.DlVlanPcp => 135, OvsFieldId.VlanPcp => 136,
        OvsFieldId.NwSrc => 141, OvsFieldId.NwDst => 142, OvsFieldId.NwProto => 146, OvsFieldId.NwTos => 147,
        OvsFieldId.IpDscp => 148, OvsFieldId.NwEcn => 149, OvsFieldId.NwTtl => 150, OvsFieldId.NwFrag => 151,
        OvsFieldId.ArpOp => 152, OvsFieldId.ArpSpa => 153, OvsFieldId.ArpTpa => 154, OvsFieldId.ArpSha => 155, OvsFieldId.ArpTha => 156,
        OvsFieldId.TpSrc or OvsFieldId.TcpSrc => 157, OvsFieldId.TpDst or OvsFieldId.TcpDst => 158, OvsFieldId.TcpFlags => 159,
        OvsFieldId.UdpSrc => 160, OvsFieldId.UdpDst => 161, OvsFieldId.SctpSrc => 162, OvsFieldId.SctpDst => 163,
        OvsFieldId.IcmpType => 164, OvsFieldId.IcmpCode => 165,
        _ => -1,
    };

    // mf_are_prereqs_ok for the fields above. tp_src/tp_dst are OVS's tcp_src/tcp_dst; OVS's VLAN fields have
    // no prerequisite (an untagged packet hashes its zero VID).
    private static bool PrerequisitesMet(in PacketKey key, OvsFieldId id, FieldPrerequisite pre)
    {
        ushort dlType = (ushort)key.Get(KeyField.DlType);
        byte proto = (byte)key.Get(KeyField.NwProto);
        if (id is OvsFieldId.TpSrc or OvsFieldId.TpDst) pre = FieldPrerequisite.Tcp;
        return pre switch
        {
            FieldPrerequisite.Ipv4 or FieldPrerequisite.Ip => dlType == EthIp,
            FieldPrerequisite.Arp => dlType is EthArp or 0x8035,
            FieldPrerequisite.Tcp => dlType == EthIp && proto == Tcp,
            FieldPrerequisite.Udp => dlType == EthIp && proto == Udp,
            FieldPrerequisite.Icmp => dlType == EthIp && proto == Icmp,
            FieldPrerequisite.L4 => dlType == EthIp && proto is Tcp or Udp or Sctp,
            FieldPrerequisite.Sctp => dlType == EthIp && proto == Sctp,
            _ => true,
        };
    }

    private static uint Be32(uint hostOrder) => BinaryPrimitives.ReverseEndianness(hostOrder);
    private static ushort Be16(ushort hostOrder) => BinaryPrimitives.ReverseEndianness(hostOrder);
}
