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

    /// <summary>
    /// False once the flow needs more than an OpenFlow 1.0 match can say (a register, a masked MAC, a non-CIDR
    /// address mask…) or a set_field OpenFlow 1.0 lacks: ovs-ofctl then sends the flow as NXM. Otherwise it sends
    /// an OpenFlow 1.0 match, which the switch decodes with OpenFlow 1.0's VLAN rules (see <see cref="NormalizeOpenFlow10"/>).
    /// </summary>
    public bool OpenFlow10 { get; private set; } = true;

    /// <summary>Records that the flow needs NXM (an action only NXM-capable flow formats carry, such as set_field to a register).</summary>
    public void NeedNxm() => OpenFlow10 = false;

    /// <summary>mf_set for one parsed field, noting which flow formats can carry it (the field's usable protocols).</summary>
    public void Set(OvsField f, UInt128 value, UInt128 mask, int offset)
    {
        var byteMask = Bytes(f) * 8 >= 128 ? UInt128.MaxValue : (UInt128.One << (Bytes(f) * 8)) - 1;
        mask &= byteMask;
        if (mask != 0)
        {
            bool exact = mask == byteMask;   // is_all_ones over the field's bytes (vlan_vid=5/0x1fff is a masked match)
            bool cidr = f.Format == FieldFormat.Ipv4 && OvsFormatter.IsCidr((uint)mask);
            bool of10 = f.Of10 switch
            {
                Of10Support.Exact => exact,
                Of10Support.Cidr => exact || cidr,
                _ => false,
            };
            if (!of10) OpenFlow10 = false;
        }
        SetValue(f, value, mask, offset);
    }

    private static int Bytes(OvsField f) => (f.Bits + 7) / 8;

    /// <summary>
    /// mf_get: the field's current value and mask in the match being built (right-aligned in the field), for
    /// subfield matches such as <c>reg0[0..7]=5</c>, which change only their bits.
    /// </summary>
    public (UInt128 Value, UInt128 Mask) Get(OvsField f)
    {
        if (f.Parts is { } parts)
        {
            UInt128 v = 0, m = 0;
            foreach (var part in parts)
            {
                v = (v << 32) | (ValueOf(part) & uint.MaxValue);
                m = (m << 32) | (MaskOf(part) & uint.MaxValue);
            }
            return (v, m);
        }
        if (f.Id == OvsFieldId.InPortOxm)
        {
            var (pv, pm) = (ValueOf(OvsFieldId.InPort), MaskOf(OvsFieldId.InPort));
            return pm == 0 ? (0, 0) : (OfPort.ToOpenFlow11((uint)pv), uint.MaxValue);
        }
        return ((ValueOf(f.Slot) >> f.Shift) & f.FullMask, (MaskOf(f.Slot) >> f.Shift) & f.FullMask);
    }

    private void SetValue(OvsField f, UInt128 value, UInt128 mask, int offset)
    {
        // match_add_ethernet_prereq: any field with prerequisites marks the match packet_type=eth.
        if (!IsPipelineMetadata(f.Slot)) _ethernetOnly = true;
        if (f.Parts is { } parts)
        {
            // match_set_xreg_masked / match_set_xxreg_masked: every register of the view is replaced, even one
            // the mask leaves untouched (which becomes a wildcard).
            for (int i = 0; i < parts.Count; i++)
            {
                int shift = 32 * (parts.Count - 1 - i);
                Put(parts[i], (value >> shift) & uint.MaxValue, (mask >> shift) & uint.MaxValue, offset);
            }
            return;
        }
        switch (f.Id)
        {
            case OvsFieldId.InPortOxm:
                // ofputil_port_from_ofp11: a number OpenFlow 1.0 cannot carry becomes OFPP_NONE.
                Put(OvsFieldId.InPort, OfPort.FromOpenFlow11((uint)value), mask == 0 ? UInt128.Zero : 0xffff, offset);
                return;
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

    /// <summary>
    /// What the switch makes of a flow ovs-ofctl sent as an OpenFlow 1.0 match (ofputil_match_to_ofp10_match and
    /// back): a VLAN match whose CFI bit is matched as 0 means "no VLAN header" (<c>vlan_tci=0x0000</c>, so
    /// <c>vlan_vid=11</c> becomes that); otherwise the VID and PCP are matched whole or not at all, with CFI set.
    /// ovs-ofctl chooses one flow format per command (add-flow: the flow; add-flows: the whole file), so callers
    /// apply this once they know the format.
    /// </summary>
    public static Match NormalizeOpenFlow10(Match match)
    {
        if (!match.TryGet(OvsFieldId.VlanTci, out var vlan)) return match;
        uint tci = (uint)vlan.Value, mask = (uint)vlan.Mask;
        FieldMatch normalized;
        if ((mask & 0x1000) != 0 && (tci & 0x1000) == 0) normalized = new FieldMatch(OvsFieldId.VlanTci, 0, 0xffff);
        else
        {
            uint m = 0;
            if ((mask & 0x0fff) != 0) m |= 0x1fff;
            if ((mask & 0xe000) != 0) m |= 0xf000;
            normalized = new FieldMatch(OvsFieldId.VlanTci, (tci | 0x1000) & m, m);
        }
        if (normalized == vlan) return match;
        var fields = match.Fields.ToArray().Where(f => f.Field != OvsFieldId.VlanTci).Append(normalized);
        return Match.Create(fields, match.EthernetOnly);
    }

    private bool _ethernetOnly;

    private static bool IsPipelineMetadata(OvsFieldId slot) =>
        slot is OvsFieldId.InPort or OvsFieldId.Metadata or OvsFieldId.PktMark or OvsFieldId.CtState or OvsFieldId.CtZone
             or OvsFieldId.CtMark or OvsFieldId.CtLabel or (>= OvsFieldId.Reg0 and <= OvsFieldId.Reg15);

    /// <summary>OVS's <c>parse_subfield</c> for a match: <c>FIELD[bits]=VALUE</c> sets just those bits, keeping the rest of the field as matched so far.</summary>
    public string? SetSubField(string name, SubField sf, string valueText, int offset)
    {
        var f = OvsFields.Get(sf.Field);
        if (CNumber.ParseFieldInt(valueText, Bytes(f), out var v, out int n) is not null || n != valueText.Length || valueText.Length == 0)
            return $"{name}: cannot parse integer value: {valueText}";
        if (sf.Bits < 128 && (v >> sf.Bits) != 0)
        {
            var sb = new System.Text.StringBuilder();
            OvsFormatter.AppendValue(sb, f, v, null);
            return $"{name}: value {sb} does not fit into {sf.Bits} bits";
        }
        var (value, mask) = Get(f);
        value = (value & ~sf.Mask) | (v << sf.Offset);
        mask |= sf.Mask;
        var byteMask = Bytes(f) * 8 >= 128 ? UInt128.MaxValue : (UInt128.One << (Bytes(f) * 8)) - 1;
        // mf_set: a field without arbitrary masks takes only a whole-field value (no flow format carries the rest).
        if (mask != byteMask && !f.Maskable)
            return ActionCheck.Inconsistent($"{f.Name} cannot be matched on some of its bits (a subfield of a field without masks), so no flow format can carry this match");
        Set(f, value, mask, offset);
        return null;
    }

    public Match Build() => Match.Create(_slots.Select(kv => new FieldMatch(kv.Key, kv.Value.Value, kv.Value.Mask)), _ethernetOnly);
}
