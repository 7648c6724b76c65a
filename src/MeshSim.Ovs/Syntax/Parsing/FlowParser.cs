namespace MeshSim.Ovs;

/// <summary>
/// Parses one flow in <c>ovs-ofctl add-flow</c> syntax (OVS's <c>parse_ofp_str__</c>): match fields and
/// flow parameters, then everything after the first <c>action</c> keyword's <c>=</c> as the action
/// list. The result is normalised and validated as the switch would (prerequisite-less fields
/// dropped; conntrack tuple fields without a valid ct_state, actions inconsistent with the match and
/// goto_table backwards rejected), so the printed flow equals what <c>dump-flows</c> shows.
/// </summary>
internal static class FlowParser
{
    private static readonly (string Name, ushort EthType, byte? NwProto)[] Protocols =
    [
        ("ip", 0x0800, null), ("ipv4", 0x0800, null), ("ip4", 0x0800, null), ("arp", 0x0806, null),
        ("icmp", 0x0800, 1), ("tcp", 0x0800, 6), ("udp", 0x0800, 17), ("sctp", 0x0800, 132),
        ("ipv6", 0x86dd, null), ("ip6", 0x86dd, null), ("icmp6", 0x86dd, 58), ("tcp6", 0x86dd, 6),
        ("udp6", 0x86dd, 17), ("sctp6", 0x86dd, 132), ("rarp", 0x8035, null), ("mpls", 0x8847, null),
        ("mplsm", 0x8848, null),
    ];

    /// <summary>
    /// Parses a flow as the switch stores it, except for OpenFlow 1.0's VLAN normalisation, which depends on the
    /// flow format ovs-ofctl picks for the whole command: <paramref name="openFlow10"/> says whether this flow
    /// alone could travel as OpenFlow 1.0 (see <see cref="MatchBuilder.NormalizeOpenFlow10"/>).
    /// </summary>
    public static FlowEntry Parse(string text, ParseContext ctx, out bool openFlow10)
    {
        int actionsAt = text.IndexOf("action", StringComparison.Ordinal);
        int actionsStart = -1;
        if (actionsAt >= 0)
        {
            int eq = text.IndexOf('=', actionsAt + 1);
            if (eq >= 0) actionsStart = eq + 1;
        }
        if (actionsStart < 0) throw ctx.Error(actionsAt >= 0 ? actionsAt : text.Length, "must specify an action");

        byte table = 0;
        bool tableGiven = false;
        ushort priority = FlowEntry.DefaultPriority, idle = 0, hard = 0, importance = 0;
        ulong cookie = 0;
        var flags = FlowFlags.None;
        var match = new MatchBuilder();
        var ctFieldColumns = new List<(OvsFieldId Field, int Offset)>();

        var scanner = new KeyValueScanner(text, 0, actionsAt);
        while (scanner.Next(out var kv))
        {
            string name = kv.Key;
            if (Array.FindIndex(Protocols, p => p.Name == name) is int pi and >= 0)
            {
                match.SetProtocol(Protocols[pi].EthType, Protocols[pi].NwProto, kv.KeyOffset);
                continue;
            }
            switch (name)
            {
                case "send_flow_rem": flags |= FlowFlags.SendFlowRemoved; continue;
                case "check_overlap": flags |= FlowFlags.CheckOverlap; continue;
                case "reset_counts": flags |= FlowFlags.ResetCounts; continue;
                case "no_packet_counts": flags |= FlowFlags.NoPacketCounts; continue;
                case "no_byte_counts": flags |= FlowFlags.NoByteCounts; continue;
                case "no_readonly_table" or "allow_hidden_fields": continue;
            }
            if (OvsFields.TryGetName(name, out var field))
            {
                string value = kv.Value.Length == 0 ? "0/0" : kv.Value;
                var error = FieldValueParser.Parse(field, value, out var v, out var m);
                if (error is not null) throw ctx.Error(kv.ValueOffset, error);
                match.Set(field, v, m, kv.KeyOffset);
                if (field.Slot is OvsFieldId.CtNwSrc or OvsFieldId.CtNwDst or OvsFieldId.CtNwProto or OvsFieldId.CtTpSrc or OvsFieldId.CtTpDst)
                    ctFieldColumns.Add((field.Slot, kv.KeyOffset));
                continue;
            }
            if (name.Contains('['))
            {
                // parse_subfield: FIELD[bits]=VALUE matches just those bits (NXM/OXM names allowed here).
                if (!SubFieldParser.TryParsePrefix(name, out var sf, out int sfEnd, out var sfError))
                    throw ctx.Error(kv.KeyOffset, sfError!);
                if (sfEnd != name.Length) throw ctx.Error(kv.KeyOffset + sfEnd, $"{name}: unexpected input following field syntax");
                var subError = match.SetSubField(name, sf, kv.Value, kv.KeyOffset);
                if (subError is not null) throw ctx.Error(kv.Value.Length == 0 || subError.Contains("OFPBAC_") ? kv.KeyOffset : kv.ValueOffset, subError);
                continue;
            }
            if (kv.Value.Length == 0) throw ctx.Error(kv.KeyOffset, $"field {name} missing value");
            switch (name)
            {
                case "table":
                    if (!CNumber.TryParseTable(kv.Value, 255, out var t)) throw ctx.Error(kv.ValueOffset, $"unknown table \"{kv.Value}\"");
                    if (t == 255) { table = 0; tableGiven = false; break; }   // 255 means "unspecified": the flow goes to table 0
                    if (t == 254) throw ctx.Error(kv.ValueOffset, "table 254 is reserved for Open vSwitch's internal flows (OFPBRC_EPERM)");
                    table = (byte)t;
                    tableGiven = true;
                    break;
                case "priority": priority = U16(kv, ctx); break;
                case "idle_timeout": idle = U16(kv, ctx); break;
                case "hard_timeout": hard = U16(kv, ctx); break;
                case "importance": importance = U16(kv, ctx); break;
                case "cookie":
                    if (kv.Value.Contains('/')) throw ctx.Error(kv.ValueOffset, "flow additions cannot use a cookie mask");
                    if (!CNumber.TryParseAll(kv.Value, 0, out cookie)) throw ctx.Error(kv.ValueOffset, $"invalid numeric format {kv.Value}");
                    break;
                case "duration" or "n_packets" or "n_bytes" or "idle_age" or "hard_age":
                    break;   // accepted and ignored, so dump-flows output can be fed back
                default:
                    throw ctx.Error(kv.KeyOffset, $"unknown keyword {name}");
            }
        }

        match.Normalize();
        CheckConntrackPrerequisites(match, ctFieldColumns, ctx);
        CheckL4AfterLaterFragment(match, ctx);
        var built = match.Build();

        var check = new ActionCheck(built, tableGiven ? table : null);
        var actions = ActionParser.ParseList(text, actionsStart, text.Length, ctx, check);
        // The flow format ovs-ofctl may use depends on the actions too.
        if (check.NeedsNxm) match.NeedNxm();
        openFlow10 = match.OpenFlow10;
        return new FlowEntry(table, priority, cookie, idle, hard, built, actions)
        {
            Importance = importance,
            Flags = flags & ~FlowFlags.CheckOverlap,
        };
    }

