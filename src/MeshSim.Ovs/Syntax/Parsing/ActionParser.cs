namespace MeshSim.Ovs;

/// <summary>
/// Parses an action list in ovs-ofctl syntax (OVS's <c>ofpacts_parse__</c>) into <see cref="OvsAction"/>
/// records, checking each against the flow's match as the switch does (<c>ofpacts_check</c>).
/// Action names are case-insensitive; a bare port number or name means output to it.
/// </summary>
internal static partial class ActionParser
{
    /// <summary>Parses <c>text[start..end)</c>; <paramref name="insideCt"/> restricts to what <c>ct(exec(...))</c> allows.</summary>
    public static IReadOnlyList<OvsAction> ParseList(string text, int start, int end, ParseContext ctx, ActionCheck check, bool insideCt = false)
    {
        // ofpacts_parse: checked before anything inside is read, so the innermost list of a deep nest fails first.
        if (ctx.Depth >= ParseContext.MaxActionDepth) throw ctx.Error(start, "Action nested too deeply");
        var actions = new List<OvsAction>();
        bool drop = false;
        var last = Instruction.ApplyActions;
        var scanner = new KeyValueScanner(text, start, end);
        while (scanner.Next(out var kv))
        {
            string key = kv.Key.ToLowerInvariant();
            if (key == "drop") { drop = true; continue; }
            var action = ParseOne(key, kv, text, ctx, check, insideCt);
            if (insideCt && action is not (SetFieldAction or LoadAction or MoveAction or CtNatAction))
                throw ctx.Error(kv.KeyOffset, $"{kv.Key} action doesn't support nested action ct");
            // ofpacts_verify: OpenFlow 1.1+ instructions come once each, in their fixed order.
            var instruction = InstructionOf(action);
            if (instruction < last)
                throw ctx.Error(kv.KeyOffset, $"invalid instruction ordering: {Name(instruction)} must appear before {Name(last)}, for OpenFlow 1.1+ compatibility");
            if (instruction == last && instruction != Instruction.ApplyActions)
                throw ctx.Error(kv.KeyOffset, $"duplicate {Name(instruction)} instruction not allowed, for OpenFlow 1.1+ compatibility");
            last = instruction;
            actions.Add(action);
        }
        if (drop && actions.Count > 0)
            throw ctx.Error(start, "\"drop\" must not be accompanied by any other action or instruction");
        return actions;
    }

    // The OpenFlow 1.1+ instruction an action belongs to, in the order a flow must list them.
    private enum Instruction { ApplyActions, WriteMetadata, GotoTable }

    private static Instruction InstructionOf(OvsAction a) => a switch
    {
        WriteMetadataAction => Instruction.WriteMetadata,
        GotoTableAction => Instruction.GotoTable,
        _ => Instruction.ApplyActions,
    };

    private static string Name(Instruction i) => i switch
    {
        Instruction.WriteMetadata => "write_metadata",
        Instruction.GotoTable => "goto_table",
        _ => "apply_actions",
    };

    // parse_WRITE_METADATA: str_to_be64 on the value and the optional /mask (all ones when absent).
    private static OvsAction ParseWriteMetadata(KeyValue kv, ParseContext ctx, ActionCheck check)
    {
        if (check.IsGroup) throw ctx.Error(kv.KeyOffset, "write_metadata instruction not allowed here");
        var text = kv.Value;
        int slash = text.IndexOf('/');
        var valueText = slash < 0 ? text : text[..slash];
        ulong mask = ulong.MaxValue;
        if (slash >= 0 && !CNumber.TryParseAll(text[(slash + 1)..], 0, out mask))
            throw ctx.Error(kv.ValueOffset + slash + 1, slash + 1 == text.Length ? "missing required numeric argument" : $"invalid numeric format {text[(slash + 1)..]}");
        if (!CNumber.TryParseAll(valueText, 0, out var value))
            throw ctx.Error(kv.ValueOffset, valueText.Length == 0 ? "missing required numeric argument" : $"invalid numeric format {valueText}");
        return new WriteMetadataAction(value, mask);
    }

