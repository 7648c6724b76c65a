using FsCheck;
using FsCheck.Fluent;
using static MeshSim.Oracles.Differential.AddressPlan;

namespace MeshSim.Oracles.Differential;

/// <summary>
/// FsCheck generators of OpenFlow pipelines over four tables, built the way service-mesh rule sets
/// are (and then varied): table 0 classifies (ARP, VIP, IP) and sends IP through <c>ct()</c> in a
/// zone, table 1 acts on ct_state (commit, DNAT to the VIP's backends, SNAT, ct_mark), table 2
/// forwards per destination (rewrites, registers, metadata, groups), table 3 answers or forwards
/// ARP. Groups 1-3 are of every type, their buckets holding ct, set_field, resubmit and outputs.
/// Priorities, zones, marks and ranges are drawn, and every line is optional, so generated
/// pipelines also miss, loop back (output to in_port) and drop.
/// </summary>
public static class PipelineGen
{
    /// <summary>Groups and flows; flows get cookies 0x1, 0x2, ... in order.</summary>
    public static Gen<(List<GroupSpec> Groups, List<string> Flows)> Pipeline() =>
        from zone in Gen.Elements(0, 0, 1, 7, 65535)
        from zone2 in Gen.Elements(0, 3)
        from mark in Gen.Choose(1, 15)
        from groups in GroupSpecs(zone)
        let gids = groups.Select(g => g.Id).ToArray()
        from t0 in Table0(zone, gids)
        from t1 in Table1(zone, zone2, mark)
        from t2 in Table2(gids, mark)
        from t3 in Table3(gids)
        select (groups, t0.Concat(t1).Concat(t2).Concat(t3).Select((f, i) => $"cookie=0x{i + 1:x}," + f).ToList());

    private static Gen<string> Port() => Gen.Choose(1, Hosts).Select(p => p.ToString());

    private static Gen<int> Priority() => Gen.Elements(1, 10, 50, 100, 100, 200, 1000);

    /// <summary>Each candidate line kept with probability 3/4.</summary>
    private static Gen<List<string>> Some(params Gen<string>[] lines) =>
        Gen.CollectToList(lines.Select(l => Gen.Frequency((3, l.Select(s => (string?)s)), (1, Gen.Constant<string?>(null))))).Select(l => l.Where(s => s is not null).Select(s => s!).ToList());

    private static Gen<string> NatDst() =>
        Gen.Elements(
            $"nat(dst={IpText(2)})",
            $"nat(dst={IpText(2)}:{BackendPort})",
            $"nat(dst={IpText(2)}-{IpText(3)})",
            $"nat(dst={IpText(2)}-{IpText(3)}:{BackendPort}-{BackendPort + 1})",
            $"nat(dst={IpText(3)}:{BackendPort})");

    private static Gen<string> NatSrc() =>
        Gen.Elements("nat(src=10.0.9.1)", "nat(src=10.0.9.1-10.0.9.2)", "nat(src=10.0.9.1:5000-5001)", "nat(src=10.0.9.1-10.0.9.2:6000-6010)");

    private static Gen<string> ToTable(int table) => Gen.Elements($"resubmit(,{table})", $"goto_table:{table}");

    private static Gen<List<string>> Table0(int zone, uint[] gids) =>
        from pArp in Priority()
        from pVip in Priority().Select(p => p + 100)
        // Overlapping flows never share a priority: OpenFlow leaves the choice between them undefined
        // (OVS picks by subtable order), so a tie would be a divergence about nothing.
        from pIp in Gen.Elements(-60, -10, 10, 60).Select(d => pVip + d)
        from arpTo in Gen.Frequency((3, ToTable(3)), (1, gids.Length > 0 ? Gen.Elements(gids).Select(g => $"group:{g}") : ToTable(3)), (1, Port().Select(p => "output:" + p)))
        from reg in Gen.Choose(1, 3)
        from vipPre in Gen.Elements("", $"load:0x{reg:x}->NXM_NX_REG0[],", "set_field:0x5->reg2,")
        from ipNat in Gen.Elements("", ",nat")
        from meta in Gen.Frequency((7, Gen.Constant("")), (1, Gen.Constant(",write_metadata:0x2")))
        from icmpTo in ToTable(2)
        from fallback in Gen.Elements("drop", "goto_table:2", "resubmit(,2)")
        from l in Some(
            Gen.Constant($"table=0,priority={pArp},arp,actions={arpTo}"),
            Gen.Constant($"table=0,priority={pVip},ip,nw_dst={Vip},actions={vipPre}ct(table=1,zone={zone})"),
            Gen.Constant($"table=0,priority={pIp},ip,actions=ct(table=1,zone={zone}{ipNat}){meta}"),
            Gen.Constant($"table=0,priority={pIp + 1},icmp,icmp_type=8,actions={icmpTo}"),
            Gen.Constant($"table=0,priority={pIp + 2},udp,tp_dst={VipUdpPort},actions=ct(table=1,zone={zone}{ipNat})"),
            Gen.Constant($"table=0,priority=0,actions={fallback}"))
        select l;