    private static ushort U16(KeyValue kv, ParseContext ctx) =>
        CNumber.TryParseRange(kv.Value, 0, 65535, out var v) ? (ushort)v : throw ctx.Error(kv.ValueOffset, $"invalid {kv.Key} \"{kv.Value}\"");

    /// <summary>OVS's <c>is_ct_valid</c> check (MFP_CT_VALID): the conntrack tuple fields need a ct_state that implies a connection.</summary>
    private static void CheckConntrackPrerequisites(MatchBuilder match, List<(OvsFieldId Field, int Offset)> ctFields, ParseContext ctx)
    {
        foreach (var (field, offset) in ctFields)
        {
            if (!match.Has(field)) continue;   // dropped by normalisation
            uint state = (uint)match.ValueOf(OvsFieldId.CtState), mask = (uint)match.MaskOf(OvsFieldId.CtState);
            const uint Valid = 0x01 | 0x02 | 0x04 | 0x08 | 0x40 | 0x80;   // new est rel rpl snat dnat
            bool ok = (state & Valid) != 0 || ((state & 0x20) != 0 && (mask & 0x10) != 0 && (state & 0x10) == 0);
            if (!ok)
                throw ctx.Error(offset, $"{OvsFields.Get(field).Name} requires ct_state to match a tracked, valid connection (e.g. +trk-inv or +est) (OFPBMC_BAD_PREREQ)");
        }
    }

    /// <summary>TCP/UDP/SCTP port and flag fields are not available in non-first fragments (MFP_TCP etc.).</summary>
    private static void CheckL4AfterLaterFragment(MatchBuilder match, ParseContext ctx)
    {
        if ((match.ValueOf(OvsFieldId.NwFrag) & 2) == 0) return;
        byte proto = (byte)match.ValueOf(OvsFieldId.NwProto);
        if (proto is not (6 or 17 or 132)) return;
        foreach (var slot in new[] { OvsFieldId.TpSrc, OvsFieldId.TpDst, OvsFieldId.TcpFlags })
            if (match.Has(slot))
                throw ctx.Error(match.OffsetOf(slot), $"{OvsFields.Get(slot).Name} cannot be matched in later fragments (nw_frag=later) (OFPBMC_BAD_PREREQ)");
    }
}
