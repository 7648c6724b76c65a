using System.Globalization;
using MeshSim.Ovs;
using MeshSim.Wire;

namespace MeshSim.Control.Rules;

/// <summary>
/// Reads back what <see cref="RuleText"/> writes: flow files (<c>replace-flows</c> input) and group
/// files (<c>add-groups</c> input), with <c># stage: item</c> comments restored as provenance.
/// </summary>
/// <remarks>
/// The grammar is the subset of ovs-ofctl(8) the controller emits: comma-separated
/// <c>key=value</c> words and keywords, where commas inside parentheses do not split. Anything
/// outside that subset is reported as a <see cref="RuleTextException"/> with line and column.
/// </remarks>
public static class RuleTextParser
{
    /// <summary>Parses a flow file and a group file into a rule set for <paramref name="switchName"/>.</summary>
    public static RuleSet Parse(string switchName, string flowsText, string groupsText)
    {
        var flows = new List<CompiledFlow>();
        foreach (var (line, prov, text) in Lines(flowsText))
            flows.Add(new CompiledFlow(ParseFlow(text, line), prov));
        var groups = new List<CompiledGroup>();
        foreach (var (line, prov, text) in Lines(groupsText))
            groups.Add(new CompiledGroup(ParseGroup(text, line), prov));
        return new RuleSet(switchName, flows, groups);
    }

