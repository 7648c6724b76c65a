using System.Globalization;
using System.Text;

namespace MeshSim.Ovs;

public static partial class OvsFormatter
{
    /// <summary>OVS's <c>ofpacts_format</c>: comma-separated actions, or <c>drop</c> for none.</summary>
    internal static void AppendActions(StringBuilder sb, IReadOnlyList<OvsAction> actions, OfVersion version)
    {
        if (actions.Count == 0) { sb.Append("drop"); return; }
        for (int i = 0; i < actions.Count; i++)
        {
            if (i > 0) sb.Append(',');
            AppendAction(sb, actions[i], version);
        }
    }

    private static void AppendAction(StringBuilder sb, OvsAction action, OfVersion version)
    {
        switch (action)
        {
            case OutputAction o:
                if (o.Port < OfPort.Max) sb.Append("output:");
                sb.Append(OfPort.Format(o.Port));
                break;
            case OutputRegAction r:
                sb.Append("output:").Append(r.Source.ToString());
                break;
            case InPortAction: sb.Append("IN_PORT"); break;
            case NormalAction: sb.Append("NORMAL"); break;
            case FloodAction: sb.Append("FLOOD"); break;
            case DecTtlAction d:
                sb.Append("dec_ttl");
                if (d.ControllerIds.Count > 0) sb.Append('(').Append(string.Join(',', d.ControllerIds)).Append(')');
                break;
            case StripVlanAction: sb.Append(version == OfVersion.OpenFlow10 ? "strip_vlan" : "pop_vlan"); break;
            case PushVlanAction p: sb.Append("push_vlan:0x").Append(p.EtherType.ToString("x", CultureInfo.InvariantCulture)); break;
            case CtClearAction: sb.Append("ct_clear"); break;
            case ControllerAction c: AppendController(sb, c); break;
            case SetFieldAction s: AppendSetField(sb, s, version); break;
            case LoadAction l:
                if (version == OfVersion.OpenFlow10) AppendLoadSegments(sb, l.Destination.Field, l.Value << l.Destination.Offset, l.Destination.Mask);
                else AppendSetFieldSpelling(sb, l.Destination.Field, l.Value << l.Destination.Offset, l.Destination.Mask);
                break;
            case MoveAction m:
                sb.Append("move:").Append(m.Source.ToString()).Append("->").Append(m.Destination.ToString());
                break;
            case ResubmitAction r: AppendResubmit(sb, r); break;
            case GotoTableAction g:
                if (version == OfVersion.OpenFlow10) sb.Append("resubmit(,").Append(g.Table).Append(')');
                else sb.Append("goto_table:").Append(g.Table);
                break;
            case GroupAction g: sb.Append("group:").Append(g.GroupId); break;
            case WriteMetadataAction w:
                sb.Append("write_metadata:").Append(CHex(w.Value));
                if (w.Mask != ulong.MaxValue) sb.Append('/').Append(CHex(w.Mask));
                break;
            case CtAction ct: AppendCt(sb, ct, version); break;
            case CtNatAction n: AppendNat(sb, n.Nat); break;
            case OutputTruncAction t:
                sb.Append("output(port=").Append(OfPort.Format(t.Port)).Append(",max_len=").Append(t.MaxLen).Append(')');
                break;
            case ExitAction: sb.Append("exit"); break;
            case StackPushAction p: sb.Append("push:").Append(p.Source.ToString()); break;
            case StackPopAction p: sb.Append("pop:").Append(p.Destination.ToString()); break;
            default: throw new ArgumentOutOfRangeException(nameof(action), action.GetType().Name, "no formatter for this action");
        }
    }

    // format_CONTROLLER.
    private static void AppendController(StringBuilder sb, ControllerAction c)
    {
        if (c.IsPlainOutput)
        {
            sb.Append("CONTROLLER:").Append(c.MaxLen);
            return;
        }
        sb.Append("controller(");
        if (c.Reason != ControllerReason.Action) sb.Append("reason=").Append(ReasonName(c.Reason)).Append(',');
        if (c.MaxLen != ushort.MaxValue) sb.Append("max_len=").Append(c.MaxLen).Append(',');
        if (c.ControllerId != 0) sb.Append("id=").Append(c.ControllerId).Append(',');
        if (c.Userdata.Length > 0) sb.Append("userdata=").Append(c.Userdata).Append(',');
        if (c.Pause) sb.Append("pause,");
        if (c.MeterId != 0) sb.Append("meter_id=").Append(c.MeterId).Append(',');
        Chomp(sb, ',');
        sb.Append(')');
    }

