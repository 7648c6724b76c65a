namespace MeshSim.Ovs;

/// <summary>
/// Accumulates match fields the way OVS's <c>mf_set</c> does (aliases folded onto their slot, VLAN and
/// TOS sub-fields merged bitwise), then <see cref="Normalize"/> applies what the switch does before it
/// stores the flow: fields whose prerequisites the match does not state are silently dropped
/// (<c>ofputil_normalize_match</c> and the NXM encoder), e.g. <c>nw_src</c> without <c>ip</c>.
/// </summary>
internal sealed class MatchBuilder
{
    private readonly Dictionary<OvsFieldId, (UInt128 Value, UInt128 Mask)> _slots = new();
    private readonly Dictionary<OvsFieldId, int> _offsets = new();

    /// <summary>Offset (0-based) of the key that last set each slot, for error messages.</summary>
    public int OffsetOf(OvsFieldId slot) => _offsets.TryGetValue(slot, out var c) ? c : 0;

    public bool Has(OvsFieldId slot) => _slots.TryGetValue(slot, out var v) && v.Mask != 0;

    public UInt128 ValueOf(OvsFieldId slot) => _slots.TryGetValue(slot, out var v) ? v.Value : 0;

    public UInt128 MaskOf(OvsFieldId slot) => _slots.TryGetValue(slot, out var v) ? v.Mask : 0;

    private void Put(OvsFieldId slot, UInt128 value, UInt128 mask, int offset)
    {
        _slots[slot] = (value & mask, mask);
        _offsets[slot] = offset;
    }

    private void Merge(OvsFieldId slot, UInt128 value, UInt128 bits, int offset)
    {
        var (v, m) = _slots.TryGetValue(slot, out var old) ? old : (0, 0);
        Put(slot, (v & ~bits) | (value & bits), m | bits, offset);
    }

    /// <summary>Sets a protocol shorthand (<c>tcp</c> etc.).</summary>
    public void SetProtocol(ushort ethType, byte? nwProto, int offset)
    {
        _ethernetOnly = true;
        Put(OvsFieldId.EthType, ethType, 0xffff, offset);
        if (nwProto is { } p) Put(OvsFieldId.NwProto, p, 0xff, offset);
    }

    /// <summary>mf_set for one parsed field.</summary>
    public void Set(OvsField f, UInt128 value, UInt128 mask, int offset)
    {
        // match_add_ethernet_prereq: any field with prerequisites marks the match packet_type=eth.
        if (!IsPipelineMetadata(f.Slot)) _ethernetOnly = true;
        switch (f.Id)
        {
            case OvsFieldId.DlVlan:
                if ((ushort)value == 0xffff) Put(OvsFieldId.VlanTci, 0, 0xffff, offset);   // OFP10_VLAN_NONE: untagged
                else Merge(OvsFieldId.VlanTci, (value & 0x0fff) | 0x1000, 0x1fff, offset);
                return;
            case OvsFieldId.DlVlanPcp or OvsFieldId.VlanPcp:
                Merge(OvsFieldId.VlanTci, ((value & 7) << 13) | 0x1000, 0xf000, offset);
                return;
            case OvsFieldId.VlanVid:
                Merge(OvsFieldId.VlanTci, value & 0x1fff, mask & 0x1fff, offset);
                return;
            case OvsFieldId.VlanTci:
                Put(OvsFieldId.VlanTci, value, mask & 0xffff, offset);
                return;
            case OvsFieldId.NwTos:
                Merge(OvsFieldId.NwTos, value & 0xfc, 0xfc, offset);
                return;
            case OvsFieldId.IpDscp:
                Merge(OvsFieldId.NwTos, (value << 2) & 0xfc, 0xfc, offset);
                return;
            case OvsFieldId.NwEcn:
                Merge(OvsFieldId.NwTos, value & 0x03, 0x03, offset);
                return;
            case OvsFieldId.ArpOp:
                Put(OvsFieldId.NwProto, value & 0xff, mask == 0 ? UInt128.Zero : 0xff, offset);
                return;
            case OvsFieldId.IcmpType:
                Put(OvsFieldId.TpSrc, value & 0xff, mask == 0 ? UInt128.Zero : 0xffff, offset);
                return;
            case OvsFieldId.IcmpCode:
                Put(OvsFieldId.TpDst, value & 0xff, mask == 0 ? UInt128.Zero : 0xffff, offset);
                return;
            case OvsFieldId.CtState:
                Put(OvsFieldId.CtState, value & 0xff, mask & 0xff, offset);
                return;
            case OvsFieldId.NwFrag:
                Put(OvsFieldId.NwFrag, value & 3, mask & 3, offset);
                return;
            case OvsFieldId.InPort:
                Put(OvsFieldId.InPort, value & 0xffff, mask == 0 ? UInt128.Zero : 0xffff, offset);
                return;
        }
        Put(f.Slot, value << f.Shift, (mask & f.FullMask) << f.Shift, offset);
    }

