using MeshSim.Wire;

namespace MeshSim.Ovs;

internal static partial class ActionParser
{
    /// <summary>OVS's <c>parse_CT</c> and <c>check_CT</c>.</summary>
    private static OvsAction ParseCt(KeyValue kv, string text, ParseContext ctx, ActionCheck check)
    {
        bool commit = false, force = false;
        ushort zone = 0, alg = 0;
        SubField? zoneSource = null;
        byte? table = null;
        NatSpec? nat = null;
        var exec = new List<OvsAction>();
        var inner = new KeyValueScanner(text, kv.ValueOffset, kv.ValueOffset + kv.Value.Length);
        while (inner.Next(out var p))
        {
            switch (p.Key)
            {
                case "commit": commit = true; break;
                case "force": force = true; break;
                case "table":
                    if (!CNumber.TryParseTable(p.Value, 255, out var t)) throw ctx.Error(p.ValueOffset, $"unknown table {p.Value}");
                    if (t == 255) throw ctx.Error(p.ValueOffset, "invalid table 0xff");
                    table = (byte)t;
                    break;
                case "zone":
                    if (CNumber.TryParseRange(p.Value, 0, 65535, out var z)) { zone = (ushort)z; zoneSource = null; }
                    else if (SubFieldParser.TryParse(p.Value, out var sf, out var error))
                    {
                        if (sf.Bits != 16) throw ctx.Error(p.ValueOffset, $"{p.Value}: zone must be a 16-bit field or subfield");
                        if (!check.PrerequisitesMet(OvsFields.Get(sf.Field)))
                            throw ctx.Error(p.ValueOffset, ActionCheck.Inconsistent($"zone source {sf} needs {Describe(OvsFields.Get(sf.Field).Prerequisite)} in the match"));
                        zoneSource = sf;
                    }
                    else throw ctx.Error(p.ValueOffset, error!);
                    break;
                case "alg":
                    alg = p.Value switch
                    {
                        "ftp" => 21,
                        "tftp" => 69,
                        _ => throw ctx.Error(p.ValueOffset, $"invalid conntrack helper \"{p.Value}\""),
                    };
                    break;
                case "nat":
                    // OVS keeps actions in order: only a nat before everything else prints outside exec(...).
                    var spec = ParseNat(p, text, ctx);
                    if (nat is null && exec.Count == 0) nat = spec;
                    else exec.Add(new CtNatAction(spec));
                    break;
                case "exec":
                    exec.AddRange(ParseList(text, p.ValueOffset, p.ValueOffset + p.Value.Length, ctx.Nested(), check, insideCt: true));
                    break;
                default:
                    throw ctx.Error(p.KeyOffset, $"invalid argument to \"ct\" action: `{p.Key}'");
            }
        }
        if (force && !commit) throw ctx.Error(kv.KeyOffset, "\"force\" flag requires \"commit\" flag.");
        if (!commit && (exec.Any(a => a is not CtNatAction { Nat.Kind: NatKind.None }) || nat is { Kind: not NatKind.None }))
            throw ctx.Error(kv.KeyOffset, "CT action requires commit flag if actions other than NAT without arguments are specified. (OFPBAC_BAD_ARGUMENT)");

        // check_CT / check_NAT: hard errors, because the datapath cannot run them.
        if (!check.IsIpAny && !check.IsGroup)
            throw ctx.Error(kv.KeyOffset, ActionCheck.Inconsistent("ct needs an IP match (ip, tcp, udp, icmp…)"));
        if (commit && check.Match.TryGet(OvsFieldId.CtState, out var cs) && (cs.Value & 0x10) != 0)
            throw ctx.Error(kv.KeyOffset, ActionCheck.Inconsistent("ct(commit) of a packet matched as +inv"));
        if (alg == 21 && check.NwProto != 6 && !check.IsGroup) throw ctx.Error(kv.KeyOffset, ActionCheck.Inconsistent("alg=ftp needs tcp in the match"));
        if (alg == 69 && check.NwProto != 17 && !check.IsGroup) throw ctx.Error(kv.KeyOffset, ActionCheck.Inconsistent("alg=tftp needs udp in the match"));
        if (nat is { AddressMin: not null } && !check.IsIpv4 && !check.IsGroup)
            throw ctx.Error(kv.KeyOffset, ActionCheck.Inconsistent("an IPv4 nat range needs ip (not ipv6) in the match"));

        return new CtAction(commit, force, zoneSource is null ? zone : (ushort)0, zoneSource, table, alg, nat, exec);
    }