    private static Gen<List<string>> Table1(int zone, int zone2, int mark) =>
        from pNew in Priority()
        from vipCommit in
            from nat in NatDst()
            from exec in Gen.Elements("", $",exec(set_field:0x{mark:x}->ct_mark)", $",exec(set_field:0x{mark:x}->ct_mark,set_field:0x{mark:x}0->ct_label)")
            from how in Gen.Elements(0, 1)
            select how == 0
                ? $"ct(commit,zone={zone},{nat}{exec}),resubmit(,2)"
                : $"ct(commit,zone={zone},{nat}{exec},table=2)"
        from newCommit in
            from nat in Gen.Frequency((3, Gen.Constant("")), (1, NatSrc().Select(s => "," + s)))
            from exec in Gen.Elements("", $",exec(set_field:0x{mark + 1:x}->ct_mark)")
            from z in Gen.Elements(zone, zone2)
            from to in ToTable(2)
            select $"ct(commit,zone={z}{nat}{exec}),{to}"
        from estTo in ToTable(2)
        from l in Some(
            Gen.Constant($"table=1,priority={pNew + 10},ct_state=+new+trk,ip,nw_dst={Vip},actions={vipCommit}"),
            Gen.Constant($"table=1,priority={pNew},ct_state=+new+trk,ip,actions={newCommit}"),
            Gen.Constant($"table=1,priority=100,ct_state=+est+trk,actions={estTo}"),
            Gen.Constant($"table=1,priority=110,ct_state=+est+trk,ct_mark=0x{mark:x},actions=load:0x1->NXM_NX_REG1[],{estTo}"),
            Gen.Constant($"table=1,priority=105,ct_state=+rel+trk,actions=resubmit(,2)"),
            Gen.Constant($"table=1,priority=120,ct_state=+inv+trk,actions=drop"),
            Gen.Constant($"table=1,priority=90,ct_state=+rpl+trk,actions=goto_table:2"),
            Gen.Constant($"table=1,priority=0,actions=resubmit(,2)"))
        select l;

    private static Gen<string> Forward(int host, uint[] gids) =>
        Gen.Frequency(
            (3, Gen.Constant($"output:{host}")),
            (3, Gen.Constant($"mod_dl_dst:{MacText(host)},output:{host}")),
            (1, Gen.Constant($"dec_ttl,output:{host}")),
            (1, Gen.Constant($"set_field:{IpText(host)}->ip_dst,mod_dl_src:02:00:00:00:00:fd,output:{host}")),
            (1, Gen.Constant($"mod_nw_tos:0x10,output:{host}")),
            (1, gids.Length > 0 ? Gen.Elements(gids).Select(g => $"group:{g}") : Gen.Constant($"output:{host}")),
            (1, Gen.Constant($"output:in_port")),
            (1, Gen.Constant("drop")));