    // ofputil_packet_in_reason_to_string.
    private static string ReasonName(ControllerReason r) => r switch
    {
        ControllerReason.NoMatch => "no_match",
        ControllerReason.InvalidTtl => "invalid_ttl",
        ControllerReason.ActionSet => "action_set",
        ControllerReason.Group => "group",
        ControllerReason.PacketOut => "packet_out",
        ControllerReason.ExplicitMiss => "",
        _ => "action",
    };

    private static void AppendResubmit(StringBuilder sb, ResubmitAction r)
    {
        if (r.InPort is { } port && r.Table is null && !r.WithCtOriginalTuple)
        {
            sb.Append("resubmit:").Append(OfPort.Format(port));
            return;
        }
        sb.Append("resubmit(");
        if (r.InPort is { } p) sb.Append(OfPort.Format(p));
        sb.Append(',');
        if (r.Table is { } t) sb.Append(t);
        if (r.WithCtOriginalTuple) sb.Append(",ct");
        sb.Append(')');
    }

    private static void AppendCt(StringBuilder sb, CtAction ct, OfVersion version)
    {
        sb.Append("ct(");
        int start = sb.Length;
        if (ct.Commit) sb.Append("commit,");
        if (ct.Force) sb.Append("force,");
        if (ct.RecircTable is { } table) sb.Append("table=").Append(table).Append(',');
        if (ct.ZoneSource is { } zs) sb.Append("zone=").Append(zs.ToString()).Append(',');
        else if (ct.Zone != 0) sb.Append("zone=").Append(ct.Zone).Append(',');
        if (ct.Nat is { } nat) { AppendNat(sb, nat); sb.Append(','); }
        if (ct.Exec.Count > 0)
        {
            sb.Append("exec(");
            AppendActions(sb, ct.Exec, version);
            sb.Append("),");
        }
        switch (ct.Alg)
        {
            case 0: break;
            case 21: sb.Append("alg=ftp,"); break;
            case 69: sb.Append("alg=tftp,"); break;
            default: sb.Append("alg=").Append(ct.Alg).Append(','); break;
        }
        if (sb.Length > start) Chomp(sb, ',');
        sb.Append(')');
    }

    private static void AppendNat(StringBuilder sb, NatSpec nat)
    {
        sb.Append("nat");
        if (nat.Kind == NatKind.None) return;
        sb.Append('(').Append(nat.Kind == NatKind.Source ? "src" : "dst");
        if (nat.AddressMin is { } min)
        {
            sb.Append('=').Append(min.ToString());
            if (nat.AddressMax is { } max && max.Value != 0 && max != min) sb.Append('-').Append(max.ToString());
            if (nat.PortMin != 0)
            {
                sb.Append(':').Append(nat.PortMin);
                if (nat.PortMax != 0 && nat.PortMax != nat.PortMin) sb.Append('-').Append(nat.PortMax);
            }
            sb.Append(',');
            if (nat.Flags.HasFlag(NatFlags.Persistent)) sb.Append("persistent,");
            if (nat.Flags.HasFlag(NatFlags.Hash)) sb.Append("hash,");
            if (nat.Flags.HasFlag(NatFlags.Random)) sb.Append("random,");
        }
        Chomp(sb, ',');
        sb.Append(')');
    }