    /// <summary>OVS's <c>parse_NAT</c> and <c>str_to_nat_range</c> (IPv4 only in MeshSim).</summary>
    private static NatSpec ParseNat(KeyValue kv, string text, ParseContext ctx)
    {
        if (kv.Delimiter != '(') return NatSpec.Bare;
        var kind = NatKind.None;
        bool src = false, dst = false, hasRange = false;
        var flags = NatFlags.None;
        Ipv4Address? min = null, max = null;
        ushort pmin = 0, pmax = 0;
        var inner = new KeyValueScanner(text, kv.ValueOffset, kv.ValueOffset + kv.Value.Length);
        while (inner.Next(out var p))
        {
            switch (p.Key)
            {
                case "src" or "dst":
                    if (p.Key == "src") src = true; else dst = true;
                    kind = p.Key == "src" ? NatKind.Source : NatKind.Destination;
                    if (p.Value.Length > 0)
                    {
                        ParseNatRange(p.Value, p.ValueOffset, ctx, out min, out max, out pmin, out pmax);
                        hasRange = true;
                        EncodableRange(p, ctx, ref min, ref max, pmin, pmax);
                    }
                    break;
                case "persistent": flags |= NatFlags.Persistent; break;
                case "hash": flags |= NatFlags.Hash; break;
                case "random": flags |= NatFlags.Random; break;
                default: throw ctx.Error(p.KeyOffset, $"invalid key \"{p.Key}\" in \"nat\" argument");
            }
        }
        if (src && dst) throw ctx.Error(kv.KeyOffset, "May only specify one of \"src\" or \"dst\".");
        if (!src && !dst)
        {
            if (flags != 0) throw ctx.Error(kv.KeyOffset, "Flags allowed only with \"src\" or \"dst\".");
            if (hasRange) throw ctx.Error(kv.KeyOffset, "Range allowed only with \"src\" or \"dst\".");
        }
        if (flags.HasFlag(NatFlags.Hash) && flags.HasFlag(NatFlags.Random))
            throw ctx.Error(kv.KeyOffset, "Both \"hash\" and \"random\" are not allowed.");
        return new NatSpec(kind, min, max, pmin, pmax, flags);
    }

    /// <summary>
    /// What survives encode_NAT and the switch's decode_NXAST_RAW_NAT: a zero address is not sent, so
    /// <c>nat(src=0.0.0.0)</c> arrives as <c>nat(src)</c> (flags kept, printed only with a range); a range the
    /// switch then finds incomplete (an upper address or ports without a lower address, an upper port without
    /// a lower one) is refused.
    /// </summary>
    private static void EncodableRange(KeyValue p, ParseContext ctx, ref Ipv4Address? min, ref Ipv4Address? max, ushort pmin, ushort pmax)
    {
        if (min is { Value: 0 })
        {
            if (max is { Value: not 0 } || pmin != 0 || pmax != 0)
                throw ctx.Error(p.ValueOffset, $"invalid nat range \"{p.Value}\" for the switch (OFPBAC_BAD_ARGUMENT): 0.0.0.0 is not sent, so an upper address or a port range has no lower address");
            min = max = null;
        }
        else if (min is not null && pmin == 0 && pmax != 0)
            throw ctx.Error(p.ValueOffset, $"invalid nat range \"{p.Value}\" for the switch (OFPBAC_BAD_ARGUMENT): port 0 is not sent, so the upper port {pmax} has no lower port");
    }

    private static void ParseNatRange(string s, int offset, ParseContext ctx, out Ipv4Address? min, out Ipv4Address? max, out ushort pmin, out ushort pmax)
    {
        min = max = null; pmin = pmax = 0;
        int n = 0;
        if (FieldValueParser.TryParseIp(s, out var lo, out int c))
        {
            n = c;
            min = new Ipv4Address(lo);
            if (n < s.Length && s[n] == '-')
            {
                n++;
                if (!FieldValueParser.TryParseIp(s.AsSpan(n), out var hi, out int c2) || hi < lo) throw Invalid();
                n += c2;
                max = new Ipv4Address(hi);
            }
        }
        else if (s.StartsWith('[') || s.Contains(':'))
            throw ctx.Error(offset, $"invalid nat range \"{s}\": MeshSim supports IPv4 NAT ranges only");
        if (min is not null && n < s.Length && s[n] == ':')
        {
            n++;
            if (!CNumber.TryParsePrefix(s.AsSpan(n), 10, out var a, out int d, out _) || a > ushort.MaxValue) throw Invalid();
            n += d;
            pmin = (ushort)a;
            if (n < s.Length && s[n] == '-')
            {
                n++;
                if (!CNumber.TryParsePrefix(s.AsSpan(n), 10, out var b, out int d2, out _) || b > ushort.MaxValue || b < a) throw Invalid();
                n += d2;
                pmax = (ushort)b;
            }
        }
        if (n != s.Length) throw ctx.Error(offset + n, $"garbage ({s[n..]}) after nat range \"{s}\" (pos: {n})");

        OvsSyntaxException Invalid() => ctx.Error(offset, $"invalid nat range \"{s}\"");
    }
}
