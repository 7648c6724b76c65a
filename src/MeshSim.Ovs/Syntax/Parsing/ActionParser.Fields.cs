using MeshSim.Wire;

namespace MeshSim.Ovs;

internal static partial class ActionParser
{
    private static OvsAction ParseSetField(KeyValue kv, ParseContext ctx, ActionCheck check, bool insideCt)
    {
        var (valueText, fieldName, fieldOffset) = SplitArrow(kv, ctx);
        // mf_from_name: set_field takes field names (eth_src, tcp_dst, xreg0), not NXM/OXM header names.
        if (!OvsFields.TryGetName(fieldName, out var named))
            throw ctx.Error(fieldOffset, $"{fieldName} is not a valid OXM field name");
        var f = OvsFields.Get(OvsFields.ActionField(named.Id));
        if (!f.Writable) throw ctx.Error(fieldOffset, $"{fieldName} is read-only");
        if (f.Id is OvsFieldId.DlVlan or OvsFieldId.DlVlanPcp)
            throw ctx.Error(fieldOffset, $"set_field to {fieldName} is not supported (OVS 3.1 mis-encodes it over OpenFlow 1.0); use mod_vlan_vid/mod_vlan_pcp or set_field to vlan_vid/vlan_pcp");
        var error = FieldValueParser.Parse(f, valueText, out var value, out var mask);
        if (error is not null) throw ctx.Error(kv.ValueOffset, error);
        if (value > f.FullMask || (f.Id == OvsFieldId.NwTos && (value & 3) != 0))
            throw ctx.Error(kv.ValueOffset, $"{valueText} is not a valid value for field {fieldName}");
        CheckWritable(f, fieldOffset, ctx, check, insideCt, "set_field");
        if (f.Of10 == Of10Support.None) check.NeedsNxm = true;   // the field's usable_protocols_exact
        if (f.Id == OvsFieldId.VlanTci) check.VlanPresent = (value & 0x1000) != 0;
        // Over OpenFlow 1.0 a set_field on a field that has an OpenFlow 1.0 action (eth, IPv4
        // addresses, ports, TOS, VLAN) is sent as that action, which has no mask: OVS installs a
        // full write of the unmasked value. Model what the switch runs.
        mask &= f.FullMask;
        if (check.IsGroup)
        {
            // OpenFlow says one may not set OXM_OF_IN_PORT with set_field (decode_ofpat_set_field).
            if (f.Id == OvsFieldId.InPortOxm)
                throw ctx.Error(fieldOffset, "set_field to in_port_oxm is refused by the switch over OpenFlow 1.5 (OFPBAC_BAD_SET_ARGUMENT); set in_port instead");
            // Groups travel as OpenFlow 1.5 set_field with an OXM mask, which must cover the value.
            if ((value & ~mask) != 0)
                throw ctx.Error(kv.ValueOffset, $"{valueText}: 1-bits in value for bits wildcarded by the mask (OFPBMC_BAD_WILDCARDS)");
            return new SetFieldAction(f.Id, value, mask);
        }
        if (f.Id == OvsFieldId.VlanTci)
        {
            // set_field_to_legacy_openflow: with CFI set, mod_vlan_vid and mod_vlan_pcp of the value; without, strip_vlan.
            if ((value & 0x1000) == 0) return new StripVlanAction();
            return new ExpandedActions([
                new SetFieldAction(OvsFieldId.DlVlan, value & 0xfff, 0xfff) { Legacy = true },
                new SetFieldAction(OvsFieldId.DlVlanPcp, (value >> 13) & 7, 7) { Legacy = true }]);
        }
        if (HasOpenFlow10Action(f.Id)) return SetFieldAction.Whole(f.Id, value);
        return new SetFieldAction(f.Id, value & mask, mask);
    }

