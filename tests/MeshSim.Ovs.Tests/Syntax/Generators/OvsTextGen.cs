using FsCheck;
using FsCheck.Fluent;

namespace MeshSim.Ovs.Tests.Syntax.Generators;

/// <summary>
/// FsCheck generators of ovs-ofctl flow and group text. They aim at the rules real deployments
/// write (mostly valid, every alias and spelling OVS accepts, fields with and without their
/// prerequisites so normalisation is exercised) plus a share of actions inconsistent with the
/// match, which both MeshSim and OVS must reject.
/// </summary>
public static class OvsTextGen
{
    private enum Proto { None, Ip, Tcp, Udp, Icmp, Arp, Ipv6, Tcp6, Sctp, EthType }

    private static Gen<string> Dec(int lo, int hi) => Gen.Choose(lo, hi).Select(v => v.ToString());

    private static Gen<uint> U32 => Gen.Choose(0, 65535).SelectMany(hi => Gen.Choose(0, 65535).Select(lo => ((uint)hi << 16) | (uint)lo));

    private static Gen<string> Ip => Gen.Four(Gen.Choose(0, 255)).Select(t => $"{t.Item1}.{t.Item2}.{t.Item3}.{t.Item4}");

    private static Gen<string> IpMasked => Gen.Frequency(
        (5, Ip),
        (3, Ip.SelectMany(ip => Gen.Choose(0, 32).Select(p => $"{ip}/{p}"))),
        (1, Ip.SelectMany(ip => Ip.Select(m => $"{ip}/{m}"))));

    private static Gen<string> Mac => Gen.ArrayOf(Gen.Choose(0, 255), 6).Select(b => string.Join(':', b.Select(x => x.ToString("x2"))));

    private static Gen<string> MacMasked => Gen.Frequency(
        (4, Mac),
        (1, Mac.SelectMany(m => Gen.Elements("ff:ff:ff:00:00:00", "01:00:00:00:00:00", "ff:ff:ff:ff:ff:ff", "00:00:00:00:00:00").Select(k => $"{m}/{k}"))));

    private static Gen<string> U16Masked => Gen.Frequency(
        (5, Dec(0, 65535)),
        (1, Gen.Choose(0, 65535).Select(v => $"0x{v:x}")),
        (2, Gen.Choose(0, 65535).SelectMany(v => Gen.Elements(0xff00, 0xfff0, 0x0001, 0xffff, 0x8000).Select(m => $"0x{v:x}/0x{m:x}"))));

    private static Gen<string> U32Masked => Gen.Frequency(
        (3, U32.Select(v => v.ToString())),
        (2, U32.Select(v => $"0x{v:x}")),
        (2, U32.SelectMany(v => U32.Select(m => $"0x{v:x}/0x{m:x}"))));

    private static Gen<string> CtState => Gen.Frequency(
        (3, Gen.SubListOf("+new", "-new", "+est", "+rel", "-rpl", "+rpl", "+inv", "-inv", "+trk", "-trk", "+snat", "+dnat")
            .Select(l => l.GroupBy(x => x[1..]).Select(g => g.First()).ToList())
            .Where(l => l.Count > 0).Select(l => string.Concat(l))),
        (1, Gen.SubListOf("new", "est", "rel", "rpl", "inv", "trk", "snat", "dnat").Where(l => l.Count > 0).Select(l => string.Join('|', l))),
        (1, Gen.Choose(0, 255).SelectMany(v => Gen.Choose(1, 255).Select(m => $"0x{v:x}/0x{m:x}"))));

    private static Gen<string> TcpFlags => Gen.Frequency(
        (2, Gen.SubListOf("+syn", "-syn", "+ack", "-ack", "+fin", "+rst", "-psh", "+urg", "+ece", "+cwr", "+ns")
            .Select(l => l.GroupBy(x => x[1..]).Select(g => g.First()).ToList())
            .Where(l => l.Count > 0).Select(l => string.Concat(l))),
        (1, Gen.SubListOf("fin", "syn", "rst", "psh", "ack", "urg").Where(l => l.Count > 0).Select(l => string.Join('|', l))),
        (1, Gen.Choose(0, 0xfff).SelectMany(v => Gen.Choose(1, 0xfff).Select(m => $"0x{v:x}/0x{m:x}"))));