    private static Gen<List<string>> Table2(uint[] gids, int mark) =>
        from f1 in Forward(1, gids)
        from f2 in Forward(2, gids)
        from f3 in Forward(3, gids)
        from f4 in Forward(4, gids)
        from vip in gids.Length > 0 ? Gen.Elements(gids).Select(g => $"group:{g}") : Gen.Constant("output:2")
        from regPort in Port()
        from fallback in Gen.Elements("drop", "resubmit(,3)", "output:4")
        from l in Some(
            Gen.Constant($"table=2,priority=100,ip,nw_dst={IpText(1)},actions={f1}"),
            Gen.Constant($"table=2,priority=100,ip,nw_dst={IpText(2)},actions={f2}"),
            Gen.Constant($"table=2,priority=100,ip,nw_dst={IpText(3)},actions={f3}"),
            Gen.Constant($"table=2,priority=100,ip,nw_dst={IpText(4)},actions={f4}"),
            Gen.Constant($"table=2,priority=150,ip,nw_dst={Vip},actions={vip}"),
            Gen.Constant($"table=2,priority=200,reg0=0x2,ip,actions={vip}"),
            Gen.Constant($"table=2,priority=210,reg1=0x1,tcp,actions=mod_tp_src:{1000 + mark},output:{regPort}"),
            Gen.Constant($"table=2,priority=160,metadata=0x2,udp,actions=output:{regPort}"),
            Gen.Constant($"table=2,priority=0,actions={fallback}"))
        select l;

    private static Gen<List<string>> Table3(uint[] gids) =>
        from p in Gen.Choose(1, Hosts)
        from l in Some(
            Gen.Constant($"table=3,priority=100,arp,arp_tpa={IpText(1)},actions=output:1"),
            Gen.Constant($"table=3,priority=100,arp,arp_tpa={IpText(2)},actions=output:2"),
            Gen.Constant($"table=3,priority=100,arp,arp_tpa={IpText(3)},actions=output:3"),
            Gen.Constant($"table=3,priority=100,arp,arp_tpa={IpText(4)},actions=output:4"),
            // An ARP responder for the VIP, as mesh pipelines have: the request turned into a reply on in_port.
            Gen.Constant($"table=3,priority=200,arp,arp_op=1,arp_tpa={Vip},actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],mod_dl_src:{VipMac},load:0x2->NXM_OF_ARP_OP[],move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],load:0x{VipMac.Value:x}->NXM_NX_ARP_SHA[],load:0x{Vip.Value:x}->NXM_OF_ARP_SPA[],in_port"),
            Gen.Constant($"table=3,priority=1,ip,actions=output:{p}"))
        select l;

    private static Gen<string> BucketActions(int zone) =>
        from host in Gen.Choose(1, Hosts)
        from b in Gen.Frequency(
            (3, Gen.Constant($"output:{host}")),
            (3, Gen.Constant($"mod_dl_dst:{MacText(host)},output:{host}")),
            (2, Gen.Constant($"ct(commit,zone={zone},nat(dst={IpText(host)}:{BackendPort})),mod_dl_dst:{MacText(host)},output:{host}")),
            (1, Gen.Constant($"ct(commit,zone={zone}),output:{host}")),
            (1, Gen.Constant($"set_field:{IpText(host)}->ip_dst,output:{host}")),
            (1, Gen.Constant($"load:0x{host:x}->NXM_NX_REG3[],resubmit(,3)")),
            (1, Gen.Constant($"resubmit(,3)")))
        select b;

    private static Gen<List<GroupSpec>> GroupSpecs(int zone) =>
        from n in Gen.Choose(0, 3)
        from groups in Gen.CollectToList(Enumerable.Range(1, n).Select(id => Group((uint)id, zone)))
        select groups.ToList();

    private static Gen<GroupSpec> Group(uint id, int zone) =>
        from type in Gen.Elements("all", "select", "select", "indirect", "fast_failover")
        from selection in Gen.Elements<string?>(null, "selection_method=dp_hash", "selection_method=hash,fields(ip_src,ip_dst)", "selection_method=hash,fields(ip_src,tcp_dst)", "selection_method=hash,fields(eth_dst,ip_proto)")
        from count in type == "indirect" ? Gen.Constant(1) : Gen.Choose(1, 4)
        from actions in BucketActions(zone).ListOf(count)
        from weights in Gen.Choose(1, 100).ListOf(count)
        from watch in Gen.Choose(1, Hosts).ListOf(count)
        select new GroupSpec(id, type, type == "select" ? selection : null,
            actions.Select((a, i) => type switch
            {
                "select" => $"bucket_id:{i},weight:{weights[i]},actions={a}",
                "fast_failover" => $"bucket_id:{i},watch_port:{watch[i]},actions={a}",
                _ => $"bucket_id:{i},actions={a}",
            }).ToList());
}
