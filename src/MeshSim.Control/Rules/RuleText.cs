using System.Globalization;
using System.Text;
using MeshSim.Ovs;
using MeshSim.Wire;

namespace MeshSim.Control.Rules;

/// <summary>
/// Writes rule sets as the text <c>ovs-ofctl</c> reads: one flow per line for
/// <c>ovs-ofctl -O OpenFlow15 --bundle replace-flows</c>, one group per line for <c>add-groups</c>.
/// Each rule is preceded by a <c># stage: item</c> comment with its provenance (ovs-ofctl skips
/// comment lines). <see cref="RuleTextParser"/> reads the same text back.
/// </summary>
/// <remarks>
/// Only the field formats and actions the controller emits are covered; anything else is refused
/// with <see cref="NotSupportedException"/> rather than written in a form OVS might misread.
/// Protocol shorthands are used where OVS accepts them (<c>tcp</c>, <c>arp</c>, <c>ip</c>), and
/// ARP flows name the ARP views of the shared slots (<c>arp_tpa</c>, <c>arp_op</c>).
/// </remarks>
public static class RuleText
{
    private const ushort EthIp = 0x0800, EthArp = 0x0806;

    /// <summary>
    /// Builds a match the way ovs-ofctl does: any field beyond pipeline metadata (in_port, registers,
    /// metadata, pkt_mark, ct_*) also sets OVS's hidden <c>packet_type=eth</c>, so a compiled match
    /// equals the one OVS (and MeshSim's ovs-ofctl parser) makes from the rendered text.
    /// </summary>
    public static Match CreateMatch(IReadOnlyCollection<FieldMatch> fields) =>
        Match.Create(fields, ethernetOnly: fields.Any(f => !IsPipelineMetadata(f.Field)));

    private static bool IsPipelineMetadata(OvsFieldId slot) =>
        slot is OvsFieldId.InPort or OvsFieldId.Metadata or OvsFieldId.PktMark or OvsFieldId.CtState or OvsFieldId.CtZone
             or OvsFieldId.CtMark or OvsFieldId.CtLabel or (>= OvsFieldId.Reg0 and <= OvsFieldId.Reg15);

    /// <summary>The flows of a rule set, one line each, with provenance comments.</summary>
    public static string FormatFlows(RuleSet rules)
    {
        var sb = new StringBuilder();
        foreach (var f in rules.Flows)
            sb.Append("# ").Append(f.From.Stage).Append(": ").Append(f.From.Item).Append('\n')
              .Append(FormatFlow(f.Flow)).Append('\n');
        return sb.ToString();
    }

    /// <summary>The groups of a rule set, one line each, with provenance comments.</summary>
    public static string FormatGroups(RuleSet rules)
    {
        var sb = new StringBuilder();
        foreach (var g in rules.Groups)
            sb.Append("# ").Append(g.From.Stage).Append(": ").Append(g.From.Item).Append('\n')
              .Append(FormatGroup(g.Group)).Append('\n');
        return sb.ToString();
    }

    /// <summary>One flow: <c>table=T,priority=P,cookie=0x..,MATCH,actions=ACTIONS</c>.</summary>
    public static string FormatFlow(FlowEntry f)
    {
        var sb = new StringBuilder();
        sb.Append("table=").Append(f.Table).Append(",priority=").Append(f.Priority)
          .Append(",cookie=0x").Append(f.Cookie.ToString("x", CultureInfo.InvariantCulture));
        var m = FormatMatch(f.Match);
        if (m.Length > 0) sb.Append(',').Append(m);
        sb.Append(",actions=");
        AppendActions(sb, f.Actions);
        return sb.ToString();
    }

    /// <summary>One group: <c>group_id=N,type=select,selection_method=dp_hash,bucket=bucket_id:0,weight:W,actions=…</c>.</summary>
    public static string FormatGroup(GroupEntry g)
    {
        if (g.Type != GroupType.Select || g.Fields.Count != 0 || g.SelectionMethodParam != 0)
            throw new NotSupportedException($"group {g.GroupId}: only plain select groups are rendered");
        var sb = new StringBuilder();
        sb.Append("group_id=").Append(g.GroupId).Append(",type=select");
        if (g.SelectionMethod is { } sm) sb.Append(",selection_method=").Append(sm);
        foreach (var b in g.Buckets)
        {
            sb.Append(",bucket=bucket_id:").Append(b.BucketId).Append(",weight:").Append(b.Weight).Append(",actions=");
            AppendActions(sb, b.Actions);
        }
        return sb.ToString();
    }

    /// <summary>The match part, shorthand first, then fields in slot order; empty for match-all.</summary>
    public static string FormatMatch(Match match)
    {
        var parts = new List<string>();
        var ethType = match.EthType;
        var proto = match.NwProto;
        bool consumedProto = false, consumedType = ethType is not null;
        if (ethType == EthArp) parts.Add("arp");
        else if (ethType == EthIp)
        {
            switch (proto)
            {
                case 6: parts.Add("tcp"); consumedProto = true; break;
                case 17: parts.Add("udp"); consumedProto = true; break;
                case 1: parts.Add("icmp"); consumedProto = true; break;
                default: parts.Add("ip"); break;
            }
        }
        else if (ethType is { } t) parts.Add("dl_type=0x" + t.ToString("x4", CultureInfo.InvariantCulture));
        foreach (var fm in match.Fields)
        {
            if (fm.Field == OvsFieldId.EthType && consumedType) continue;
            if (fm.Field == OvsFieldId.NwProto && consumedProto) continue;
            var info = fm.Info;
            // ARP shares IPv4's slots; print the names an ARP reader expects.
            if (ethType == EthArp)
                info = fm.Field switch
                {
                    OvsFieldId.NwSrc => OvsFields.Get(OvsFieldId.ArpSpa),
                    OvsFieldId.NwDst => OvsFields.Get(OvsFieldId.ArpTpa),
                    OvsFieldId.NwProto => OvsFields.Get(OvsFieldId.ArpOp),
                    _ => info,
                };
            parts.Add(info.Name + "=" + FormatValue(info, fm.Value, fm.Mask, fm.IsExact));
        }
        return string.Join(',', parts);
    }