    private static Gen<string> Field(string name, Gen<string> value) => value.Select(v => $"{name}={v}");

    private static Gen<string> AnyOf(params string[] names) => Gen.Elements(names);

    /// <summary>Match fields, any protocol (normalisation drops what does not apply, as OVS does).</summary>
    private static Gen<string> MatchField => Gen.Frequency(
        (3, Gen.Elements("in_port=1", "in_port=2", "in_port=LOCAL").Or(Dec(1, 300).Select(p => $"in_port={p}"))),
        (3, AnyOf("dl_src", "eth_src", "dl_dst", "eth_dst").SelectMany(n => Field(n, MacMasked))),
        (3, AnyOf("nw_src", "ip_src", "nw_dst", "ip_dst").SelectMany(n => Field(n, IpMasked))),
        (3, AnyOf("tp_src", "tp_dst", "tcp_src", "tcp_dst", "udp_src", "udp_dst").SelectMany(n => Field(n, U16Masked))),
        (1, AnyOf("icmp_type", "icmp_code").SelectMany(n => Field(n, Dec(0, 255)))),
        (1, Field("nw_proto", Gen.Elements("6", "17", "1", "47", "132", "0"))),
        (1, Field("nw_tos", Gen.Choose(0, 63).Select(v => (v * 4).ToString()))),
        (1, Field("ip_dscp", Dec(0, 63))),
        (1, Field("nw_ecn", Dec(0, 3))),
        (1, Field("nw_ttl", Dec(0, 255))),
        (1, AnyOf("nw_frag", "ip_frag").SelectMany(n => Field(n, Gen.Elements("no", "yes", "first", "later", "not_later")))),
        (1, Field("arp_op", Dec(0, 4))),
        (1, AnyOf("arp_spa", "arp_tpa").SelectMany(n => Field(n, IpMasked))),
        (1, AnyOf("arp_sha", "arp_tha").SelectMany(n => Field(n, MacMasked))),
        (1, Field("tcp_flags", TcpFlags)),
        (3, Field("ct_state", CtState)),
        (2, Field("ct_zone", Dec(0, 65535))),
        (2, Field("ct_mark", U32Masked)),
        (1, Field("ct_label", U32Masked)),
        (3, Gen.Choose(0, 15).SelectMany(r => Field($"reg{r}", U32Masked))),
        (1, Field("metadata", U32Masked)),
        (1, Field("pkt_mark", U32Masked)),
        (1, Field("dl_vlan", Gen.Frequency((5, Dec(0, 4095)), (1, Gen.Constant("0xffff"))))),
        (1, Field("dl_vlan_pcp", Dec(0, 7))),
        (1, Field("vlan_tci", Gen.Choose(0, 65535).SelectMany(v => Gen.Elements("", "/0x1fff", "/0xefff", "/0x1000", "/0xf000").Select(m => $"0x{v:x}{m}")))));

    private static Gen<Proto> Protocol => Gen.Frequency(
        (2, Gen.Constant(Proto.None)), (3, Gen.Constant(Proto.Ip)), (5, Gen.Constant(Proto.Tcp)), (3, Gen.Constant(Proto.Udp)),
        (1, Gen.Constant(Proto.Icmp)), (2, Gen.Constant(Proto.Arp)), (1, Gen.Constant(Proto.Ipv6)), (1, Gen.Constant(Proto.Tcp6)),
        (1, Gen.Constant(Proto.Sctp)), (1, Gen.Constant(Proto.EthType)));

