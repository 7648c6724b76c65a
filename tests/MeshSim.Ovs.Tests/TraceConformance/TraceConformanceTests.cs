using MeshSim.Engine;
using MeshSim.Ovs.Conntrack;
using MeshSim.Ovs.Datapath;
using MeshSim.Ovs.Tests.Conformance;
using MeshSim.Ovs.Tracing;
using Xunit.Abstractions;

namespace MeshSim.Ovs.Tests.TraceConformance;

/// <summary>
/// Traces the same packets through the same flows in MeshSim (ofproto/trace emulation) and in a
/// real OVS 3.1 netdev bridge, and compares, pass by pass (the first and every ct recirculation,
/// with --ct-next states): the output ports and the final flow text. OVS's LOCAL port is left out
/// (MeshSim's offline bridge has none), and select groups are not generated (real ofproto/trace
/// stops at their dp_hash recirculation).
/// </summary>
public sealed class TraceConformanceTests(TraceOvsFixture ovs, ITestOutputHelper log) : IClassFixture<TraceOvsFixture>
{
    [OvsFact]
    public void Hand_written_cases_agree()
    {
        var cases = new List<TraceCase>
        {
            new("thesis VIP DNAT in zone 1", [
                "table=0,priority=100,tcp,in_port=1,nw_dst=10.96.0.10,tp_dst=80 actions=ct(table=1,zone=1,nat)",
                "table=1,priority=100,ct_state=+new+trk,tcp actions=ct(commit,zone=1,nat(dst=10.1.0.5:8080),exec(set_field:0x1->ct_mark)),mod_dl_dst:00:00:00:00:00:02,output:2",
                "table=1,priority=90,ct_state=+est+trk actions=output:2",
                "table=0,priority=10,arp actions=output:3"], [],
                "in_port=1,tcp,nw_src=10.0.0.1,nw_dst=10.96.0.10,tp_src=1234,tp_dst=80,nw_ttl=64", ["trk,new"]),
            new("established continues", [
                "table=0,priority=100,ip,in_port=1 actions=load:0x5->NXM_NX_REG0[],ct(commit,table=1,zone=1,nat(dst=10.1.0.5:8080),exec(set_field:0x1->ct_mark))",
                "table=1,priority=100,ct_state=+new+trk,tcp actions=ct(commit,zone=1,exec(set_field:0x1->ct_mark)),dec_ttl,mod_nw_src:1.2.3.4,output:2,output:1,in_port",
                "table=1,priority=50,reg0=0x5 actions=output:3"], [],
                "in_port=1,tcp,nw_src=10.0.0.1,nw_dst=10.96.0.10,tp_src=1234,tp_dst=80,nw_ttl=64,metadata=0x3,reg3=0x7", ["trk,est"]),
            new("ttl exception stops the list", ["priority=1,ip actions=dec_ttl,output:2", "priority=0 actions=output:3"], [],
                "in_port=1,udp,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_ttl=1,udp_src=1,udp_dst=2", []),
            new("recursion too deep", ["table=0 actions=output:2,resubmit(,1)", "table=1 actions=resubmit(,1)"], [],
                "in_port=1,udp,nw_src=10.0.0.1,nw_dst=10.0.0.2,udp_src=1,udp_dst=2", []),
            new("groups all and fast_failover", ["priority=1,in_port=1 actions=group:1,group:2"],
                ["group_id=1,type=all,bucket=actions=mod_nw_dst:10.9.9.9,output:2,bucket=actions=output:3",
                 "group_id=2,type=fast_failover,bucket=watch_port:4,actions=output:4,bucket=watch_port:2,actions=output:2"],
                "in_port=1,udp,nw_src=10.0.0.1,nw_dst=10.0.0.2,udp_src=1,udp_dst=2", []),
            new("arp responder with move/load", [
                "priority=10,arp,arp_op=1,arp_tpa=10.0.0.254 actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],mod_dl_src:aa:bb:cc:dd:ee:ff,load:0x2->NXM_OF_ARP_OP[],move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],load:0xaabbccddeeff->NXM_NX_ARP_SHA[],move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],load:0xa0000fe->NXM_OF_ARP_SPA[],in_port"], [],
                "in_port=3,arp,dl_src=00:00:00:00:00:07,dl_dst=ff:ff:ff:ff:ff:ff,arp_spa=10.0.0.7,arp_tpa=10.0.0.254,arp_op=1,arp_sha=00:00:00:00:00:07", []),
            new("push/pop share one stack across resubmit; pop on an empty stack changes nothing", [
                "table=0,priority=1,in_port=1,udp actions=load:0x11->NXM_NX_REG0[],push:NXM_NX_REG0[],load:0x22->NXM_NX_REG0[],push:reg0[0..7],resubmit(,1),pop:reg5,output:2",
                "table=1,priority=1 actions=pop:NXM_NX_REG1[],pop:NXM_NX_REG2[8..15],pop:NXM_NX_REG3[]"], [],
                "in_port=1,udp,nw_src=10.0.0.1,nw_dst=10.0.0.2,udp_src=1,udp_dst=2", []),
            new("xreg, xxreg and OXM_OF_IN_PORT through load, move, push and pop", [
                "priority=1,in_port=1 actions=load:0x1122334455667788->OXM_OF_PKT_REG1[],push:OXM_OF_PKT_REG1[0..47],pop:NXM_NX_XXREG3[8..71],move:OXM_OF_IN_PORT[]->NXM_NX_REG4[],load:0xff->xreg3[28..35],output:2"], [],
                "in_port=1,udp,nw_src=10.0.0.1,nw_dst=10.0.0.2,udp_src=1,udp_dst=2", []),
            new("exit ends the resubmitting flow too, but not the actions after a group", [
                "table=0,priority=1,in_port=1 actions=resubmit(,1),output:3,group:1,output:4",
                "table=1,priority=1 actions=output:2,exit,output:4",
                "table=2,priority=1 actions=exit"],
                ["group_id=1,type=all,bucket=actions=resubmit(,2)"],
                "in_port=1,udp,nw_src=10.0.0.1,nw_dst=10.0.0.2,udp_src=1,udp_dst=2", []),
            new("output(port=,max_len=) truncates; IN_PORT and the input port send nothing", [
                "priority=1,in_port=1 actions=output(port=2,max_len=64),output(port=IN_PORT,max_len=64),output(port=1,max_len=64),output(port=3,max_len=1500)"], [],
                "in_port=1,udp,nw_src=10.0.0.1,nw_dst=10.0.0.2,udp_src=1,udp_dst=2", []),
            new("sctp ports", [
                "priority=1,in_port=1,sctp,sctp_dst=2 actions=set_field:99->sctp_src,mod_tp_dst:100,output:2"], [],
                "in_port=1,sctp,nw_src=10.0.0.1,nw_dst=10.0.0.2,sctp_src=1,sctp_dst=2", []),
            new("subfield match and set_field to vlan_tci", [
                "priority=1,in_port=1,udp,tp_dst[0..3]=2 actions=set_field:0x3005->vlan_tci,output:2,set_field:0->vlan_tci,output:3"], [],
                "in_port=1,udp,nw_src=10.0.0.1,nw_dst=10.0.0.2,udp_src=1,udp_dst=0x32", []),
        };
        var failures = cases.Select(Compare).Where(f => f is not null).ToList();
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    [OvsFact]
    public void Generated_cases_agree()
    {
        var gen = new TraceCaseGenerator(seed: 20261125);
        int compared = 0, skipped = 0;
        var failures = new List<string>();
        for (int i = 0; i < 200; i++)
        {
            var c = gen.Next(i);
            var result = Compare(c);
            if (result == Skipped) { skipped++; continue; }
            compared++;
            if (result is not null) failures.Add(result);
        }
        log.WriteLine($"compared {compared} generated traces, {skipped} skipped (flows rejected by OVS), {failures.Count} differ");
        Assert.True(compared >= 100, $"only {compared} generated cases were accepted by OVS");
        Assert.True(failures.Count == 0, $"{failures.Count} of {compared} differ:\n\n" + string.Join("\n\n", failures.Take(5)));
    }

    [OvsFact]
    public void Malformed_packets_are_rejected_by_both()
    {
        ovs.OfCtl("add-flow", TraceOvsFixture.Bridge, "actions=drop");
        foreach (var packet in new[] { "in_port=1,udp,tp_src=1", "in_port=1,tcp,nw_src=10.0.0.1/8", "in_port=1,tcp,tp_dst=70000", "in_port=1,dl_src=zz:00:00:00:00:01", "in_port=1,nosuchfield=3", "in_port=1,icmp,udp_dst=5" })
        {
            Assert.False(ovs.AppCtl("ofproto/trace", TraceOvsFixture.Bridge, packet).Ok, $"real OVS accepted {packet}");
            Assert.False(TracePacket.TryParse(packet, out _, out var error), $"MeshSim accepted {packet}");
            Assert.False(string.IsNullOrEmpty(error));
        }
    }

    private const string Skipped = "<skipped>";

    private string? Compare(TraceCase c)
    {
        ovs.OfCtl("del-flows", TraceOvsFixture.Bridge);
        ovs.OfCtl("-O", "OpenFlow15", "del-groups", TraceOvsFixture.Bridge);
        var dir = Directory.CreateTempSubdirectory("meshsim-trace-").FullName;
        try
        {
            if (c.Groups.Count > 0)
            {
                File.WriteAllLines(Path.Combine(dir, "groups.txt"), c.Groups);
                if (!ovs.OfCtl("-O", "OpenFlow15", "add-groups", TraceOvsFixture.Bridge, Path.Combine(dir, "groups.txt")).Ok) return Skipped;
            }
            File.WriteAllLines(Path.Combine(dir, "flows.txt"), c.Flows);
            if (!ovs.OfCtl("add-flows", TraceOvsFixture.Bridge, Path.Combine(dir, "flows.txt")).Ok) return Skipped;
        }
        finally { Directory.Delete(dir, recursive: true); }

        var args = new List<string> { "ofproto/trace", TraceOvsFixture.Bridge, c.Packet };
        foreach (var s in c.CtNext) { args.Add("--ct-next"); args.Add(s); }
        var real = ovs.AppCtl([.. args]);
        if (!real.Ok) return $"{c}\n  real OVS trace failed: {real.Stderr}";
        var want = RealTrace.Parse(real.Stdout, ovs.OpenFlowPort);

        var got = MeshSimTrace(c);
        if (got is null) return $"{c}\n  MeshSim rejected input that OVS accepted";
        if (want.Count != got.Count || !want.Zip(got).All(p => p.First.SameAs(p.Second)))
            return $"{c}\n  OVS:     {string.Join("\n           ", want)}\n  MeshSim: {string.Join("\n           ", got)}\n\nreal trace:\n{real.Stdout}";
        return null;
    }

    private static List<PassOutcome>? MeshSimTrace(TraceCase c)
    {
        var flows = OvsRuleFile.ParseFlows(string.Join("\n", c.Flows));
        var groups = OvsRuleFile.ParseGroups(string.Join("\n", c.Groups));
        if (!flows.Ok || !groups.Ok || !TracePacket.TryParse(c.Packet, out var packet, out _)) return null;
        var bridge = new OpenFlowBridge(TraceOvsFixture.Bridge, SimRandom.ForStream(1, "conformance"), () => 0);
        for (uint p = 1; p <= TraceOvsFixture.PortCount; p++) bridge.AddPort(new BridgePort(p, $"p{p}", BridgePortKind.System, _ => { }));
        bridge.AddFlows(flows.Entries.Select(e => e.Entry));
        foreach (var g in groups.Entries) bridge.AddGroup(g.Entry);
        var states = c.CtNext.Select(s => CtStateText.TryParse(s, out var st, out _) ? st : CtState.None).ToList();
        var trace = bridge.Trace(packet!.Frame, packet.InPort, CtMode.Emulate, states, flow: packet.Key);
        return trace.Passes.Select(p => new PassOutcome(p.FinalFlow == "unchanged" ? p.Flow : p.FinalFlow, p.OutputPorts, p.Error is not null)).ToList();
    }
}