    private static bool HasOpenFlow10Action(OvsFieldId f) => f is OvsFieldId.EthSrc or OvsFieldId.EthDst
        or OvsFieldId.NwSrc or OvsFieldId.NwDst or OvsFieldId.NwTos or OvsFieldId.IpDscp
        or OvsFieldId.TpSrc or OvsFieldId.TpDst or OvsFieldId.TcpSrc or OvsFieldId.TcpDst or OvsFieldId.UdpSrc or OvsFieldId.UdpDst
        or OvsFieldId.DlVlan or OvsFieldId.VlanVid or OvsFieldId.DlVlanPcp or OvsFieldId.VlanPcp;

    private static OvsAction ParseLoad(KeyValue kv, ParseContext ctx, ActionCheck check, bool insideCt)
    {
        var (valueText, dstText, dstOffset) = SplitArrow(kv, ctx);
        if (!SubFieldParser.TryParse(dstText, out var dst, out var error)) throw ctx.Error(dstOffset, error!);
        var f = OvsFields.Get(dst.Field);
        if (check.IsGroup && f.Id == OvsFieldId.InPortOxm)
            throw ctx.Error(dstOffset, "load to OXM_OF_IN_PORT is refused by the switch over OpenFlow 1.5, where it is a set_field (OFPBAC_BAD_SET_ARGUMENT); load NXM_OF_IN_PORT instead");
        int bytes = (f.Bits + 7) / 8;
        if (CNumber.ParseFieldInt(valueText, bytes, out var value, out int n) is not null || n == 0)
            throw ctx.Error(kv.ValueOffset, $"{kv.Value}: cannot parse integer value");
        if (dst.Bits < 128 && (value >> dst.Bits) != 0)
        {
            var sb = new System.Text.StringBuilder();
            OvsFormatter.AppendValue(sb, f, value, null);
            throw ctx.Error(kv.ValueOffset, $"{kv.Value}: value {sb} does not fit into {dst.Bits} bits");
        }
        CheckWritable(f, dstOffset, ctx, check, insideCt, "load");
        if (f.Id == OvsFieldId.VlanTci) check.VlanPresent = ((value << dst.Offset) & 0x1000) != 0;
        return new LoadAction(dst, value);
    }

    private static OvsAction ParseMove(KeyValue kv, ParseContext ctx, ActionCheck check, bool insideCt)
    {
        int arrow = kv.Value.IndexOf("->", StringComparison.Ordinal);
        if (arrow < 0) throw ctx.Error(kv.ValueOffset, $"{kv.Value}: missing `->' following source");
        string srcText = kv.Value[..arrow], dstText = kv.Value[(arrow + 2)..];
        if (!SubFieldParser.TryParse(srcText, out var src, out var e1)) throw ctx.Error(kv.ValueOffset, e1!);
        if (!SubFieldParser.TryParse(dstText, out var dst, out var e2)) throw ctx.Error(kv.ValueOffset + arrow + 2, e2!);
        if (src.Bits != dst.Bits)
            throw ctx.Error(kv.ValueOffset, $"{kv.Value}: source field is {src.Bits} bits wide but destination is {dst.Bits} bits wide");
        var sf = OvsFields.Get(src.Field);
        var df = OvsFields.Get(dst.Field);
        if (!df.Writable) throw ctx.Error(kv.ValueOffset + arrow + 2, $"destination field {df.OxmName} is not writable (OFPBAC_BAD_SET_ARGUMENT)");
        bool ctDestination = df.Id is OvsFieldId.CtMark or OvsFieldId.CtLabel;
        if (ctDestination != insideCt)
            throw ctx.Error(kv.ValueOffset + arrow + 2, insideCt
                ? $"move to {dst} is not allowed inside ct(exec(...)); only ct_mark and ct_label can be set there"
                : "cannot set CT fields outside of ct action");
        if (!check.SubfieldPrerequisitesMet(sf))
            throw ctx.Error(kv.ValueOffset, ActionCheck.Inconsistent($"move source {src} needs {Describe(sf.Prerequisite)} in the match"));
        if (!check.SubfieldPrerequisitesMet(df))
            throw ctx.Error(kv.ValueOffset + arrow + 2, ActionCheck.Inconsistent($"move destination {dst} needs {Describe(df.Prerequisite)} in the match"));
        return new MoveAction(src, dst);
    }