    private static Gen<string> ProtocolText(Proto p) => p switch
    {
        Proto.Ip => Gen.Elements("ip", "ipv4", "ip4", "dl_type=0x0800", "eth_type=0x800"),
        Proto.Tcp => Gen.Elements("tcp", "ip,nw_proto=6", "dl_type=0x0800,nw_proto=6"),
        Proto.Udp => Gen.Elements("udp", "ip,ip_proto=17"),
        Proto.Icmp => Gen.Elements("icmp", "ip,nw_proto=1"),
        Proto.Arp => Gen.Elements("arp", "dl_type=0x0806", "rarp"),
        Proto.Ipv6 => Gen.Elements("ipv6", "ip6"),
        Proto.Tcp6 => Gen.Elements("tcp6", "udp6", "icmp6"),
        Proto.Sctp => Gen.Constant("sctp"),
        Proto.EthType => Gen.Elements("dl_type=0x88cc", "dl_type=0x8847", "eth_type=0x1234"),
        _ => Gen.Constant(""),
    };

    private static bool IsIp(Proto p) => p is Proto.Ip or Proto.Tcp or Proto.Udp or Proto.Icmp or Proto.Sctp;

    private static Gen<string> NatRange =>
        from kind in Gen.Elements("src", "dst")
        from a in Gen.Choose(0, 255)
        from b in Gen.Choose(0, 255)
        from last in Gen.Choose(0, 250)
        from span in Gen.Frequency((3, Gen.Constant(-1)), (1, Gen.Choose(0, 5)))
        from ports in Gen.Frequency((2, Gen.Constant("")), (2, Gen.Choose(1, 65535).Select(p => $":{p}")),
                                    (1, Gen.Choose(1, 30000).SelectMany(p => Gen.Choose(0, 30000).Select(d => $":{p}-{p + d}"))))
        from flags in Gen.Elements("", ",persistent", ",hash", ",random", ",persistent,random")
        select $"nat({kind}=10.{a}.{b}.{last}" + (span >= 0 ? $"-10.{a}.{b}.{last + span}" : "") + $"{ports}{flags})";

    private static Gen<string> Nat => Gen.Frequency(
        (2, Gen.Constant("nat")),
        (1, Gen.Elements("nat(src)", "nat(dst)")),
        (4, NatRange));

    private static Gen<string> Ct(int table) =>
        Gen.Zip(Gen.Elements("", "commit,", "commit,force,"), Gen.Frequency((2, Gen.Constant("")), (3, Dec(0, 65535).Select(z => $"zone={z},")), (1, Gen.Constant("zone=NXM_NX_REG0[0..15],"))))
           .SelectMany(t => Gen.Frequency((2, Gen.Constant("")), (2, Gen.Choose(0, 253).Select(x => $"table={x},"))).Select(tb => t.Item1 + t.Item2 + tb))
           .SelectMany(prefix => Gen.Frequency((2, Gen.Constant("")), (2, Nat.Select(n => n + ","))).Select(n => prefix + n))
           .SelectMany(prefix => Gen.Frequency((3, Gen.Constant("")),
                (prefix.StartsWith("commit") ? 1 : 0, U32.Select(m => $"exec(set_field:0x{m:x}->ct_mark),")),
                (prefix.StartsWith("commit") ? 1 : 0, Gen.Choose(0, 255).Select(m => $"exec(load:0x{m:x}->NXM_NX_CT_LABEL[0..7],set_field:{m}->ct_mark),")))
                .Select(e => "ct(" + (prefix + e).TrimEnd(',') + ")"));