    private static OvsAction ParseOne(string key, KeyValue kv, string text, ParseContext ctx, ActionCheck check, bool insideCt)
    {
        switch (key)
        {
            case "output": return ParseOutput(kv, ctx);
            case "controller": return ParseController(kv, text, ctx);
            case "group":
                if (!CNumber.TryParseAll(kv.Value, 0, out var gid) || gid > uint.MaxValue)
                    throw ctx.Error(kv.ValueOffset, kv.Value.Length == 0 ? "missing required numeric argument" : $"invalid numeric format {kv.Value}");
                if (gid > 0xffffff00) throw ctx.Error(kv.ValueOffset, $"invalid group id {gid} (OFPBAC_BAD_OUT_GROUP)");
                return new GroupAction((uint)gid);
            case "goto_table":
                if (check.IsGroup) throw ctx.Error(kv.KeyOffset, "goto_table instruction not allowed here");
                if (!CNumber.TryParseTable(kv.Value, 254, out var gt)) throw ctx.Error(kv.ValueOffset, $"unknown table \"{kv.Value}\"");
                if (check.Table is { } current && gt <= current)
                    throw ctx.Error(kv.KeyOffset, $"goto_table:{gt} must go to a later table than {current} (OFPBIC_BAD_TABLE_ID)");
                return new GotoTableAction((byte)gt);
            case "resubmit": return ParseResubmit(kv, ctx, check);
            case "write_metadata": return ParseWriteMetadata(kv, ctx, check);
            case "dec_ttl":
                if (kv.Value.Length == 0) return new DecTtlAction();
                // OVS: strtok on ", " and atoi each piece (so junk reads as 0).
                var ids = kv.Value.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries).Select(Atoi).ToList();
                if (ids.Count == 0) throw ctx.Error(kv.ValueOffset, "dec_ttl_cnt_ids: expected at least one controller id.");
                return new DecTtlAction { ControllerIds = ids };
            case "strip_vlan" or "pop_vlan": return new StripVlanAction();
            case "ct_clear": return new CtClearAction();
            case "push_vlan":
                if (!CNumber.TryParseRange(kv.Value, 0, 65535, out var tpid)) throw ctx.Error(kv.ValueOffset, $"invalid ethertype \"{kv.Value}\"");
                if (tpid is not (0x8100 or 0x88a8)) throw ctx.Error(kv.ValueOffset, $"{kv.Value}: not a valid VLAN ethertype");
                if (!check.IsGroup)
                    throw ctx.Error(kv.KeyOffset, "push_vlan needs OpenFlow 1.1 or later, but add-flow talks OpenFlow 1.0: none of the usable flow formats (OXM,OpenFlow11) is among the allowed flow formats (OpenFlow10,NXM)");
                return new PushVlanAction((ushort)tpid);
            case "ct": return ParseCt(kv, text, ctx, check);
            case "set_field": return ParseSetField(kv, ctx, check, insideCt);
            case "load": return ParseLoad(kv, ctx, check, insideCt);
            case "move": return ParseMove(kv, ctx, check, insideCt);
            case "mod_dl_src": return ParseMod(kv, OvsFieldId.EthSrc, ctx, check);
            case "mod_dl_dst": return ParseMod(kv, OvsFieldId.EthDst, ctx, check);
            case "mod_nw_src": return ParseMod(kv, OvsFieldId.NwSrc, ctx, check);
            case "mod_nw_dst": return ParseMod(kv, OvsFieldId.NwDst, ctx, check);
            case "mod_nw_tos": return ParseMod(kv, OvsFieldId.NwTos, ctx, check);
            case "mod_nw_ecn": return ParseMod(kv, OvsFieldId.NwEcn, ctx, check);
            case "mod_nw_ttl" or "set_nw_ttl": return ParseMod(kv, OvsFieldId.NwTtl, ctx, check);
            case "mod_tp_src": return ParseMod(kv, OvsFieldId.TpSrc, ctx, check);
            case "mod_tp_dst": return ParseMod(kv, OvsFieldId.TpDst, ctx, check);
            case "mod_vlan_vid": return ParseMod(kv, OvsFieldId.DlVlan, ctx, check);
            case "mod_vlan_pcp": return ParseMod(kv, OvsFieldId.DlVlanPcp, ctx, check);
            // Inside ct(exec(...)) a nat is one more of ct's nested actions, as OVS parses and prints it.
            case "nat" when insideCt: return new CtNatAction(ParseNat(kv, text, ctx));
            case "nat": throw ctx.Error(kv.KeyOffset, "nat is only valid inside ct(...), e.g. ct(commit,nat(dst=10.0.0.1))");
            case "apply_actions": throw ctx.Error(kv.KeyOffset, "apply_actions is the default instruction");
        }
        if (kv.Value.Length == 0 && kv.Delimiter != '(' && FieldValueParser.TryParsePort(kv.Key, out var port))
            return OutputTo(port, kv, ctx);
        throw ctx.Error(kv.KeyOffset, $"unknown action {kv.Key}");
    }

    private static OvsAction ParseOutput(KeyValue kv, ParseContext ctx)
    {
        if (kv.Value.Contains("port", StringComparison.Ordinal) && kv.Value.Contains("max_len", StringComparison.Ordinal))
            throw ctx.Error(kv.ValueOffset, "output(port=…,max_len=…) is not supported by MeshSim");
        if (FieldValueParser.TryParsePort(kv.Value, out var port)) return OutputTo(port, kv, ctx);
        if (SubFieldParser.TryParse(kv.Value, out var sf, out _)) return new OutputRegAction(sf);
        throw ctx.Error(kv.ValueOffset, $"{kv.Value}: output to unknown port");
    }

    private static OvsAction OutputTo(uint port, KeyValue kv, ParseContext ctx) => port switch
    {
        OfPort.Normal => new NormalAction(),
        OfPort.Flood => new FloodAction(),
        OfPort.InPort => new InPortAction(),
        OfPort.Controller => new ControllerAction(),
        OfPort.None or OfPort.Table or (>= OfPort.Max and < OfPort.InPort) =>
            throw ctx.Error(kv.KeyOffset, $"output to port {OfPort.Format(port)} is not allowed in a flow (OFPBAC_BAD_OUT_PORT)"),
        _ => new OutputAction(port),
    };

    private static OvsAction ParseController(KeyValue kv, string text, ParseContext ctx)
    {
        if (kv.Value.Length == 0) return new ControllerAction();
        if (!kv.Value.Contains('='))
        {
            if (!CNumber.TryParseRange(kv.Value, 0, 65535, out var ml)) throw ctx.Error(kv.ValueOffset, $"invalid max_len \"{kv.Value}\"");
            return new ControllerAction((ushort)ml);
        }
        ushort maxLen = ushort.MaxValue, id = 0;
        var reason = ControllerReason.Action;
        var inner = new KeyValueScanner(text, kv.ValueOffset, kv.ValueOffset + kv.Value.Length);
        while (inner.Next(out var p))
        {
            switch (p.Key)
            {
                case "max_len":
                    if (!CNumber.TryParseRange(p.Value, 0, 65535, out var m)) throw ctx.Error(p.ValueOffset, $"invalid max_len \"{p.Value}\"");
                    maxLen = (ushort)m; break;
                case "id":
                    if (!CNumber.TryParseRange(p.Value, 0, 65535, out var i)) throw ctx.Error(p.ValueOffset, $"invalid id \"{p.Value}\"");
                    id = (ushort)i; break;
                case "reason":
                    reason = p.Value switch
                    {
                        "action" => ControllerReason.Action,
                        "no_match" => ControllerReason.NoMatch,
                        "invalid_ttl" => ControllerReason.InvalidTtl,
                        _ => throw ctx.Error(p.ValueOffset, $"unknown reason \"{p.Value}\""),
                    };
                    break;
                default:
                    throw ctx.Error(p.KeyOffset, $"{p.Key}: unknown controller parameter (MeshSim supports max_len, reason, id)");
            }
        }
        return new ControllerAction(maxLen, reason, id);
    }

    private static OvsAction ParseResubmit(KeyValue kv, ParseContext ctx, ActionCheck check)
    {
        if (kv.Delimiter != '(')
        {
            if (!FieldValueParser.TryParsePort(kv.Value, out var p)) throw ctx.Error(kv.ValueOffset, $"{kv.Value}: resubmit to unknown port");
            if (p == OfPort.InPort) throw ctx.Error(kv.KeyOffset, "at least one \"in_port\" or \"table\" must be specified on resubmit");
            return new ResubmitAction(p, null);
        }
        var parts = kv.Value.Split(',');
        uint? inPort = null; byte? table = null; bool ct = false;
        int offset = kv.ValueOffset;
        if (parts[0].Length > 0)
        {
            if (!FieldValueParser.TryParsePort(parts[0], out var p)) throw ctx.Error(offset, $"{parts[0]}: resubmit to unknown port");
            if (p != OfPort.InPort) inPort = p;
        }
        if (parts.Length > 1 && parts[1].Length > 0)
        {
            if (!CNumber.TryParseTable(parts[1], 255, out var t)) throw ctx.Error(offset + parts[0].Length + 1, $"{parts[1]}: resubmit to unknown table");
            if (t != 255) table = (byte)t;
        }
        if (parts.Length > 2)
        {
            if (parts[2] != "ct") throw ctx.Error(offset + parts[0].Length + parts[1].Length + 2, $"{parts[2]}: unknown parameter");
            ct = true;
        }
        if (parts.Length > 3) throw ctx.Error(offset, $"{kv.Value}: too many arguments to resubmit");
        if (inPort is null && table is null) throw ctx.Error(kv.KeyOffset, "at least one \"in_port\" or \"table\" must be specified on resubmit");
        if (ct && !CtValid(check.Match))
            throw ctx.Error(kv.KeyOffset, ActionCheck.Inconsistent("resubmit(...,ct) needs a match on a valid connection (e.g. ct_state=+trk-inv)"));
        return new ResubmitAction(inPort, table, ct);
    }

    // C's atoi truncated to uint16_t: leading digits (after an optional sign), 0 when none.
    private static ushort Atoi(string s)
    {
        var t = s.TrimStart();
        int i = 0; bool neg = false;
        if (i < t.Length && t[i] is '+' or '-') { neg = t[i] == '-'; i++; }
        long v = 0;
        while (i < t.Length && char.IsAsciiDigit(t[i]) && v < int.MaxValue) v = v * 10 + (t[i++] - '0');
        return (ushort)(neg ? -v : v);
    }

    internal static bool CtValid(Match m)
    {
        if (!m.TryGet(OvsFieldId.CtState, out var s)) return false;
        uint v = (uint)s.Value, mask = (uint)s.Mask;
        return (v & 0xcf) != 0 || ((v & 0x20) != 0 && (mask & 0x10) != 0 && (v & 0x10) == 0);
    }
}