    private static void AppendSetField(StringBuilder sb, SetFieldAction s, OfVersion version)
    {
        var f = OvsFields.Get(s.Field);
        bool whole = s.Mask == f.FullMask;
        if (version == OfVersion.OpenFlow10)
        {
            // set_field_to_legacy_openflow: fields with an OpenFlow 1.0 action keep it; the rest become reg_load.
            switch (s.Field)
            {
                case OvsFieldId.EthSrc: sb.Append("mod_dl_src:").Append(Mac(s.Value)); return;
                case OvsFieldId.EthDst: sb.Append("mod_dl_dst:").Append(Mac(s.Value)); return;
                case OvsFieldId.NwSrc: sb.Append("mod_nw_src:").Append(Ipv4(s.Value)); return;
                case OvsFieldId.NwDst: sb.Append("mod_nw_dst:").Append(Ipv4(s.Value)); return;
                case OvsFieldId.NwTos: sb.Append("mod_nw_tos:").Append((byte)s.Value); return;
                case OvsFieldId.IpDscp: sb.Append("mod_nw_tos:").Append((byte)(s.Value << 2)); return;
                case OvsFieldId.TpSrc or OvsFieldId.TcpSrc or OvsFieldId.UdpSrc: sb.Append("mod_tp_src:").Append((ushort)s.Value); return;
                case OvsFieldId.TpDst or OvsFieldId.TcpDst or OvsFieldId.UdpDst: sb.Append("mod_tp_dst:").Append((ushort)s.Value); return;
                // OpenFlow 1.0 has no SCTP set-field, but mod_tp_src/mod_tp_dst are protocol-neutral.
                case OvsFieldId.SctpSrc when s.Legacy: sb.Append("mod_tp_src:").Append((ushort)s.Value); return;
                case OvsFieldId.SctpDst when s.Legacy: sb.Append("mod_tp_dst:").Append((ushort)s.Value); return;
                case OvsFieldId.DlVlan or OvsFieldId.VlanVid: sb.Append("mod_vlan_vid:").Append((ushort)(s.Value & 0xfff)); return;
                case OvsFieldId.DlVlanPcp or OvsFieldId.VlanPcp: sb.Append("mod_vlan_pcp:").Append((byte)s.Value); return;
            }
            AppendLoadSegments(sb, s.Field, s.Value, s.Mask);
            return;
        }
        // OpenFlow 1.5.
        if (s.Legacy)
        {
            switch (s.Field)
            {
                case OvsFieldId.NwTtl: sb.Append("mod_nw_ttl:").Append((byte)s.Value); return;
                case OvsFieldId.NwTos: AppendSetFieldSpelling(sb, OvsFieldId.IpDscp, s.Value >> 2, 0x3f); return;
                case OvsFieldId.TpSrc: sb.Append("mod_tp_src:").Append((ushort)s.Value); return;
                case OvsFieldId.TpDst: sb.Append("mod_tp_dst:").Append((ushort)s.Value); return;
                // Group buckets know nothing of the packet, so OVS pushes a tag before setting VLAN fields.
                case OvsFieldId.DlVlan: sb.Append("push_vlan:0x8100,set_field:").Append((ushort)(s.Value | 0x1000)).Append("->vlan_vid"); return;
                case OvsFieldId.DlVlanPcp: sb.Append("push_vlan:0x8100,set_field:").Append((byte)s.Value).Append("->vlan_pcp"); return;
            }
        }
        AppendSetFieldSpelling(sb, s.Field, s.Value, whole ? f.FullMask : s.Mask);
    }

    private static void AppendSetFieldSpelling(StringBuilder sb, OvsFieldId field, UInt128 value, UInt128 mask)
    {
        var f = OvsFields.Get(field);
        sb.Append("set_field:");
        AppendValue(sb, f, value, mask);
        sb.Append("->").Append(f.OxmName);
    }

    /// <summary>OVS's <c>next_load_segment</c> loop: one <c>load:</c> per run of contiguous mask bits (at most 64 bits each).</summary>
    private static void AppendLoadSegments(StringBuilder sb, OvsFieldId field, UInt128 value, UInt128 mask)
    {
        var f = OvsFields.Get(field);
        int bits = f.Bits, pos = 0;
        bool first = true;
        while (pos < bits)
        {
            while (pos < bits && ((mask >> pos) & 1) == 0) pos++;
            if (pos >= bits) break;
            int end = pos;
            while (end < bits && end < pos + 64 && ((mask >> end) & 1) == 1) end++;
            int n = end - pos;
            var segment = (value >> pos) & (n >= 128 ? UInt128.MaxValue : (UInt128.One << n) - 1);
            if (!first) sb.Append(',');
            sb.Append("load:").Append(HexOrZero(segment)).Append("->").Append(new SubField(field, pos, n).ToString());
            first = false;
            pos = end;
        }
    }

    // printf's %#x: "0x" before a non-zero value, a bare 0 for zero.
    private static string CHex(ulong v) => v == 0 ? "0" : "0x" + v.ToString("x", System.Globalization.CultureInfo.InvariantCulture);
}