    private static Gen<string> Action(Proto p, int table)
    {
        var common = new List<(int, Gen<string>)>
        {
            (6, Dec(1, 300).Select(n => $"output:{n}")),
            (2, Dec(1, 300)),
            (2, Gen.Elements("NORMAL", "FLOOD", "IN_PORT", "in_port", "LOCAL", "ALL", "normal", "output:NORMAL", "CONTROLLER", "controller", "controller:128", "controller(max_len=64,reason=no_match)")),
            (3, AnyOf("mod_dl_src", "mod_dl_dst").SelectMany(n => Mac.Select(m => $"{n}:{m}"))),
            (3, Gen.Choose(0, 15).SelectMany(r => U32.Select(v => $"set_field:{v}->reg{r}"))),
            (2, Gen.Choose(0, 7).SelectMany(r => Gen.Choose(0, 31).SelectMany(a => Gen.Choose(a, 31).SelectMany(b => Gen.Choose(0, 1 << Math.Min(b - a + 1, 16) - 1).Select(v => $"load:{v}->NXM_NX_REG{r}[{a}..{b}]"))))),
            (2, Gen.Choose(0, 7).SelectMany(r1 => Gen.Choose(0, 7).SelectMany(r2 => Gen.Choose(1, 32).SelectMany(w => Gen.Choose(0, 32 - w).Select(o => $"move:NXM_NX_REG{r1}[{o}..{o + w - 1}]->NXM_NX_REG{r2}[{32 - w}..31]"))))),
            (1, Gen.Elements("move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[]", "move:eth_src->eth_dst", "move:NXM_OF_IN_PORT[]->NXM_NX_REG3[0..15]")),
            (1, AnyOf("eth_src", "eth_dst").SelectMany(f => Mac.Select(m => $"set_field:{m}->{f}"))),
            (1, U32.Select(v => $"set_field:0x{v:x}->metadata")),
            (1, U32.Select(v => $"set_field:{v}->pkt_mark")),
            (3, Gen.Choose(0, 20).SelectMany(t => Gen.Elements($"resubmit(,{t})", $"resubmit:{t + 1}", $"resubmit({t + 1},{t})", $"resubmit(LOCAL,{t})"))),
            (2, Gen.Elements("group:5", "group:100")),
            (1, Gen.Constant("ct_clear")),
            (1, Gen.Constant("dec_ttl")),
            (1, Gen.Choose(0, 4095).Select(v => $"mod_vlan_vid:{v}")),
            (1, Gen.Constant("strip_vlan")),
            (2, Gen.Choose(0, 15).SelectMany(r => U32.SelectMany(v => U32.Select(m => $"set_field:0x{v:x}/0x{m:x}->reg{r}")))),
            (1, U32.SelectMany(v => U32.Select(m => $"set_field:0x{v:x}/0x{m:x}->metadata"))),
            (1, Gen.Choose(0, 255).Select(v => $"load:0x{v:x}->NXM_OF_ETH_DST[8..15]")),
            (1, Gen.Elements("output:NXM_NX_REG0[]", "output:NXM_NX_REG1[0..15]", "controller(id=7)", "controller(reason=invalid_ttl,max_len=0)")),
            (1, Gen.Choose(0, 7).SelectMany(r => Gen.Elements($"move:NXM_NX_REG{r}[0..15]->NXM_OF_IN_PORT[]", $"move:NXM_NX_PKT_MARK[]->NXM_NX_REG{r}[]", $"move:OXM_OF_METADATA[0..31]->NXM_NX_REG{r}[]"))),
        };
        if (IsIp(p))
        {
            common.Add((3, AnyOf("mod_nw_src", "mod_nw_dst").SelectMany(n => Ip.Select(ip => $"{n}:{ip}"))));
            common.Add((2, AnyOf("ip_src", "ip_dst").SelectMany(n => Ip.Select(ip => $"set_field:{ip}->{n}"))));
            common.Add((1, Gen.Choose(0, 63).Select(v => $"mod_nw_tos:{v * 4}")));
            common.Add((1, Dec(0, 255).Select(v => $"mod_nw_ttl:{v}")));
            common.Add((1, Dec(0, 255).Select(v => $"set_field:{v}->nw_ttl")));
            common.Add((5, Ct(table)));
            common.Add((1, Gen.Elements("ct(commit,alg=ftp)", "ct(commit,alg=tftp)", "mod_nw_ecn:2", "set_field:3->nw_ecn", "set_field:5->ip_dscp", "move:NXM_OF_IP_SRC[]->NXM_NX_REG5[]", "move:NXM_NX_REG5[]->NXM_OF_IP_DST[]", "set_field:10.0.0.1/255.0.0.0->ip_dst")));
        }
        if (p is Proto.Tcp or Proto.Udp)
        {
            common.Add((3, AnyOf("mod_tp_src", "mod_tp_dst").SelectMany(n => Dec(0, 65535).Select(v => $"{n}:{v}"))));
            string pre = p == Proto.Tcp ? "tcp" : "udp";
            common.Add((2, AnyOf($"{pre}_src", $"{pre}_dst").SelectMany(n => Dec(0, 65535).Select(v => $"set_field:{v}->{n}"))));
        }
        if (p is Proto.Icmp)
            common.Add((2, Gen.Elements("set_field:3->icmp_type", "set_field:1->icmp_code", "move:NXM_OF_ICMP_TYPE[]->NXM_NX_REG0[0..7]")));
        if (p is Proto.Arp)
            common.Add((2, Gen.Elements("load:0x2->NXM_OF_ARP_OP[]", "move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[]", "move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[]", "set_field:2->arp_op")));
        // A small share of actions that do not fit the match: both sides must reject the flow.
        common.Add((1, Gen.Elements("set_field:80->tcp_dst", "set_field:1.2.3.4->ip_src", "ct(commit)", "set_field:1->ct_mark")));
        return Gen.Frequency<string>(common);
    }