    private static string FormatValue(OvsField f, UInt128 value, UInt128 mask, bool exact)
    {
        switch (f.Format)
        {
            case FieldFormat.CtState: return FormatCtState((uint)value, (uint)mask);
            case FieldFormat.Ipv4 when exact: return new Ipv4Address((uint)value).ToString();
            case FieldFormat.Ethernet when exact: return new MacAddress((ulong)value).ToString();
            case FieldFormat.Decimal or FieldFormat.Port when exact: return ((ulong)value).ToString(CultureInfo.InvariantCulture);
            case FieldFormat.Hex when exact: return "0x" + ((ulong)value).ToString("x", CultureInfo.InvariantCulture);
            default:
                if (f.Bits > 64) throw new NotSupportedException($"{f.Name}: 128-bit values are not rendered");
                return "0x" + ((ulong)value).ToString("x", CultureInfo.InvariantCulture) + "/0x" + ((ulong)mask).ToString("x", CultureInfo.InvariantCulture);
        }
    }

    /// <summary>ct_state flag names by bit, as ovs-fields(7) lists them.</summary>
    internal static readonly (string Name, uint Bit)[] CtStateBits =
        [("new", 0x01), ("est", 0x02), ("rel", 0x04), ("rpl", 0x08), ("inv", 0x10), ("trk", 0x20), ("snat", 0x40), ("dnat", 0x80)];

    private static string FormatCtState(uint value, uint mask)
    {
        var sb = new StringBuilder();
        foreach (var (name, bit) in CtStateBits)
            if ((mask & bit) != 0) sb.Append((value & bit) != 0 ? '+' : '-').Append(name);
        return sb.ToString();
    }

    private static void AppendActions(StringBuilder sb, IReadOnlyList<OvsAction> actions)
    {
        if (actions.Count == 0) { sb.Append("drop"); return; }
        for (int i = 0; i < actions.Count; i++)
        {
            if (i > 0) sb.Append(',');
            AppendAction(sb, actions[i]);
        }
    }

    private static void AppendAction(StringBuilder sb, OvsAction a)
    {
        switch (a)
        {
            case OutputAction o: sb.Append("output:").Append(o.Port); break;
            case InPortAction: sb.Append("in_port"); break;
            case GroupAction g: sb.Append("group:").Append(g.GroupId); break;
            case GotoTableAction t: sb.Append("goto_table:").Append(t.Table); break;
            case SetFieldAction { Field: OvsFieldId.EthSrc, Legacy: true } s when s.Mask == OvsFields.Get(OvsFieldId.EthSrc).FullMask:
                sb.Append("mod_dl_src:").Append(new MacAddress((ulong)s.Value)); break;
            case SetFieldAction { Field: OvsFieldId.EthDst, Legacy: true } s when s.Mask == OvsFields.Get(OvsFieldId.EthDst).FullMask:
                sb.Append("mod_dl_dst:").Append(new MacAddress((ulong)s.Value)); break;
            case LoadAction l:
                sb.Append("load:0x").Append(((ulong)l.Value).ToString("x", CultureInfo.InvariantCulture)).Append("->").Append(l.Destination); break;
            case MoveAction m: sb.Append("move:").Append(m.Source).Append("->").Append(m.Destination); break;
            case CtAction ct: AppendCt(sb, ct); break;
            default: throw new NotSupportedException($"action {a.GetType().Name} is not rendered by the controller");
        }
    }

    private static void AppendCt(StringBuilder sb, CtAction ct)
    {
        if (ct.ZoneSource is not null || ct.Alg != 0 || ct.Exec.Count != 0 || ct.Force)
            throw new NotSupportedException("ct: only commit, table, zone and nat are rendered");
        var parts = new List<string>();
        if (ct.Commit) parts.Add("commit");
        if (ct.RecircTable is { } t) parts.Add("table=" + t.ToString(CultureInfo.InvariantCulture));
        if (ct.Zone != 0) parts.Add("zone=" + ct.Zone.ToString(CultureInfo.InvariantCulture));
        if (ct.Nat is { } nat) parts.Add(FormatNat(nat));
        sb.Append("ct(").Append(string.Join(',', parts)).Append(')');
    }

    private static string FormatNat(NatSpec nat)
    {
        if (nat.Kind == NatKind.None) return "nat";
        if (nat.Flags != NatFlags.None || nat.AddressMax is { } max && max != nat.AddressMin || nat.PortMax != 0 && nat.PortMax != nat.PortMin)
            throw new NotSupportedException("nat: only single-address, single-port bindings are rendered");
        var side = nat.Kind == NatKind.Source ? "src" : "dst";
        if (nat.AddressMin is not { } addr) return $"nat({side})";
        return nat.PortMin == 0 ? $"nat({side}={addr})" : $"nat({side}={addr}:{nat.PortMin})";
    }
}