    private static void CheckWritable(OvsField f, int offset, ParseContext ctx, ActionCheck check, bool insideCt, string action)
    {
        bool ctField = f.Id is OvsFieldId.CtMark or OvsFieldId.CtLabel;
        if (insideCt && !ctField)
            throw ctx.Error(offset, $"{action} to {f.OxmName} is not allowed inside ct(exec(...)); only ct_mark and ct_label can be set there");
        if (!insideCt && ctField)
            throw ctx.Error(offset, "cannot set CT fields outside of ct action");
        if (!check.PrerequisitesMet(f))
            throw ctx.Error(offset, ActionCheck.Inconsistent($"{action} {f.OxmName} needs {Describe(f.Prerequisite)} in the match"));
    }

    internal static string Describe(FieldPrerequisite p) => p switch
    {
        FieldPrerequisite.Ipv4 => "ip",
        FieldPrerequisite.Ip => "ip or ipv6",
        FieldPrerequisite.Arp => "arp",
        FieldPrerequisite.Tcp => "tcp",
        FieldPrerequisite.Udp => "udp",
        FieldPrerequisite.Icmp => "icmp",
        FieldPrerequisite.L4 => "tcp, udp or sctp",
        FieldPrerequisite.Sctp => "sctp",
        FieldPrerequisite.Vlan => "a VLAN tag (e.g. dl_vlan=N)",
        _ => "nothing",
    };

    private static (string Value, string Field, int FieldOffset) SplitArrow(KeyValue kv, ParseContext ctx)
    {
        int arrow = kv.Value.IndexOf("->", StringComparison.Ordinal);
        if (arrow < 0) throw ctx.Error(kv.ValueOffset, $"{kv.Value}: missing `->'");
        if (arrow + 2 >= kv.Value.Length) throw ctx.Error(kv.ValueOffset, $"{kv.Value}: missing field name following `->'");
        return (kv.Value[..arrow], kv.Value[(arrow + 2)..], kv.ValueOffset + arrow + 2);
    }