    /// <summary>One flow line in add-flows syntax.</summary>
    public static Gen<string> Flow =>
        from table in Gen.Frequency((6, Gen.Constant(0)), (4, Gen.Choose(1, 12)))
        from proto in Protocol
        from protoText in ProtocolText(proto)
        from fields in Gen.Choose(0, 4).SelectMany(n => Gen.ListOf(MatchField, n))
        from priority in Gen.Frequency((1, Gen.Constant(-1)), (4, Gen.Choose(0, 65535)), (3, Gen.Choose(0, 100)))
        from cookie in Gen.Frequency((2, Gen.Constant(0UL)), (1, U32.Select(v => (ulong)v)))
        from timeouts in Gen.Frequency((4, Gen.Constant("")), (1, Dec(0, 65535).Select(v => $"idle_timeout={v},")), (1, Dec(1, 65535).Select(v => $"hard_timeout={v},")))
        from actionCount in Gen.Frequency((1, Gen.Constant(0)), (6, Gen.Choose(1, 4)))
        from actions in Gen.ListOf(Action(proto, table), actionCount)
        from gotoTable in Gen.Frequency((6, Gen.Constant("")), (1, Gen.Choose(table + 1, 40).Select(t => $"goto_table:{t}")))
        from actionWord in Gen.Elements("actions=", "actions=", "action=")
        from separator in Gen.Frequency((9, Gen.Constant(",")), (1, Gen.Constant(", ")))
        select Render(table, priority, cookie, timeouts, protoText, fields, actions, gotoTable, actionWord, separator);

    private static string Render(int table, int priority, ulong cookie, string timeouts, string proto, IReadOnlyList<string> fields,
                                 IReadOnlyList<string> actions, string gotoTable, string actionWord, string separator)
    {
        var parts = new List<string>();
        if (table != 0) parts.Add($"table={table}");
        if (priority >= 0) parts.Add($"priority={priority}");
        if (cookie != 0) parts.Add($"cookie=0x{cookie:x}");
        if (timeouts.Length > 0) parts.Add(timeouts.TrimEnd(','));
        if (proto.Length > 0) parts.Add(proto);
        parts.AddRange(fields);
        var acts = actions.ToList();
        if (gotoTable.Length > 0) acts.Add(gotoTable);
        string actionText = acts.Count == 0 ? "drop" : string.Join(",", acts);
        return string.Join(separator, parts) + (parts.Count > 0 ? separator : "") + actionWord + actionText;
    }

