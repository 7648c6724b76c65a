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
        bool drop = false, writeMetadata = false;
        int items = 0;
        var last = Instruction.ApplyActions;
        var scanner = new KeyValueScanner(text, start, end);
        while (scanner.Next(out var kv))
        {
            string key = kv.Key.ToLowerInvariant();
            if (key == "drop") { drop = true; continue; }
            items++;
            OvsAction? action = null;
            Instruction instruction;
            if (key is "clear_actions" or "write_actions")
            {
                // OpenFlow 1.1+ instructions. ovs-ofctl checks them, but over OpenFlow 1.0 (add-flow's default)
                // it has no way to send them and leaves them out: the switch never holds them.
                if (check.IsGroup || ctx.InWriteActions || insideCt) throw ctx.Error(kv.KeyOffset, $"{key} instruction not allowed here");
                if (key == "write_actions")
                    ParseList(text, kv.ValueOffset, kv.ValueOffset + kv.Value.Length, ctx.Nested(writeActions: true), check);
                instruction = key == "clear_actions" ? Instruction.ClearActions : Instruction.WriteActions;
            }
            else
            {
                if (ctx.InWriteActions && key is "write_metadata" or "goto_table")
                    throw ctx.Error(kv.KeyOffset, $"{key} instruction not allowed here");
                action = ParseOne(key, kv, text, ctx, check, insideCt);
                if (insideCt && action is not (SetFieldAction or LoadAction or MoveAction or CtNatAction))
                    throw ctx.Error(kv.KeyOffset, $"ct action doesn't support nested action {kv.Key}");
                instruction = InstructionOf(action);
            }
            // ofpacts_verify: OpenFlow 1.1+ instructions come once each, in their fixed order.
            if (instruction < last)
                throw ctx.Error(kv.KeyOffset, $"invalid instruction ordering: {Name(instruction)} must appear before {Name(last)}, for OpenFlow 1.1+ compatibility");
            if (instruction == last && instruction != Instruction.ApplyActions)
                throw ctx.Error(kv.KeyOffset, $"duplicate {Name(instruction)} instruction not allowed, for OpenFlow 1.1+ compatibility");
            last = instruction;
            if (action is WriteMetadataAction) writeMetadata = true;
            // Over OpenFlow 1.0 goto_table travels as a resubmit action, and the switch wants every action before
            // the write_metadata instruction.
            if (action is GotoTableAction && writeMetadata && !check.IsGroup)
                throw ctx.Error(kv.KeyOffset, "goto_table after write_metadata: ovs-ofctl sends goto_table over OpenFlow 1.0 as resubmit, an action, "
                    + "which the switch refuses after the write_metadata instruction (invalid instruction ordering: apply_actions must appear before write_metadata, OFPBAC_UNSUPPORTED_ORDER)");
            if (action is ExpandedActions many) actions.AddRange(many.Actions);
            else if (action is not null) actions.Add(action);
        }
        if (drop && items > 0)
            throw ctx.Error(start, "\"drop\" must not be accompanied by any other action or instruction");
        return actions;
    }

    /// <summary>One action of the text that the switch holds as several (set_field to vlan_tci over OpenFlow 1.0).</summary>
    private sealed record ExpandedActions(IReadOnlyList<OvsAction> Actions) : OvsAction;

    // The OpenFlow 1.1+ instruction an action belongs to, in the order a flow must list them.
    private enum Instruction { ApplyActions, ClearActions, WriteActions, WriteMetadata, GotoTable }

    private static Instruction InstructionOf(OvsAction a) => a switch
    {
        WriteMetadataAction => Instruction.WriteMetadata,
        GotoTableAction => Instruction.GotoTable,
        _ => Instruction.ApplyActions,
    };

    private static string Name(Instruction i) => i switch
    {
        Instruction.ClearActions => "clear_actions",
        Instruction.WriteActions => "write_actions",
        Instruction.WriteMetadata => "write_metadata",
        Instruction.GotoTable => "goto_table",
        _ => "apply_actions",
    };

    // parse_WRITE_METADATA: str_to_be64 on the value and the optional /mask (all ones when absent).
    private static OvsAction ParseWriteMetadata(KeyValue kv, ParseContext ctx, ActionCheck check)
    {
        if (check.IsGroup) throw ctx.Error(kv.KeyOffset, "write_metadata instruction not allowed here");
        check.NeedsNxm = true;   // OFPUTIL_P_NXM_OF11_UP
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
            case "output": return ParseOutput(kv, text, ctx);
            case "controller": return ParseController(kv, text, ctx);
            case "group":
                // str_to_u32: strtoul, then the low 32 bits.
                if (!CNumber.TryParseAll(kv.Value, 0, out var gid))
                    throw ctx.Error(kv.ValueOffset, kv.Value.Length == 0 ? "missing required numeric argument" : $"invalid numeric format {kv.Value}");
                gid = (uint)gid;
                // The switch's check; inside write_actions the action never reaches it.
                if (gid > 0xffffff00 && !ctx.InWriteActions) throw ctx.Error(kv.ValueOffset, $"invalid group id {gid} (OFPBAC_BAD_OUT_GROUP)");
                return new GroupAction((uint)gid);
            case "exit": return new ExitAction();
            case "push": return ParseStack(kv, ctx, check, push: true);
            case "pop": return ParseStack(kv, ctx, check, push: false);
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
            case "strip_vlan" or "pop_vlan":
                check.VlanPresent = false;
                return new StripVlanAction();
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
            case "set_vlan_vid": return ParseSetVlan(kv, OvsFieldId.DlVlan, ctx, check);
            case "set_vlan_pcp": return ParseSetVlan(kv, OvsFieldId.DlVlanPcp, ctx, check);
            // Inside ct(exec(...)) a nat is one more of ct's nested actions, as OVS parses and prints it.
            case "nat" when insideCt: return new CtNatAction(ParseNat(kv, text, ctx));
            case "nat": throw ctx.Error(kv.KeyOffset, "Cannot have NAT action outside of \"ct\" action (nat belongs inside ct(...), e.g. ct(commit,nat(dst=10.0.0.1)))");
            case "apply_actions": throw ctx.Error(kv.KeyOffset, "apply_actions is the default instruction");
        }
        if (kv.Value.Length == 0 && kv.Delimiter != '(' && FieldValueParser.TryParsePort(kv.Key, out var port))
            return OutputTo(port, kv, ctx);
        throw ctx.Error(kv.KeyOffset, $"unknown action {kv.Key}");
    }

    private static OvsAction ParseOutput(KeyValue kv, string text, ParseContext ctx)
    {
        if (kv.Value.Contains("port", StringComparison.Ordinal) && kv.Value.Contains("max_len", StringComparison.Ordinal))
            return ParseOutputTrunc(kv, text, ctx);
        if (FieldValueParser.TryParsePort(kv.Value, out var port)) return OutputTo(port, kv, ctx);
        if (SubFieldParser.TryParse(kv.Value, out var sf, out _)) return new OutputRegAction(sf);
        throw ctx.Error(kv.ValueOffset, $"{kv.Value}: output to unknown port");
    }

    /// <summary>OVS's <c>parse_truncate_subfield</c> and <c>check_OUTPUT_TRUNC</c>: <c>output(port=P,max_len=M)</c>.</summary>
    private static OvsAction ParseOutputTrunc(KeyValue kv, string text, ParseContext ctx)
    {
        uint port = 0, maxLen = 0;
        int portOffset = kv.ValueOffset;
        var inner = new KeyValueScanner(text, kv.ValueOffset, kv.ValueOffset + kv.Value.Length);
        while (inner.Next(out var p))
        {
            switch (p.Key)
            {
                case "port":
                    if (!FieldValueParser.TryParsePort(p.Value, out port))
                        throw ctx.Error(p.ValueOffset, $"output to unknown truncate port: {p.Value}");
                    if (port > OfPort.Max && port is not (OfPort.Local or OfPort.InPort))
                        throw ctx.Error(p.ValueOffset, $"output to unsupported truncate port: {p.Value} (only ordinary ports, LOCAL and IN_PORT)");
                    portOffset = p.ValueOffset;
                    break;
                case "max_len":
                    maxLen = ParseU32(p, ctx);
                    if (maxLen < 14) throw ctx.Error(p.ValueOffset, $"max_len {maxLen} is less than the minimum value 14");
                    break;
                default:
                    throw ctx.Error(p.KeyOffset, $"invalid key '{p.Key}' in output_trunc argument (expected port= and max_len=)");
            }
        }
        if (port is OfPort.None || (port >= OfPort.Max && port is not (OfPort.Local or OfPort.InPort)))
            throw ctx.Error(portOffset, $"output to port {OfPort.Format(port)} is not allowed in a flow (OFPBAC_BAD_OUT_PORT)");
        return new OutputTruncAction(port, maxLen);
    }

    // OVS's str_to_u32: strtoul (a minus wraps), then the low 32 bits.
    private static uint ParseU32(KeyValue p, ParseContext ctx)
    {
        if (p.Value.Length == 0) throw ctx.Error(p.ValueOffset, "missing required numeric argument");
        if (!CNumber.TryParseAll(p.Value, 0, out var v)) throw ctx.Error(p.ValueOffset, $"invalid numeric format {p.Value}");
        return (uint)v;
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

    /// <summary>OVS's <c>parse_CONTROLLER</c>: <c>controller</c>, <c>controller:N</c>, <c>controller(key=value,...)</c>.</summary>
    private static OvsAction ParseController(KeyValue kv, string text, ParseContext ctx)
    {
        if (kv.Value.Length == 0) return new ControllerAction();
        if (kv.Value.All(char.IsAsciiDigit))
        {
            if (!CNumber.TryParseRange(kv.Value, 0, 65535, out var ml)) throw ctx.Error(kv.ValueOffset, $"invalid max_len \"{kv.Value}\"");
            return new ControllerAction((ushort)ml);
        }
        ushort maxLen = ushort.MaxValue, id = 0;
        var reason = ControllerReason.Action;
        string userdata = "";
        bool pause = false;
        uint meterId = 0;
        var inner = new KeyValueScanner(text, kv.ValueOffset, kv.ValueOffset + kv.Value.Length);
        while (inner.Next(out var p))
        {
            switch (p.Key)
            {
                case "reason":
                    reason = ParseReason(p.Value) ?? throw ctx.Error(p.ValueOffset,
                        $"unknown reason \"{p.Value}\" (expected action, no_match, invalid_ttl, action_set, group or packet_out)");
                    break;
                case "max_len":
                    if (!CNumber.TryParseRange(p.Value, 0, 65535, out var m)) throw ctx.Error(p.ValueOffset, $"invalid max_len \"{p.Value}\"");
                    maxLen = (ushort)m;
                    break;
                case "id":
                    if (!CNumber.TryParseRange(p.Value, 0, 65535, out var i)) throw ctx.Error(p.ValueOffset, $"invalid id \"{p.Value}\"");
                    id = (ushort)i;
                    break;
                case "userdata":
                    userdata = ParseHexBytes(p.Value, out int bad) ?? throw ctx.Error(p.ValueOffset + bad,
                        "bad hex digit in `controller' action `userdata' (expected pairs of hex digits, optionally separated by dots)");
                    break;
                case "pause": pause = true; break;
                case "meter_id": meterId = ParseU32(p, ctx); break;
                default:
                    throw ctx.Error(p.KeyOffset, $"unknown key \"{p.Key}\" parsing controller action (expected reason, max_len, id, userdata, pause or meter_id)");
            }
        }
        return new ControllerAction(maxLen, reason, id) { Userdata = userdata, Pause = pause, MeterId = meterId };
    }

    // ofputil_packet_in_reason_from_string: case-insensitive; the explicit-miss reason's name is the empty string.
    private static ControllerReason? ParseReason(string s) => s.ToLowerInvariant() switch
    {
        "no_match" => ControllerReason.NoMatch,
        "action" => ControllerReason.Action,
        "invalid_ttl" => ControllerReason.InvalidTtl,
        "action_set" => ControllerReason.ActionSet,
        "group" => ControllerReason.Group,
        "packet_out" => ControllerReason.PacketOut,
        "" => ControllerReason.ExplicitMiss,
        _ => null,
    };

    // ofpbuf_put_hex: pairs of hex digits, white space and dots skipped between them; the bytes as OVS prints
    // them (two digits each, joined by dots), or null with the offset of the first bad character.
    private static string? ParseHexBytes(string s, out int bad)
    {
        var sb = new System.Text.StringBuilder();
        int i = 0;
        while (true)
        {
            while (i < s.Length && s[i] is ' ' or '.' or '\t' or '\r' or '\n') i++;
            if (i >= s.Length) { bad = 0; return sb.ToString(); }
            if (i + 1 >= s.Length || !Uri.IsHexDigit(s[i]) || !Uri.IsHexDigit(s[i + 1])) { bad = i; return null; }
            if (sb.Length > 0) sb.Append('.');
            sb.Append(char.ToLowerInvariant(s[i])).Append(char.ToLowerInvariant(s[i + 1]));
            i += 2;
        }
    }

    /// <summary>OVS's <c>nxm_parse_stack_action</c> and its checks: <c>push:SRC</c> reads the bits (their prerequisites must hold), <c>pop:DST</c> writes them.</summary>
    private static OvsAction ParseStack(KeyValue kv, ParseContext ctx, ActionCheck check, bool push)
    {
        if (!SubFieldParser.TryParsePrefix(kv.Value, out var sf, out int end, out var error)) throw ctx.Error(kv.ValueOffset, error!);
        if (end != kv.Value.Length) throw ctx.Error(kv.ValueOffset + end, $"{kv.Value[end..]}: trailing garbage following push or pop");
        var f = OvsFields.Get(sf.Field);
        if (!push && !f.Writable)
            throw ctx.Error(kv.ValueOffset, $"destination field {f.OxmName} is not writable (OFPBAC_BAD_SET_ARGUMENT)");
        if (!check.SubfieldPrerequisitesMet(f))
            throw ctx.Error(kv.ValueOffset, ActionCheck.Inconsistent($"{(push ? "source" : "destination")} field {f.OxmName} needs {Describe(f.Prerequisite)} in the match"));
        return push ? new StackPushAction(sf) : new StackPopAction(sf);
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