    /// <summary>The legacy <c>mod_*</c> actions: OVS's parse_SET_* with their own messages; only an IP-less <c>ct</c>-like hard error is never raised here (OVS merely restricts them to OpenFlow 1.0).</summary>
    private static OvsAction ParseMod(KeyValue kv, OvsFieldId field, ParseContext ctx, ActionCheck check)
    {
        string v = kv.Value;
        switch (field)
        {
            case OvsFieldId.EthSrc or OvsFieldId.EthDst:
                if (!FieldValueParser.TryParseMac(v, out var mac, out int n) || n != v.Length)
                    throw ctx.Error(kv.ValueOffset, $"invalid mac address {v}");
                return new SetFieldAction(field, mac, 0xffff_ffff_ffffUL) { Legacy = true };
            case OvsFieldId.NwSrc or OvsFieldId.NwDst:
                if (!FieldValueParser.TryParseIpStrict(v, out var ip))
                    throw ctx.Error(kv.ValueOffset, $"{v}: could not convert to IP address");
                return new SetFieldAction(field, ip, uint.MaxValue) { Legacy = true };
            case OvsFieldId.TpSrc or OvsFieldId.TpDst:
            {
                bool src = field == OvsFieldId.TpSrc;
                if (!CNumber.TryParseRange(v, 0, 65535, out var port))
                    throw ctx.Error(kv.ValueOffset, $"invalid {(src ? "source" : "destination")} port \"{v}\"");
                // OVS remembers the match's transport protocol to spell it tcp_src/udp_src over OpenFlow 1.2+.
                var resolved = check.NwProto switch
                {
                    6 => src ? OvsFieldId.TcpSrc : OvsFieldId.TcpDst,
                    17 => src ? OvsFieldId.UdpSrc : OvsFieldId.UdpDst,
                    132 => src ? OvsFieldId.SctpSrc : OvsFieldId.SctpDst,
                    _ => field,
                };
                return new SetFieldAction(resolved, (ulong)port, 0xffff) { Legacy = true };
            }
            case OvsFieldId.NwTos:
                if (!CNumber.TryParseRange(v, 0, 255, out var tos)) throw ctx.Error(kv.ValueOffset, $"invalid TOS \"{v}\"");
                if ((tos & 3) != 0) throw ctx.Error(kv.ValueOffset, $"{v}: not a valid TOS");
                return new SetFieldAction(field, (ulong)tos, 0xfc) { Legacy = true };
            case OvsFieldId.NwEcn:
                if (!CNumber.TryParseRange(v, 0, 255, out var ecn)) throw ctx.Error(kv.ValueOffset, $"invalid ECN \"{v}\"");
                if (ecn > 3) throw ctx.Error(kv.ValueOffset, $"{v}: not a valid ECN");
                NeedIpOverOpenFlow10(kv, ctx, check);
                return new SetFieldAction(field, (ulong)ecn, 3) { Legacy = true };
            case OvsFieldId.NwTtl:
                if (!CNumber.TryParseRange(v, 0, 255, out var ttl)) throw ctx.Error(kv.ValueOffset, $"invalid TTL \"{v}\"");
                NeedIpOverOpenFlow10(kv, ctx, check);
                return new SetFieldAction(field, (ulong)ttl, 0xff) { Legacy = true };
            case OvsFieldId.DlVlan:
                if (!CNumber.TryParseRange(v, 0, 65535, out var vid)) throw ctx.Error(kv.ValueOffset, $"invalid VLAN VID \"{v}\"");
                if ((vid & ~0xfff) != 0) throw ctx.Error(kv.ValueOffset, $"{v}: not a valid VLAN VID");
                check.VlanPresent = true;
                return new SetFieldAction(field, (ulong)vid, 0xfff) { Legacy = true };
            case OvsFieldId.DlVlanPcp:
                if (!CNumber.TryParseRange(v, 0, 255, out var pcp)) throw ctx.Error(kv.ValueOffset, $"invalid VLAN PCP \"{v}\"");
                if (pcp > 7) throw ctx.Error(kv.ValueOffset, $"{v}: not a valid VLAN PCP");
                check.VlanPresent = true;
                return new SetFieldAction(field, (ulong)pcp, 7) { Legacy = true };
        }
        throw new InvalidOperationException($"no mod_ action for {field}");
    }

    // OpenFlow 1.0 has no ECN or TTL action: ovs-ofctl sends mod_nw_ecn/mod_nw_ttl as a load, and the switch
    // checks that load's prerequisite (IPv4 or IPv6) against the match.
    private static void NeedIpOverOpenFlow10(KeyValue kv, ParseContext ctx, ActionCheck check)
    {
        if (!check.IsGroup && !check.IsIpAny && !ctx.InWriteActions)
            throw ctx.Error(kv.KeyOffset, ActionCheck.Inconsistent($"{kv.Key} needs ip or ipv6 in the match (OpenFlow 1.0 carries it as a load, which the switch checks)"));
    }

    /// <summary>
    /// OVS's <c>parse_SET_VLAN_VID</c>/<c>parse_SET_VLAN_PCP</c> (<c>set_vlan_vid</c>, <c>set_vlan_pcp</c>): like
    /// <c>mod_vlan_*</c> but without pushing a tag. Over OpenFlow 1.0 there is only the pushing form, so a flow holds
    /// <c>mod_vlan_vid</c>; a group bucket (OpenFlow 1.5) holds a plain set_field.
    /// </summary>
    private static OvsAction ParseSetVlan(KeyValue kv, OvsFieldId field, ParseContext ctx, ActionCheck check)
    {
        var mod = (SetFieldAction)ParseMod(kv, field, ctx, check);
        if (!check.IsGroup) return mod;
        return field == OvsFieldId.DlVlan
            ? SetFieldAction.Whole(OvsFieldId.VlanVid, mod.Value | 0x1000)
            : SetFieldAction.Whole(OvsFieldId.VlanPcp, mod.Value);
    }

    internal static Ipv4Address? TryIp(string s) =>
        FieldValueParser.TryParseIp(s, out var ip, out int n) && n == s.Length ? new Ipv4Address(ip) : null;
}