    private static Gen<string> BucketAction => Gen.Frequency(
        (5, Dec(1, 300).Select(n => $"output:{n}")),
        (2, AnyOf("mod_dl_src", "mod_dl_dst").SelectMany(n => Mac.Select(m => $"{n}:{m}"))),
        (2, AnyOf("mod_nw_src", "mod_nw_dst").SelectMany(n => Ip.Select(ip => $"{n}:{ip}"))),
        (2, Gen.Choose(0, 15).SelectMany(r => U32.Select(v => $"set_field:{v}->reg{r}"))),
        (3, Ct(0)),
        (1, Gen.Elements("NORMAL", "in_port", "ct_clear", "dec_ttl", "group:5", "resubmit(,3)")),
        (1, Gen.Choose(0, 7).SelectMany(r => Gen.Choose(0, 15).Select(v => $"load:{v}->NXM_NX_REG{r}[0..3]"))),
        (1, Gen.Choose(0, 7).SelectMany(r => U32.Select(m => $"set_field:0x{m & 0x0f0f:x}/0x0f0f->reg{r}"))),
        (1, Gen.Elements("mod_vlan_vid:5", "mod_vlan_pcp:3", "strip_vlan", "mod_nw_tos:8", "mod_nw_ecn:1", "mod_nw_ttl:7", "mod_tp_dst:80", "set_field:10.1.0.0/255.255.0.0->ip_dst", "set_field:443->tcp_dst", "set_field:2->ip_dscp")));

    private static Gen<string> Bucket(string type) =>
        from id in Gen.Frequency((3, Gen.Constant("")), (1, Gen.Choose(0, 20).Select(i => $"bucket_id={i},")))
        from weight in type == "select" ? Gen.Frequency((2, Gen.Constant("")), (2, Gen.Choose(0, 1000).Select(w => $"weight={w},"))) : Gen.Constant("")
        from watch in type is "fast_failover" or "ff" ? Gen.Elements("watch_port=1,", "watch_port:2,", "watch_group=5,", "watch_port=LOCAL,") : Gen.Frequency((5, Gen.Constant("")), (1, Gen.Constant("watch_port=3,")))
        from n in Gen.Choose(1, 3)
        from acts in Gen.ListOf(BucketAction, n)
        from explicitActions in Gen.Elements("", "actions=")
        select $"bucket={id}{weight}{watch}{explicitActions}{string.Join(",", acts)}";

    /// <summary>One group line in -O OpenFlow15 add-groups syntax (group ids from 1000 up, given by the caller).</summary>
    public static Gen<string> Group(uint groupId) =>
        from type in Gen.Elements("all", "select", "select", "indirect", "fast_failover", "ff")
        from method in type == "select" ? Gen.Elements("", ",selection_method=dp_hash", ",selection_method=hash", ",selection_method=hash,selection_method_param=42") : Gen.Constant("")
        from fields in method.Contains("=hash") ? Gen.SubListOf("ip_src", "ip_dst", "tcp_src", "tcp_dst", "eth_src", "nw_proto", "udp_dst").Where(l => l.Count > 0).Select(l => l.Count == 1 ? $",fields={l[0]}" : $",fields({string.Join(",", l)})") : Gen.Constant("")
        from n in type == "indirect" ? Gen.Constant(1) : Gen.Choose(0, 4)
        from buckets in Gen.ListOf(Bucket(type), n)
        select $"group_id={groupId},type={type}{method}{fields}" + (buckets.Count > 0 ? "," + string.Join(",", buckets) : "");

    /// <summary>Deterministic samples: the same seed gives the same lines.</summary>
    public static IReadOnlyList<string> Sample(Gen<string> gen, int count, ulong seed, int size = 30) =>
        gen.Sample(count, new Rnd(seed), size).ToList();
}