    /// <summary>
    /// Drops what the switch would drop: L3 fields without an L3 dl_type, L4 ports without a
    /// transport nw_proto, ARP hardware addresses outside ARP, tcp_flags outside TCP, nw_frag
    /// outside IP, conntrack L4 ports without a non-zero ct_nw_proto.
    /// </summary>
    public void Normalize()
    {
        ushort dlType = (ushort)(MaskOf(OvsFieldId.EthType) == 0 ? 0 : ValueOf(OvsFieldId.EthType));
        byte nwProto = (byte)ValueOf(OvsFieldId.NwProto);
        bool ip = dlType == 0x0800, ip6 = dlType == 0x86dd, arp = dlType is 0x0806 or 0x8035;
        bool mayNwAddr = ip || arp, mayNwProto = ip || ip6 || arp, mayIpvx = ip || ip6;
        bool mayTp = (ip && nwProto is 6 or 17 or 132 or 1) || (ip6 && nwProto is 6 or 17 or 132 or 58);

        if (!mayNwAddr) { Drop(OvsFieldId.NwSrc); Drop(OvsFieldId.NwDst); }
        if (!mayTp) { Drop(OvsFieldId.TpSrc); Drop(OvsFieldId.TpDst); }
        if (!mayNwProto) Drop(OvsFieldId.NwProto);
        if (!mayIpvx) { Drop(OvsFieldId.NwTos); Drop(OvsFieldId.NwTtl); Drop(OvsFieldId.NwFrag); }
        if (!arp) { Drop(OvsFieldId.ArpSha); Drop(OvsFieldId.ArpTha); }
        if (!(mayIpvx && Has(OvsFieldId.NwProto) && nwProto == 6)) Drop(OvsFieldId.TcpFlags);
        // ICMP type and code travel as 8-bit exact NXM fields: the low byte of tp_src/tp_dst, mask dropped.
        if ((ip && nwProto == 1) || (ip6 && nwProto == 58))
        {
            foreach (var slot in new[] { OvsFieldId.TpSrc, OvsFieldId.TpDst })
                if (Has(slot)) Put(slot, ValueOf(slot) & 0xff, 0xffff, OffsetOf(slot));
        }
        if (ValueOf(OvsFieldId.CtNwProto) == 0)
        {
            Drop(OvsFieldId.CtNwProto); Drop(OvsFieldId.CtTpSrc); Drop(OvsFieldId.CtTpDst);
        }
    }

    public void Drop(OvsFieldId slot) => _slots.Remove(slot);

    private bool _ethernetOnly;

    private static bool IsPipelineMetadata(OvsFieldId slot) =>
        slot is OvsFieldId.InPort or OvsFieldId.Metadata or OvsFieldId.PktMark or OvsFieldId.CtState or OvsFieldId.CtZone
             or OvsFieldId.CtMark or OvsFieldId.CtLabel or (>= OvsFieldId.Reg0 and <= OvsFieldId.Reg15);

    public Match Build() => Match.Create(_slots.Select(kv => new FieldMatch(kv.Key, kv.Value.Value, kv.Value.Mask)), _ethernetOnly);
}