    private static IEnumerable<(int Line, Rules.Provenance Prov, string Text)> Lines(string text)
    {
        var prov = new Provenance("", "");
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var l = lines[i].TrimEnd('\r');
            if (l.Length == 0) continue;
            if (l.StartsWith('#'))
            {
                var body = l[1..].Trim();
                var colon = body.IndexOf(": ", StringComparison.Ordinal);
                prov = colon < 0 ? new Provenance(body, "") : new Provenance(body[..colon], body[(colon + 2)..]);
                continue;
            }
            yield return (i + 1, prov, l);
            prov = new Provenance("", "");
        }
    }

    /// <summary>One flow line.</summary>
    public static FlowEntry ParseFlow(string text, int line = 1)
    {
        byte table = 0; ushort priority = FlowEntry.DefaultPriority; ulong cookie = 0;
        IReadOnlyList<OvsAction>? actions = null;
        var fields = new List<FieldMatch>();
        foreach (var (word, col) in Split(text, 0, text.Length))
        {
            if (word.StartsWith("actions=", StringComparison.Ordinal))
            {
                // actions= runs to the end of the line: its commas separate actions, not flow words.
                int start = col - 1 + "actions=".Length;
                actions = ParseActions(text, start, text.Length, line);
                break;
            }
            var eq = word.IndexOf('=');
            var (key, value) = eq < 0 ? (word, "") : (word[..eq], word[(eq + 1)..]);
            int vcol = col + eq + 1;
            switch (key)
            {
                case "table": table = (byte)Number(value, byte.MaxValue, line, vcol); break;
                case "priority": priority = (ushort)Number(value, ushort.MaxValue, line, vcol); break;
                case "cookie": cookie = Number(value, ulong.MaxValue, line, vcol); break;
                case "ip": Exact(fields, OvsFieldId.EthType, 0x0800); break;
                case "arp": Exact(fields, OvsFieldId.EthType, 0x0806); break;
                case "tcp": Exact(fields, OvsFieldId.EthType, 0x0800); Exact(fields, OvsFieldId.NwProto, 6); break;
                case "udp": Exact(fields, OvsFieldId.EthType, 0x0800); Exact(fields, OvsFieldId.NwProto, 17); break;
                case "icmp": Exact(fields, OvsFieldId.EthType, 0x0800); Exact(fields, OvsFieldId.NwProto, 1); break;
                default:
                    if (eq < 0 || !OvsFields.TryGet(key, out var f))
                        throw new RuleTextException(line, col, $"unknown match field or keyword '{key}' (expected table=, priority=, cookie=, a protocol keyword, a field=value, or actions=)");
                    fields.Add(ParseFieldValue(f, value, line, vcol));
                    break;
            }
        }
        if (actions is null) throw new RuleTextException(line, text.Length + 1, "missing actions=");
        return new FlowEntry(table, priority, cookie, 0, 0, RuleText.CreateMatch(fields), actions);
    }

    /// <summary>One group line.</summary>
    public static GroupEntry ParseGroup(string text, int line = 1)
    {
        uint? id = null; string? method = null;
        var buckets = new List<Bucket>();
        // Split on ",bucket=": each bucket's actions run to the next bucket.
        var parts = new List<(int Start, int End)>();
        int pos = 0;
        while (true)
        {
            int next = text.IndexOf(",bucket=", pos, StringComparison.Ordinal);
            parts.Add((pos, next < 0 ? text.Length : next));
            if (next < 0) break;
            pos = next + 1;
        }
        foreach (var (word, col) in Split(text, parts[0].Start, parts[0].End))
        {
            var eq = word.IndexOf('=');
            var (key, value) = eq < 0 ? (word, "") : (word[..eq], word[(eq + 1)..]);
            switch (key)
            {
                case "group_id": id = (uint)Number(value, uint.MaxValue, line, col + eq + 1); break;
                case "type" when value == "select": break;
                case "selection_method": method = value; break;
                default: throw new RuleTextException(line, col, $"unexpected '{word}' (expected group_id=, type=select, selection_method=)");
            }
        }
        foreach (var (start, end) in parts.Skip(1))
        {
            int s = start + "bucket=".Length;
            uint bucketId = (uint)buckets.Count; ushort weight = 1;
            IReadOnlyList<OvsAction>? actions = null;
            foreach (var (word, col) in Split(text, s, end))
            {
                if (word.StartsWith("actions=", StringComparison.Ordinal))
                {
                    actions = ParseActions(text, col - 1 + "actions=".Length, end, line);
                    break;
                }
                var colon = word.IndexOf(':');
                var (key, value) = colon < 0 ? (word, "") : (word[..colon], word[(colon + 1)..]);
                switch (key)
                {
                    case "bucket_id": bucketId = (uint)Number(value, uint.MaxValue, line, col + colon + 1); break;
                    case "weight": weight = (ushort)Number(value, ushort.MaxValue, line, col + colon + 1); break;
                    default: throw new RuleTextException(line, col, $"unexpected '{word}' in bucket (expected bucket_id:, weight:, actions=)");
                }
            }
            buckets.Add(new Bucket(bucketId, weight, Bucket.NoWatchPort, Bucket.NoWatchGroup, actions ?? throw new RuleTextException(line, end + 1, "bucket without actions=")));
        }
        return new GroupEntry(id ?? throw new RuleTextException(line, 1, "missing group_id="), GroupType.Select, method, 0, [], buckets);
    }

    private static void Exact(List<FieldMatch> fields, OvsFieldId f, UInt128 v) => fields.Add(new FieldMatch(f, v, OvsFields.Get(f).FullMask));

    private static FieldMatch ParseFieldValue(OvsField f, string value, int line, int col)
    {
        var slot = f.SlotField;
        if (f.Format == FieldFormat.CtState)
        {
            uint v = 0, m = 0; int i = 0;
            while (i < value.Length)
            {
                char sign = value[i];
                if (sign is not ('+' or '-')) throw new RuleTextException(line, col + i, "expected +flag or -flag in ct_state");
                int j = i + 1;
                while (j < value.Length && value[j] is not ('+' or '-')) j++;
                var name = value[(i + 1)..j];
                var bit = Array.Find(RuleText.CtStateBits, b => b.Name == name).Bit;
                if (bit == 0) throw new RuleTextException(line, col + i + 1, $"unknown ct_state flag '{name}' (expected new, est, rel, rpl, inv, trk, snat, dnat)");
                m |= bit; if (sign == '+') v |= bit;
                i = j;
            }
            return new FieldMatch(OvsFieldId.CtState, v, m);
        }
        UInt128 val = f.Format switch
        {
            FieldFormat.Ipv4 => Ipv4Address.TryParse(value, out var a) ? a.Value : throw new RuleTextException(line, col, $"'{value}' is not an IPv4 address"),
            FieldFormat.Ethernet => MacAddress.TryParse(value, out var mac) ? mac.Value : throw new RuleTextException(line, col, $"'{value}' is not a MAC address"),
            _ => Number(value, (ulong)Math.Min((double)ulong.MaxValue, Math.Pow(2, f.Bits) - 1), line, col),
        };
        return new FieldMatch(slot.Id, val << f.Shift, f.FullMask << f.Shift);
    }

    private static ulong Number(string s, ulong max, int line, int col)
    {
        bool ok = s.StartsWith("0x", StringComparison.Ordinal)
            ? ulong.TryParse(s.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v)
            : ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out v);
        if (!ok || v > max) throw new RuleTextException(line, col, $"expected a number 0-{max}, got '{s}'");
        return v;
    }

    /// <summary>Top-level comma-separated words of text[start..end) with their 1-based columns.</summary>
    private static IEnumerable<(string Word, int Column)> Split(string text, int start, int end)
    {
        int depth = 0, wordStart = start;
        for (int i = start; i <= end; i++)
        {
            char c = i < end ? text[i] : ',';
            if (c == '(') depth++;
            else if (c == ')') depth--;
            else if (c == ',' && depth == 0)
            {
                if (i > wordStart) yield return (text[wordStart..i].Trim(), wordStart + 1);
                wordStart = i + 1;
            }
        }
    }

    private static IReadOnlyList<OvsAction> ParseActions(string text, int start, int end, int line)
    {
        var list = new List<OvsAction>();
        foreach (var (word, col) in Split(text, start, end))
        {
            if (word == "drop") { if (list.Count > 0 || end - start != 4) throw new RuleTextException(line, col, "drop must be the only action"); continue; }
            list.Add(ParseAction(word, line, col));
        }
        return list;
    }

    private static OvsAction ParseAction(string w, int line, int col)
    {
        if (w == "in_port") return new InPortAction();
        if (w.StartsWith("output:", StringComparison.Ordinal)) return new OutputAction((uint)Number(w[7..], OfPort.Max, line, col + 7));
        if (w.StartsWith("group:", StringComparison.Ordinal)) return new GroupAction((uint)Number(w[6..], uint.MaxValue, line, col + 6));
        if (w.StartsWith("goto_table:", StringComparison.Ordinal)) return new GotoTableAction((byte)Number(w[11..], 254, line, col + 11));
        if (w.StartsWith("mod_dl_src:", StringComparison.Ordinal) || w.StartsWith("mod_dl_dst:", StringComparison.Ordinal))
        {
            if (!MacAddress.TryParse(w.AsSpan(11), out var mac)) throw new RuleTextException(line, col + 11, $"'{w[11..]}' is not a MAC address");
            return SetFieldAction.Whole(w[7..10] == "src" ? OvsFieldId.EthSrc : OvsFieldId.EthDst, mac.Value) with { Legacy = true };
        }
        if (w.StartsWith("load:", StringComparison.Ordinal))
        {
            var arrow = w.IndexOf("->", StringComparison.Ordinal);
            if (arrow < 0) throw new RuleTextException(line, col, "load: expected load:VALUE->FIELD[]");
            return new LoadAction(ParseSubField(w[(arrow + 2)..], line, col + arrow + 2), Number(w[5..arrow], ulong.MaxValue, line, col + 5));
        }
        if (w.StartsWith("move:", StringComparison.Ordinal))
        {
            var arrow = w.IndexOf("->", StringComparison.Ordinal);
            if (arrow < 0) throw new RuleTextException(line, col, "move: expected move:SRC[]->DST[]");
            return new MoveAction(ParseSubField(w[5..arrow], line, col + 5), ParseSubField(w[(arrow + 2)..], line, col + arrow + 2));
        }
        if (w.StartsWith("ct(", StringComparison.Ordinal) && w.EndsWith(')')) return ParseCt(w, line, col);
        throw new RuleTextException(line, col, $"unsupported action '{w}' (expected output:, in_port, group:, goto_table:, mod_dl_src:, mod_dl_dst:, load:, move:, ct(...), drop)");
    }

    private static SubField ParseSubField(string s, int line, int col)
    {
        if (!s.EndsWith("[]", StringComparison.Ordinal) || !OvsFields.TryGet(s[..^2], out var f))
            throw new RuleTextException(line, col, $"'{s}' is not a whole-field reference such as NXM_OF_ETH_SRC[]");
        return SubField.Whole(f.Id);
    }

    private static CtAction ParseCt(string w, int line, int col)
    {
        bool commit = false; byte? table = null; ushort zone = 0; NatSpec? nat = null;
        foreach (var (arg, acol) in Split(w, 3, w.Length - 1))
        {
            int c = col + acol - 1;
            if (arg == "commit") commit = true;
            else if (arg.StartsWith("table=", StringComparison.Ordinal)) table = (byte)Number(arg[6..], 254, line, c + 6);
            else if (arg.StartsWith("zone=", StringComparison.Ordinal)) zone = (ushort)Number(arg[5..], ushort.MaxValue, line, c + 5);
            else if (arg == "nat") nat = NatSpec.Bare;
            else if (arg.StartsWith("nat(", StringComparison.Ordinal) && arg.EndsWith(')')) nat = ParseNat(arg[4..^1], line, c + 4);
            else throw new RuleTextException(line, c, $"unsupported ct argument '{arg}' (expected commit, table=, zone=, nat, nat(...))");
        }
        return new CtAction(commit, false, zone, null, table, 0, nat, []);
    }

    private static NatSpec ParseNat(string s, int line, int col)
    {
        var kind = s.StartsWith("src", StringComparison.Ordinal) ? NatKind.Source
                 : s.StartsWith("dst", StringComparison.Ordinal) ? NatKind.Destination
                 : throw new RuleTextException(line, col, "nat: expected src or dst");
        if (s.Length == 3) return new NatSpec(kind, null, null, 0, 0, NatFlags.None);
        if (s[3] != '=') throw new RuleTextException(line, col + 3, "nat: expected '=' after src/dst");
        var rest = s[4..];
        var colon = rest.IndexOf(':');
        var addrText = colon < 0 ? rest : rest[..colon];
        if (!Ipv4Address.TryParse(addrText, out var addr)) throw new RuleTextException(line, col + 4, $"nat: '{addrText}' is not an IPv4 address");
        ushort port = colon < 0 ? (ushort)0 : (ushort)Number(rest[(colon + 1)..], ushort.MaxValue, line, col + 5 + colon);
        return new NatSpec(kind, addr, null, port, 0, NatFlags.None);
    }
}
